/* One HTTP request through the shared client (lib/http.h: retries with
 * backoff on 429, 5xx and network errors, Retry-After), waited for: BigQuery
 * calls are few and each depends on the one before. */
#ifndef VP_BQ_HTTP_H
#define VP_BQ_HTTP_H

#include "buf.h"
#include "http.h"

typedef struct {
	http_outcome outcome;
	long status;          /* 0: no response */
	const char *error;    /* static text when there was no usable response */
	buf body;             /* NUL-terminated */
	char location[2048];  /* the Location header, if any */
} bq_reply;

/* Submits r and runs the client until it is done. */
void bq_http_do(http_client *c, http_request *r, bq_reply *out);
void bq_reply_free(bq_reply *rep);

#endif
