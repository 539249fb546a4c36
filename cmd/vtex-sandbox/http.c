#include "http.h"
#include "jw.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>

const char *req_arg(const request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

void resp_header(response *rs, const char *name, const char *fmt, ...)
{
	va_list ap;
	if (rs->nheaders >= HTTP_MAX_HEADERS)
		return;
	rs->headers[rs->nheaders].name = name;
	va_start(ap, fmt);
	vsnprintf(rs->headers[rs->nheaders].value, sizeof rs->headers[0].value, fmt, ap);
	va_end(ap);
	rs->nheaders++;
}

void resp_text(response *rs, int status, const char *json)
{
	rs->status = status;
	rs->body.len = 0;
	buf_puts(&rs->body, json);
}

void resp_oms_error(response *rs, int status, const char *code, const char *message)
{
	jw w;
	rs->status = status;
	rs->body.len = 0;
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kstr(&w, "code", code);
	jw_kstr(&w, "message", message);
	jw_knull(&w, "exception");
	jw_end(&w);
	jw_end(&w);
}

void resp_md_error(response *rs, int status, const char *message)
{
	jw w;
	rs->status = status;
	rs->body.len = 0;
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_kstr(&w, "Message", message);
	jw_end(&w);
}

struct each_ctx {
	req_arg_fn fn;
	void *ctx;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct each_ctx *e = cls;
	(void)kind;
	return e->fn(e->ctx, key, value ? value : "") ? MHD_YES : MHD_NO;
}

void req_each_arg(const request *rq, req_arg_fn fn, void *ctx)
{
	struct each_ctx e = { fn, ctx };
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, each_arg, &e);
}
