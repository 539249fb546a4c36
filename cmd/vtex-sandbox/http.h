/* One HTTP exchange as the route handlers see it: the request's method,
 * path, query, headers and body; the response they fill in. */
#ifndef SB_HTTP_H
#define SB_HTTP_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

struct MHD_Connection;

enum { HTTP_MAX_HEADERS = 8, HTTP_MAX_PARAMS = 4 };

typedef struct {
	struct MHD_Connection *conn;
	const char *method, *url;
	buf body;
	bool body_too_big;
	double started;   /* CLOCK_MONOTONIC seconds */
	int phase;        /* server.c's progress through the exchange */
	int fault;        /* enum fault_kind chosen for this request */
	unsigned long long fault_draw;
	int route;        /* enum route_id, for metrics */
	int key;          /* index of the credential pair presented (app.h keys) */
	char params[HTTP_MAX_PARAMS][128]; /* the path's variable segments */
} request;

typedef struct {
	int status;
	buf body;
	const char *content_type; /* NULL: application/json; charset=utf-8 */
	int nheaders;
	struct {
		const char *name;
		char value[256];
	} headers[HTTP_MAX_HEADERS];
} response;

/* A query argument (decoded), or NULL. */
const char *req_arg(const request *rq, const char *name);
/* Calls fn for each query argument in order until it returns false. */
typedef bool (*req_arg_fn)(void *ctx, const char *name, const char *value);
void req_each_arg(const request *rq, req_arg_fn fn, void *ctx);
/* A request header (case-insensitive name), or NULL. */
const char *req_header(const request *rq, const char *name);

void resp_header(response *rs, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets the status and a JSON body given as text. */
void resp_text(response *rs, int status, const char *json);
/* OMS-style error: {"error":{"code":"...","message":"...","exception":null}} */
void resp_oms_error(response *rs, int status, const char *code, const char *message);
/* Master Data style error: {"Message":"..."} */
void resp_md_error(response *rs, int status, const char *message);

#endif
