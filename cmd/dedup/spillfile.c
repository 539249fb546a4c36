#include "spillfile.h"
#include "exitcode.h"
#include "le.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fixed part of a record; the version string then the text follow. */
typedef struct {
	uint64_t first, ord, hi, lo, value;
	uint32_t kind, vlen, tlen, pad;
} spill_head;

static unsigned long long written;

static _Noreturn void io_failed(const char *what)
{
	log_error(what, LS("error", strerror(errno)));
	exit(VP_EXIT_IOERR);
}

FILE *spill_create(const char *dir)
{
	buf name = { 0 };
	buf_printf(&name, "%s/dedup-spill.XXXXXX", dir);
	int fd = mkstemp(name.data);
	if (fd < 0)
		io_failed("cannot create a spill file (see --tmpdir)");
	unlink(name.data);
	buf_free(&name);
	FILE *f = fdopen(fd, "w+b");
	if (!f)
		io_failed("cannot open a spill file");
	return f;
}

void spill_write(FILE *f, const lrec *r)
{
	spill_head h = { .first = r->first, .ord = r->ord, .hi = r->fp.hi, .lo = r->fp.lo,
			 .kind = r->v.kind, .vlen = (uint32_t)r->v.len, .tlen = (uint32_t)r->len };
	h.value = r->v.kind == VK_NUMBER ? double_bits(r->v.num) : (uint64_t)r->v.ticks;
	if (fwrite(&h, sizeof h, 1, f) != 1 || (h.vlen && fwrite(r->v.str, h.vlen, 1, f) != 1) ||
	    (h.tlen && fwrite(r->text, h.tlen, 1, f) != 1))
		io_failed("cannot write a spill file (is --tmpdir full?)");
	written += sizeof h + h.vlen + h.tlen;
}

void spill_rewind(FILE *f)
{
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
		io_failed("cannot write a spill file (is --tmpdir full?)");
}

bool spill_read(FILE *f, lrec *r, buf *hold)
{
	spill_head h;
	size_t n = fread(&h, 1, sizeof h, f);
	if (n == 0 && feof(f))
		return false;
	hold->len = 0;
	buf_reserve(hold, (size_t)h.vlen + h.tlen);
	if (n != sizeof h || fread(hold->data, 1, (size_t)h.vlen + h.tlen, f) != (size_t)h.vlen + h.tlen)
		io_failed("cannot read back a spill file");
	memset(r, 0, sizeof *r);
	r->first = h.first;
	r->ord = h.ord;
	r->fp = (fp128){ h.hi, h.lo };
	r->v.kind = (enum version_kind)h.kind;
	if (h.kind == VK_NUMBER)
		r->v.num = bits_double(h.value);
	else
		r->v.ticks = (int64_t)h.value;
	r->v.str = hold->data;
	r->v.len = h.vlen;
	r->text = hold->data + h.vlen;
	r->len = h.tlen;
	return true;
}

unsigned long long spill_bytes_written(void)
{
	return written;
}
