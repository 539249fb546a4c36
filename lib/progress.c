#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double progress_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(progress *p, const char *what)
{
	p->what = what;
	p->enabled = isatty(STDERR_FILENO);
	p->started = p->last_draw = progress_now();
	p->count = 0;
}

static void draw(progress *p)
{
	double now = progress_now();
	if (now - p->last_draw < 0.25)
		return;
	p->last_draw = now;
	double elapsed = now - p->started;
	fprintf(stderr, "\r\033[K%llu %s, %.0f/s, %.1fs", p->count, p->what,
		elapsed > 0 ? (double)p->count / elapsed : 0.0, elapsed);
}

void progress_add(progress *p, unsigned long long n)
{
	unsigned long long before = p->count;
	p->count += n;
	if (!p->enabled || (before >> 12) == (p->count >> 12))
		return;
	draw(p);
}

void progress_tick(progress *p)
{
	if (p->enabled)
		draw(p);
}

void progress_end(progress *p)
{
	if (p->enabled)
		fputs("\r\033[K", stderr);
}
