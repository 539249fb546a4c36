#include "vtime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

bool vtime_parse(const char *s, size_t len, vtime_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	int64_t frac = 0, offset_sec = 0;
	size_t i;

	if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	i = 10;
	if (i < len) {
		if ((s[i] != 'T' && s[i] != 't' && s[i] != ' ') || len < i + 9)
			return false;
		if (!digits(s + i + 1, 2, &h) || s[i + 3] != ':' || !digits(s + i + 4, 2, &mi) ||
		    s[i + 6] != ':' || !digits(s + i + 7, 2, &se))
			return false;
		if (h > 23 || mi > 59 || se > 60)
			return false;
		i += 9;
		if (i < len && s[i] == '.') {
			size_t nd = 0;
			i++;
			while (i < len && s[i] >= '0' && s[i] <= '9') {
				/* Beyond 7 digits is finer than 100 ns: refuse rather than guess. */
				if (++nd > 7)
					return false;
				frac = frac * 10 + (s[i] - '0');
				i++;
			}
			if (nd == 0)
				return false;
			for (; nd < 7; nd++)
				frac *= 10;
		}
		if (i < len) {
			if (s[i] == 'Z' || s[i] == 'z') {
				i++;
			} else if (s[i] == '+' || s[i] == '-') {
				int oh, om;
				int sign = s[i] == '-' ? -1 : 1;
				if (len - i == 6 && s[i + 3] == ':' && digits(s + i + 1, 2, &oh) &&
				    digits(s + i + 4, 2, &om))
					i += 6;
				else if (len - i == 5 && digits(s + i + 1, 2, &oh) && digits(s + i + 3, 2, &om))
					i += 5;
				else
					return false;
				if (oh > 23 || om > 59)
					return false;
				offset_sec = sign * (oh * 3600 + om * 60);
			}
		}
	}
	if (i != len)
		return false;
	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
		       offset_sec;
	*out = secs * VTIME_TICKS_PER_SEC + frac;
	return true;
}

char *vtime_format_as(vtime_t t, enum vtime_shape shape, char *out)
{
	const size_t size = VTIME_FORMAT_SIZE;
	int64_t secs = t / VTIME_TICKS_PER_SEC, frac = t % VTIME_TICKS_PER_SEC;
	if (frac < 0) {
		frac += VTIME_TICKS_PER_SEC;
		secs--;
	}
	time_t tt = (time_t)secs;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int n = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	char *rest = out + n;
	size_t room = size - (size_t)n;
	switch (shape) {
	case VTIME_TRIMMED_Z: {
		char f[9];
		snprintf(f, sizeof f, "%07lld", (long long)frac);
		size_t fl = 7;
		while (fl > 0 && f[fl - 1] == '0')
			fl--;
		f[fl] = '\0';
		snprintf(rest, room, "%s%sZ", fl ? "." : "", f);
		break;
	}
	case VTIME_OFFSET7: snprintf(rest, room, ".%07lld+00:00", (long long)frac); break;
	case VTIME_OFFSET6: snprintf(rest, room, ".%06lld+00:00", (long long)(frac / 10)); break;
	case VTIME_OFFSET0: snprintf(rest, room, "+00:00"); break;
	case VTIME_Z7: snprintf(rest, room, ".%07lldZ", (long long)frac); break;
	case VTIME_Z0: snprintf(rest, room, "Z"); break;
	case VTIME_LOCAL0: break;
	}
	return out;
}

char *vtime_format(vtime_t t, char *out)
{
	return vtime_format_as(t, VTIME_TRIMMED_Z, out);
}

vtime_t vtime_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (vtime_t)ts.tv_sec * VTIME_TICKS_PER_SEC + ts.tv_nsec / 100;
}
