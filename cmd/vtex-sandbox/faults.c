#include "faults.h"
#include "buf.h"
#include "progress.h"
#include "rng.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct faults {
	double rate;
	enum fault_kind kinds[FAULT__COUNT];
	unsigned nkinds;
	uint64_t seed;
	_Atomic unsigned long long counter;
	double limit; /* requests per second; 0: none */
	pthread_mutex_t lock;
	double tokens, last;
};

static const char *const names[FAULT__COUNT] = { "none", "429", "5xx", "reset", "truncate", "slow" };

const char *fault_name(enum fault_kind k) { return names[k]; }

bool faults_parse_list(const char *list, bool out[FAULT__COUNT])
{
	memset(out, 0, FAULT__COUNT * sizeof *out);
	while (*list) {
		size_t n = strcspn(list, ",");
		int found = 0;
		for (int k = 1; k < FAULT__COUNT; k++)
			if (strlen(names[k]) == n && strncmp(list, names[k], n) == 0) {
				out[k] = true;
				found = 1;
			}
		if (!found)
			return false;
		list += n + (list[n] == ',');
	}
	return true;
}

struct faults *faults_new(const sb_config *cfg)
{
	struct faults *f = xcalloc(1, sizeof *f);
	f->rate = cfg->fault_rate;
	for (int k = 1; k < FAULT__COUNT; k++)
		if (cfg->faults[k])
			f->kinds[f->nkinds++] = (enum fault_kind)k;
	if (cfg->fault_seed >= 0) {
		f->seed = (uint64_t)cfg->fault_seed;
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		f->seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20);
	}
	f->limit = cfg->rate_limit;
	f->tokens = f->limit;
	f->last = progress_now();
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void faults_free(struct faults *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

enum fault_kind faults_pick(struct faults *f, unsigned long long *draw)
{
	if (f->rate <= 0 || !f->nkinds)
		return FAULT_NONE;
	unsigned long long n = atomic_fetch_add_explicit(&f->counter, 1, memory_order_relaxed);
	rng r = rng_for(f->seed, TAG_FAULT, n);
	if (!rng_chance(&r, f->rate))
		return FAULT_NONE;
	*draw = rng_next(&r);
	return f->kinds[rng_below(&r, f->nkinds)];
}

/* Token bucket holding at most one second of requests. */
static void refill(struct faults *f, double now)
{
	f->tokens += (now - f->last) * f->limit;
	if (f->tokens > f->limit)
		f->tokens = f->limit;
	f->last = now;
}

bool faults_rate_ok(struct faults *f)
{
	bool ok;
	if (f->limit <= 0)
		return true;
	pthread_mutex_lock(&f->lock);
	refill(f, progress_now());
	ok = f->tokens >= 1;
	if (ok)
		f->tokens -= 1;
	pthread_mutex_unlock(&f->lock);
	return ok;
}

long faults_rate_remaining(struct faults *f)
{
	long left;
	if (f->limit <= 0)
		return -1;
	pthread_mutex_lock(&f->lock);
	refill(f, progress_now());
	left = (long)f->tokens;
	pthread_mutex_unlock(&f->lock);
	return left;
}
