#include "timefmt.h"

#include <stdio.h>
#include <time.h>

char *tf_format(vtime_t t, enum tfmt f, char *out)
{
	int64_t secs = t / VT_SEC, frac = t % VT_SEC;
	if (frac < 0) {
		frac += VT_SEC;
		secs--;
	}
	time_t tt = (time_t)secs;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int n = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	switch (f) {
	case TF_OFFSET7:
		snprintf(out + n, 40 - (size_t)n, ".%07lld+00:00", (long long)frac);
		break;
	case TF_OFFSET6:
		snprintf(out + n, 40 - (size_t)n, ".%06lld+00:00", (long long)(frac / 10));
		break;
	case TF_OFFSET0:
		snprintf(out + n, 40 - (size_t)n, "+00:00");
		break;
	case TF_Z7:
		snprintf(out + n, 40 - (size_t)n, ".%07lldZ", (long long)frac);
		break;
	case TF_Z0:
		snprintf(out + n, 40 - (size_t)n, "Z");
		break;
	case TF_LOCAL0:
		break;
	}
	return out;
}

void tf_put(buf *b, vtime_t t, enum tfmt f)
{
	char s[48];
	buf_putc(b, '"');
	buf_puts(b, tf_format(t, f, s));
	buf_putc(b, '"');
}

void tf_put_or_null(buf *b, vtime_t t, enum tfmt f)
{
	if (t)
		tf_put(b, t, f);
	else
		buf_puts(b, "null");
}
