/* BigQuery REST calls (bq-load, bq-export): the API base URL (--endpoint), the bearer token on
 * every request (renewed once after a 401), and what a failed status means
 * for the run: 401/403 end it as a configuration error (78), 404 as a
 * missing project, dataset or endpoint (69); 429, 5xx and network errors
 * are retried by the HTTP client and end it as a temporary failure (75)
 * when they last. */
#ifndef VP_BQ_API_H
#define VP_BQ_API_H

#include "bq_auth.h"
#include "bq_http.h"
#include "metrics.h"

typedef struct {
	http_client *http;
	bq_auth *auth;
	char *base;           /* endpoint without a trailing '/' */
	metric *m_calls;      /* API calls and request bytes sent (the benchmarks count them) */
	metric *m_sent;
} bq_api;

/* timeout_s: per attempt (a large upload needs long); cacert: an extra CA
 * (PEM) trusted for BigQuery and the token endpoint, or NULL. */
int bq_api_init(bq_api *a, const char *endpoint, double timeout_s, const char *cacert);
void bq_api_free(bq_api *a);

/* One call; path is appended to the base URL. ctype may be NULL (no body).
 * Returns VP_EXIT_OK when a response came (any status; bq_reply_free it), else
 * the exit code, with nothing left in rep to free. */
int bq_call(bq_api *a, const char *label, const char *method, const char *path, const char *ctype,
	    const void *body, size_t len, const char *extra_header, bq_reply *rep);
/* Same with a full URL (a resumable upload session). */
int bq_call_url(bq_api *a, const char *label, const char *method, const char *url, const char *ctype,
		const void *body, size_t len, const char *extra_header, bq_reply *rep);
/* For 401, 403 and 404: logs what it means and returns 78 or 69; else 0. */
int bq_status_exit(const bq_reply *rep, const char *what);
/* The API's error text ({"error":{"message":...}}) or the status; free() it. */
char *bq_error_message(const bq_reply *rep);

#endif
