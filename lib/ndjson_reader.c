#include "ndjson_reader.h"
#include "buf.h"
#include "json_text.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { READ_BLOCK = 1 << 20, HEAD = 1024 };

static size_t max_line = NDJSON_MAX_LINE_DEFAULT;

struct ndjson_reader {
	int fd;
	char *name;
	char *data;      /* data[start..end) holds bytes read but not yet returned */
	size_t start, end, cap;
	size_t lineno;
	int eof;
	void (*on_idle)(void *ctx);
	void *idle_ctx;
	size_t max_line;
	char head[HEAD + 1];  /* the start of an overlong line, for the rejects */
	char reason[128];
};

void ndjson_reader_set_max_line(size_t bytes)
{
	max_line = bytes ? bytes : NDJSON_MAX_LINE_DEFAULT;
}

ndjson_reader *ndjson_reader_open(int fd, const char *name)
{
	ndjson_reader *r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->name = xstrdup(name ? name : "-");
	r->max_line = max_line;
	r->cap = READ_BLOCK * 2;
	r->data = xmalloc(r->cap + 1);
	return r;
}

const char *ndjson_reader_name(const ndjson_reader *r)
{
	return r->name;
}

void ndjson_reader_close(ndjson_reader *r)
{
	if (!r)
		return;
	free(r->data);
	free(r->name);
	free(r);
}

/* Moves pending bytes to the front and makes room for one more block. */
static void make_room(ndjson_reader *r)
{
	size_t pending = r->end - r->start;
	if (r->start > 0) {
		memmove(r->data, r->data + r->start, pending);
		r->start = 0;
		r->end = pending;
	}
	if (r->cap - r->end < READ_BLOCK) {
		r->cap = (r->cap * 2 > pending + READ_BLOCK) ? r->cap * 2 : pending + READ_BLOCK;
		r->data = xrealloc(r->data, r->cap + 1);
	}
}

void ndjson_reader_on_idle(ndjson_reader *r, void (*cb)(void *ctx), void *ctx)
{
	r->on_idle = cb;
	r->idle_ctx = ctx;
}

/* True when read(2) would block (a pipe or socket with nothing in it). */
static bool would_block(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;
	while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR)
		;
	return n == 0;
}

static int fill(ndjson_reader *r)
{
	make_room(r);
	if (r->on_idle && would_block(r->fd))
		r->on_idle(r->idle_ctx);
	for (;;) {
		ssize_t n = read(r->fd, r->data + r->end, r->cap - r->end);
		if (n > 0) {
			r->end += (size_t)n;
			return 1;
		}
		if (n == 0) {
			r->eof = 1;
			return 0;
		}
		if (errno != EINTR)
			return -1;
	}
}

bool ndjson_reader_buffered(const ndjson_reader *r)
{
	return r->eof || memchr(r->data + r->start, '\n', r->end - r->start) != NULL;
}

/* The line at r->start is longer than the maximum: keeps its head, drops
 * the rest as it is read (never holding it whole) up to and including its
 * '\n', and describes it in *line. */
static enum ndjson_status skip_overlong(ndjson_reader *r, ndjson_line *line)
{
	size_t head = r->end - r->start < HEAD ? r->end - r->start : HEAD;
	size_t total = 0;
	char *nl = memchr(r->data + r->start, '\n', head);

	if (nl)
		head = (size_t)(nl - (r->data + r->start));
	if (nl && head && r->data[r->start + head - 1] == '\r')
		head--;
	memcpy(r->head, r->data + r->start, head);
	r->head[head] = '\0';
	while (!(nl = memchr(r->data + r->start, '\n', r->end - r->start))) {
		total += r->end - r->start;
		r->start = r->end;
		if (r->eof)
			break;
		if (fill(r) < 0)
			return NDJSON_IOERR;
	}
	if (nl) {
		total += (size_t)(nl - (r->data + r->start));
		r->start = (size_t)(nl - r->data) + 1;
	}
	r->lineno++;
	snprintf(r->reason, sizeof r->reason, "line of %zu bytes, longer than the maximum of %zu (--max-line)",
		 total, r->max_line);
	line->text = r->head;
	line->len = head;
	line->lineno = r->lineno;
	line->reason = r->reason;
	line->unterminated = nl == NULL;
	return NDJSON_BAD;
}

enum ndjson_status ndjson_next_line(ndjson_reader *r, ndjson_line *line)
{
	size_t scanned = 0; /* bytes of the current line already searched for '\n' */

	for (;;) {
		char *base = r->data + r->start;
		size_t avail = r->end - r->start;
		char *nl = memchr(base + scanned, '\n', avail - scanned);
		size_t len;

		if ((nl ? (size_t)(nl - base) : avail) > r->max_line)
			return skip_overlong(r, line);
		if (!nl && !r->eof) {
			scanned = avail;
			int got = fill(r);
			if (got < 0)
				return NDJSON_IOERR;
			continue;
		}
		if (!nl && avail == 0)
			return NDJSON_EOF;
		/* A last line without '\n' counts as a line. */
		len = nl ? (size_t)(nl - base) : avail;
		r->start += nl ? len + 1 : len;
		r->lineno++;
		scanned = 0;
		if (len && base[len - 1] == '\r')
			len--;
		base[len] = '\0';
		/* Blank (or whitespace-only) lines are skipped. */
		size_t i = 0;
		while (i < len && (base[i] == ' ' || base[i] == '\t'))
			i++;
		if (i == len)
			continue;
		line->text = base;
		line->len = len;
		line->lineno = r->lineno;
		line->reason = NULL;
		line->unterminated = nl == NULL;
		return NDJSON_OK;
	}
}

cJSON *ndjson_parse_object(const char *text, size_t len, const char **reason)
{
	const char *end = NULL;
	cJSON *obj;

	if ((*reason = json_text_problem(text, len)) != NULL)
		return NULL;
	obj = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!obj) {
		*reason = "invalid JSON";
		return NULL;
	}
	/* Only whitespace may follow the value. */
	while (end && end < text + len && (*end == ' ' || *end == '\t'))
		end++;
	if (end && end < text + len) {
		cJSON_Delete(obj);
		*reason = "trailing characters after the JSON value";
		return NULL;
	}
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		*reason = "not a JSON object";
		return NULL;
	}
	return obj;
}

enum ndjson_status ndjson_next_object(ndjson_reader *r, ndjson_line *line, cJSON **obj)
{
	enum ndjson_status st = ndjson_next_line(r, line);

	*obj = NULL;
	if (st != NDJSON_OK)
		return st;
	*obj = ndjson_parse_object(line->text, line->len, &line->reason);
	return *obj ? NDJSON_OK : NDJSON_BAD;
}
