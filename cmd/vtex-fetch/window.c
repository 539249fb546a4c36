#include "window.h"

#include <stdio.h>
#include <string.h>

static vtime_t floor_ms(vtime_t t)
{
	vtime_t r = t % WINDOW_TICKS_PER_MS;
	return t - (r < 0 ? r + WINDOW_TICKS_PER_MS : r);
}

static vtime_t ceil_ms(vtime_t t)
{
	vtime_t f = floor_ms(t);
	return f == t ? t : f + WINDOW_TICKS_PER_MS;
}

bool window_split(window w, window *left, window *right)
{
	vtime_t mid = floor_ms(w.since + (w.until - w.since) / 2);
	if (mid <= w.since)
		mid = floor_ms(w.since) + WINDOW_TICKS_PER_MS;
	if (mid >= w.until)
		return false;
	*left = (window){ w.since, mid };
	*right = (window){ mid, w.until };
	return true;
}

void window_format_ms(vtime_t t, char *out, size_t outsz)
{
	char full[VTIME_FORMAT_SIZE];
	vtime_format(floor_ms(t), full); /* 2024-01-02T03:04:05[.fff]Z */
	int ms = (int)((floor_ms(t) / WINDOW_TICKS_PER_MS) % 1000);
	if (ms < 0)
		ms += 1000;
	snprintf(out, outsz, "%.19s.%03dZ", full, ms);
}

void window_filter(window w, const char *field, char *out, size_t outsz)
{
	char a[VTIME_FORMAT_SIZE], b[VTIME_FORMAT_SIZE];
	window_format_ms(floor_ms(w.since), a, sizeof a);
	window_format_ms(ceil_ms(w.until), b, sizeof b);
	snprintf(out, outsz, "%s:[%s TO %s]", field, a, b);
}

bool window_holds(window w, vtime_t t)
{
	return t >= w.since && t < w.until;
}
