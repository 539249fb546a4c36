#include "ndjson_writer.h"
#include "private_file.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FLUSH_AT = 1 << 18 };

struct ndjson_writer {
	int fd;
	bool owns_fd;
	bool failed;
	char *name;
	buf out;
	unsigned long long lines, bytes;
	unsigned long long synced; /* bytes on disk as of the last sync */
	ndjson_write_failed on_failure;
	void *ctx;
};

static void default_failure(ndjson_writer *w, int err, void *ctx)
{
	(void)ctx;
	if (err == EPIPE)
		log_error("output closed by the reader; stopping", LS("output", w->name));
	else
		log_error("cannot write output", LS("output", w->name), LS("error", strerror(err)));
	_exit(VP_EXIT_IOERR);
}

void vp_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

ndjson_writer *ndjson_writer_open(int fd, const char *name)
{
	ndjson_writer *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	w->name = xstrdup(name ? name : "-");
	w->on_failure = default_failure;
	return w;
}

ndjson_writer *ndjson_writer_open_file(const char *path, bool append)
{
	int fd = private_open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return NULL;
	ndjson_writer *w = ndjson_writer_open(fd, path);
	w->owns_fd = true;
	return w;
}

void ndjson_writer_on_failure(ndjson_writer *w, ndjson_write_failed cb, void *ctx)
{
	w->on_failure = cb ? cb : default_failure;
	w->ctx = ctx;
}

bool ndjson_writer_flush(ndjson_writer *w)
{
	size_t off = 0;

	if (w->failed)
		return false;
	while (off < w->out.len) {
		ssize_t n = write(w->fd, w->out.data + off, w->out.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			w->failed = true;
			w->out.len = 0;
			w->on_failure(w, err, w->ctx);
			return false;
		}
		off += (size_t)n;
	}
	w->bytes += off;
	w->out.len = 0;
	return true;
}

bool ndjson_writer_sync(ndjson_writer *w)
{
	if (!ndjson_writer_flush(w))
		return false;
	if (w->bytes == w->synced) /* a barrier with nothing new on this side file */
		return true;
	if (fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS) {
		int err = errno;
		w->failed = true;
		w->on_failure(w, err, w->ctx);
		return false;
	}
	w->synced = w->bytes;
	return true;
}

buf *ndjson_line_buf(ndjson_writer *w)
{
	return &w->out;
}

void ndjson_end_line(ndjson_writer *w)
{
	buf_putc(&w->out, '\n');
	w->lines++;
	if (w->out.len >= FLUSH_AT)
		ndjson_writer_flush(w);
}

void ndjson_end_lines(ndjson_writer *w, unsigned long long n)
{
	w->lines += n;
	if (w->out.len >= FLUSH_AT)
		ndjson_writer_flush(w);
}

void ndjson_write_line(ndjson_writer *w, const char *text, size_t len)
{
	buf_put(&w->out, text, len);
	ndjson_end_line(w);
}

unsigned long long ndjson_writer_lines(const ndjson_writer *w)
{
	return w->lines;
}

unsigned long long ndjson_writer_bytes(const ndjson_writer *w)
{
	return w->bytes;
}

bool ndjson_writer_close(ndjson_writer *w)
{
	bool ok;

	if (!w)
		return true;
	ok = ndjson_writer_flush(w);
	if (w->owns_fd && close(w->fd) < 0)
		ok = false;
	buf_free(&w->out);
	free(w->name);
	free(w);
	return ok;
}
