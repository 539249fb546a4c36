#include "bq_http.h"

#include <string.h>

static void done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	bq_reply *out = ctx;
	(void)c;
	(void)req;
	out->outcome = res->outcome;
	out->status = res->status;
	out->error = res->outcome == HTTP_OUTCOME_OK ? NULL
		     : res->error_kind == HTTP_ERR_STATUS ? "the server kept answering 429 or 5xx"
		     : res->error_kind == HTTP_ERR_TLS_TRUST ? "the server's TLS certificate is not trusted"
		     : res->error_kind == HTTP_ERR_REQUEST ? "the request cannot be made (bad URL?)"
		     : res->error_kind == HTTP_ERR_TOO_LARGE ? "the response was larger than VTEX_PIPES_MAX_RESPONSE"
		     : "network error";
	buf_put(&out->body, res->body.data ? res->body.data : "", res->body.len);
	buf_cstr(&out->body);
	if (!http_response_header(res, "Location", out->location, sizeof out->location))
		out->location[0] = '\0';
}

void bq_http_do(http_client *c, http_request *r, bq_reply *out)
{
	memset(out, 0, sizeof *out);
	out->outcome = HTTP_OUTCOME_FATAL;
	out->error = "the HTTP client failed";
	http_request_on_done(r, done, out);
	http_submit(c, r);
	http_client_run(c, NULL, NULL);
	buf_cstr(&out->body);
}

void bq_reply_free(bq_reply *rep)
{
	buf_free(&rep->body);
}
