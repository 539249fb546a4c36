/* A progress line on stderr (records, rate, elapsed) while a long run goes
 * on; shown only when stderr is a terminal, redrawn at most a few times a second. */
#ifndef VP_PROGRESS_H
#define VP_PROGRESS_H

#include <stdbool.h>

typedef struct {
	const char *what;      /* "records", "orders", ... */
	bool enabled;
	double started, last_draw;
	unsigned long long count;
} progress;

void progress_start(progress *p, const char *what);
/* Adds n; cheap enough to call per record (checks the clock every 4096 calls). */
void progress_add(progress *p, unsigned long long n);
/* Redraws if a quarter second has passed: for slow records (one per HTTP
 * request, say) that would seldom cross progress_add's 4096-record check. */
void progress_tick(progress *p);
/* Clears the line. */
void progress_end(progress *p);
double progress_now(void);

#endif
