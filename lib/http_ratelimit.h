/* Token bucket for the HTTP client's --rps: `rate` tokens a second, at most
 * `burst` saved up. Pure arithmetic on a caller-supplied clock (seconds), so
 * it can be tested without sleeping. */
#ifndef VP_HTTP_RATELIMIT_H
#define VP_HTTP_RATELIMIT_H

#include <stdbool.h>

typedef struct {
	double rate;   /* tokens per second; <= 0 means no limit */
	double burst;  /* bucket size, >= 1 */
	double tokens;
	double last;   /* clock of the last refill */
} token_bucket;

/* burst <= 0 picks the default: a tenth of a second's worth, at least 1. The
 * bucket starts full. */
void token_bucket_init(token_bucket *b, double rate, double burst, double now);
/* Takes one token when there is one and returns true; otherwise returns false
 * and sets *wait to the seconds until one will be there. */
bool token_bucket_take(token_bucket *b, double now, double *wait);

#endif
