#include "http_ratelimit.h"

void token_bucket_init(token_bucket *b, double rate, double burst, double now)
{
	b->rate = rate;
	if (burst <= 0)
		burst = rate / 10;
	b->burst = burst < 1 ? 1 : burst;
	b->tokens = b->burst;
	b->last = now;
}

bool token_bucket_take(token_bucket *b, double now, double *wait)
{
	if (b->rate <= 0)
		return true;
	if (now > b->last) {
		b->tokens += (now - b->last) * b->rate;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last = now;
	}
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return true;
	}
	*wait = (1 - b->tokens) / b->rate;
	return false;
}
