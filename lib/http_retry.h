/* Retry policy of the HTTP client: which outcomes deserve another try,
 * exponential backoff with full jitter, and the server's Retry-After. */
#ifndef VP_HTTP_RETRY_H
#define VP_HTTP_RETRY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct {
	int max_attempts;         /* tries per request, the first included */
	double base_s;            /* backoff ceiling of the first retry */
	double max_s;             /* the ceiling never grows past this */
	double retry_after_max_s; /* a longer Retry-After is cut to this */
} http_retry_policy;

/* Ceiling before retry n (1 = the first retry): min(max_s, base_s * 2^(n-1)). */
double http_backoff_ceiling(const http_retry_policy *p, int retry);
/* Full jitter: u (uniform in [0,1)) times the ceiling. */
double http_backoff_delay(const http_retry_policy *p, int retry, double u);
/* The u of the jitter: uniform in [0, 1), from an xorshift64* state (never 0;
 * spread matters here, not cryptographic strength). */
double http_jitter_u(uint64_t *state);
/* The wait before retry n when the server said Retry-After (ra_s >= 0) or did
 * not (ra_s < 0): never less than the server asked (up to retry_after_max_s),
 * never less than the jittered backoff. */
double http_retry_wait(const http_retry_policy *p, int retry, double u, double ra_s);

/* Parses a Retry-After value, delta-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"), into seconds from now (a date in the
 * past gives 0). Returns false when the value is neither. */
bool http_parse_retry_after(const char *value, time_t now, double *seconds);

/* 429 and the 5xx that mean "not now" (500, 502, 503, 504, and other 5xx
 * except 501 Not Implemented and 505 Version Not Supported). */
bool http_status_retryable(long status);

#endif
