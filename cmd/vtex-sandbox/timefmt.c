#include "timefmt.h"

void tf_put(buf *b, vtime_t t, enum vtime_shape f)
{
	char s[VTIME_FORMAT_SIZE];
	buf_putc(b, '"');
	buf_puts(b, vtime_format_as(t, f, s));
	buf_putc(b, '"');
}

void tf_put_or_null(buf *b, vtime_t t, enum vtime_shape f)
{
	if (t)
		tf_put(b, t, f);
	else
		buf_puts(b, "null");
}
