#include "http_retry.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

double http_backoff_ceiling(const http_retry_policy *p, int retry)
{
	if (retry < 1)
		retry = 1;
	/* 2^(retry-1) overflows nothing as a double; cap before multiplying anyway. */
	double c = p->base_s * ldexp(1.0, retry > 60 ? 60 : retry - 1);
	return c > p->max_s ? p->max_s : c;
}

double http_backoff_delay(const http_retry_policy *p, int retry, double u)
{
	return u * http_backoff_ceiling(p, retry);
}

double http_retry_wait(const http_retry_policy *p, int retry, double u, double ra_s)
{
	double d = http_backoff_delay(p, retry, u);
	if (ra_s >= 0) {
		if (ra_s > p->retry_after_max_s)
			ra_s = p->retry_after_max_s;
		if (ra_s > d)
			d = ra_s;
	}
	return d;
}

bool http_parse_retry_after(const char *value, time_t now, double *seconds)
{
	while (*value == ' ' || *value == '\t')
		value++;
	if (isdigit((unsigned char)*value)) {
		char *end;
		errno = 0;
		double v = strtod(value, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (errno || *end || !isfinite(v))
			return false;
		*seconds = v;
		return true;
	}
	/* curl_getdate() reads the HTTP-date forms (RFC 1123, 850, asctime). */
	time_t t = curl_getdate(value, NULL);
	if (t == -1)
		return false;
	*seconds = t > now ? (double)(t - now) : 0;
	return true;
}

bool http_status_retryable(long status)
{
	return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

double http_jitter_u(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (double)((x * 2685821657736338717ULL) >> 11) * 0x1p-53; /* 53 bits to [0, 1) */
}
