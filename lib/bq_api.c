#include "bq_api.h"
#include "exitcode.h"
#include "log.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

int bq_api_init(bq_api *a, const char *endpoint, double timeout_s,
		const char *cacert)
{
	int rc = VP_EXIT_OK;
	http_options ho;
	memset(a, 0, sizeof *a);
	if (!http_url_credentials_allowed(endpoint, "the BigQuery endpoint"))
		return VP_EXIT_CONFIG;
	a->base = xstrdup(endpoint);
	size_t n = strlen(a->base);
	while (n && a->base[n - 1] == '/')
		a->base[--n] = '\0';
	a->auth = bq_auth_new(cacert, &rc);
	if (!a->auth)
		return rc;
	http_options_default(&ho);
	ho.concurrency = 1;
	ho.timeout_s = timeout_s;
	ho.cacert = cacert;
	a->http = http_client_new(&ho);
	a->m_calls = metrics_counter("vtex_pipes_bq_calls_total", "BigQuery API calls made (retries not counted).",
				     "");
	a->m_sent = metrics_counter("vtex_pipes_bq_request_bytes_total", "Request body bytes sent to BigQuery.",
				    "");
	return VP_EXIT_OK;
}

void bq_api_free(bq_api *a)
{
	if (a->http)
		http_client_free(a->http);
	bq_auth_free(a->auth);
	free(a->base);
}

int bq_call_url(bq_api *a, const char *label, const char *method, const char *url, const char *ctype,
		const void *body, size_t len, const char *extra_header, bq_reply *rep)
{
	memset(rep, 0, sizeof *rep); /* freeing it is safe whatever the outcome */
	for (int attempt = 0;; attempt++) {
		int rc = VP_EXIT_OK;
		const char *token = bq_auth_token(a->auth, &rc);
		if (!token)
			return rc;
		http_request *r = http_request_new(method, url);
		buf h = { 0 };
		buf_printf(&h, "Authorization: Bearer %s", token);
		http_request_header(r, buf_cstr(&h));
		buf_free(&h);
		if (ctype) {
			buf ct = { 0 };
			buf_printf(&ct, "Content-Type: %s", ctype);
			http_request_header(r, buf_cstr(&ct));
			buf_free(&ct);
			http_request_body(r, body, len);
		}
		if (extra_header)
			http_request_header(r, extra_header);
		http_request_label(r, label);
		metric_add(a->m_calls, 1);
		metric_add(a->m_sent, (double)len);
		bq_http_do(a->http, r, rep);
		if (rep->outcome != HTTP_OUTCOME_OK) {
			log_error("BigQuery did not answer", LS("call", label), LS("error", rep->error),
				  LI("status", rep->status));
			rc = rep->outcome == HTTP_OUTCOME_FATAL ? VP_EXIT_CONFIG : VP_EXIT_TEMPFAIL;
			bq_reply_free(rep); /* no answer to read: the caller only sees rc */
			/* A bad URL or an untrusted certificate is configuration; the rest may pass. */
			return rc;
		}
		/* An access token can expire or be revoked mid-run: get a new one, once. */
		if (rep->status == 401 && attempt == 0 && bq_auth_invalidate(a->auth)) {
			log_info("BigQuery refused the access token; renewing it", LS("call", label));
			bq_reply_free(rep);
			continue;
		}
		return VP_EXIT_OK;
	}
}

int bq_call(bq_api *a, const char *label, const char *method, const char *path, const char *ctype,
	    const void *body, size_t len, const char *extra_header, bq_reply *rep)
{
	buf url = { 0 };
	buf_printf(&url, "%s%s", a->base, path);
	int rc = bq_call_url(a, label, method, buf_cstr(&url), ctype, body, len, extra_header, rep);
	buf_free(&url);
	return rc;
}

char *bq_error_message(const bq_reply *rep)
{
	cJSON *j = cJSON_Parse(rep->body.data ? rep->body.data : "");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : NULL;
	buf out = { 0 };
	if (cJSON_IsString(m))
		buf_printf(&out, "HTTP %ld: %s", rep->status, m->valuestring);
	else if (cJSON_IsString(e))
		buf_printf(&out, "HTTP %ld: %s", rep->status, e->valuestring);
	else
		buf_printf(&out, "HTTP %ld", rep->status);
	cJSON_Delete(j);
	return (char *)buf_cstr(&out);
}

int bq_status_exit(const bq_reply *rep, const char *what)
{
	const char *meaning;
	int rc;
	switch (rep->status) {
	case 401:
		meaning = "BigQuery refused the credentials (401): check BQ_TOKEN or GOOGLE_APPLICATION_CREDENTIALS";
		rc = VP_EXIT_CONFIG;
		break;
	case 403:
		meaning = "BigQuery denied access (403): the account needs BigQuery Data Editor and Job User "
			  "on the project and dataset";
		rc = VP_EXIT_CONFIG;
		break;
	case 404:
		meaning = "BigQuery has no such project or dataset (404), or --endpoint is wrong";
		rc = VP_EXIT_UNAVAILABLE;
		break;
	default:
		return 0;
	}
	char *msg = bq_error_message(rep);
	log_error(meaning, LS("call", what), LS("error", msg));
	free(msg);
	return rc;
}
