#include "batch.h"
#include "exitcode.h"
#include "log.h"
#include "ndjson_reader.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

enum { STAGE_WRITE_BLOCK = 1 << 20 };

void batch_init(batch *b, const char *dest, const char *tmpdir, const char *default_table)
{
	memset(b, 0, sizeof *b);
	b->dest = dest;
	b->tmpdir = tmpdir;
	b->default_table = default_table;
}

static void unmap(table_batch *t)
{
	if (t->mapped)
		munmap(t->mapped, t->mapped_len);
	t->mapped = NULL;
	t->mapped_len = 0;
}

static void table_free(table_batch *t)
{
	unmap(t);
	if (t->fd >= 0) {
		close(t->fd);
		unlink(t->path);
	}
	free(t->path);
	free(t->name);
	schema_free(&t->cols);
	free(t->seen);
	free(t->linenos);
	buf_free(&t->wbuf);
	EVP_MD_CTX_free(t->sha);
	free(t);
}

void batch_free(batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		table_free(b->tables[i]);
	free(b->tables);
	free(b->scratch_idx);
	free(b->scratch_type);
	buf_free(&b->barriers);
	memset(b, 0, sizeof *b);
}

static void table_start(batch *b, table_batch *t)
{
	EVP_DigestInit_ex(t->sha, EVP_sha256(), NULL);
	EVP_DigestUpdate(t->sha, b->dest, strlen(b->dest));
	EVP_DigestUpdate(t->sha, ".", 1);
	EVP_DigestUpdate(t->sha, t->name, strlen(t->name));
	EVP_DigestUpdate(t->sha, "\n", 1);
}

static table_batch *table_get(batch *b, const char *name)
{
	/* Rows of one table usually come together: try the last one used first. */
	for (size_t i = b->n; i-- > 0;)
		if (!strcmp(b->tables[i]->name, name))
			return b->tables[i];
	table_batch *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	schema_init(&t->cols);
	t->fd = -1;
	t->sha = EVP_MD_CTX_new();
	if (!t->sha) {
		log_error("out of memory: cannot start a table's checksum", LS("table", name));
		exit(VP_EXIT_SOFTWARE);
	}
	table_start(b, t);
	b->tables = xrealloc(b->tables, (b->n + 1) * sizeof *b->tables);
	b->tables[b->n++] = t;
	return t;
}

static bool stage_flush(table_batch *t)
{
	size_t off = 0;
	while (off < t->wbuf.len) {
		ssize_t n = write(t->fd, t->wbuf.data + off, t->wbuf.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		off += (size_t)n;
	}
	t->wbuf.len = 0;
	return true;
}

static bool stage_open(batch *b, table_batch *t)
{
	buf p = { 0 };
	buf_printf(&p, "%s/bq-load-XXXXXX", b->tmpdir);
	t->fd = mkstemp(p.data);
	if (t->fd < 0) {
		buf_free(&p);
		return false;
	}
	t->path = xstrdup(buf_cstr(&p));
	buf_free(&p);
	return true;
}

/* Lines are staged through a write buffer; a write error is kept for batch_close. */
static void stage_line(batch *b, table_batch *t, const char *text, size_t len)
{
	if (t->fd < 0 && !b->stage_errno && !stage_open(b, t))
		b->stage_errno = errno;
	buf_put(&t->wbuf, text, len);
	buf_putc(&t->wbuf, '\n');
	if (t->wbuf.len >= STAGE_WRITE_BLOCK && !b->stage_errno && !stage_flush(t))
		b->stage_errno = errno;
	EVP_DigestUpdate(t->sha, text, len);
	EVP_DigestUpdate(t->sha, "\n", 1);
}

static void scratch_reserve(batch *b, size_t n)
{
	if (n <= b->scratch_cap)
		return;
	b->scratch_cap = n * 2;
	b->scratch_idx = xrealloc(b->scratch_idx, b->scratch_cap * sizeof *b->scratch_idx);
	b->scratch_type = xrealloc(b->scratch_type, b->scratch_cap * sizeof *b->scratch_type);
}

static void seen_reserve(table_batch *t)
{
	if (t->cols.n <= t->seen_cap)
		return;
	size_t old = t->seen_cap;
	t->seen_cap = t->cols.n * 2;
	t->seen = xrealloc(t->seen, t->seen_cap * sizeof *t->seen);
	memset(t->seen + old, 0, (t->seen_cap - old) * sizeof *t->seen);
}

/* Whether two keys of the row differ only by letter case. */
static bool row_has_case_twins(const cJSON *row)
{
	for (const cJSON *a = row->child; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (!strcasecmp(a->string, b->string))
				return true;
	return false;
}

const char *batch_add(batch *b, const char *text, size_t len, size_t lineno, bool *is_json)
{
	const char *reason = NULL;
	cJSON *row;

	*is_json = false;
	row = ndjson_parse_object(text, len, &reason); /* the input rule checks UTF-8 too */
	if (!row)
		return reason;
	*is_json = true;

	const char *tname = b->default_table;
	cJSON *tv = row->child && !strcmp(row->child->string, "_table")
		? row->child : cJSON_GetObjectItemCaseSensitive(row, "_table");
	if (tv) {
		if (!cJSON_IsString(tv)) {
			reason = "_table is not a string";
			goto out;
		}
		tname = tv->valuestring;
	}
	if (!tname) {
		reason = "no _table in the row and no --table";
		goto out;
	}
	if (!table_name_ok(tname)) {
		reason = "_table is not a valid table name (letters, digits, _)";
		goto out;
	}
	if (!strcasecmp(tname, BATCHES_TABLE)) {
		reason = "_table names bq-load's own bookkeeping table (" BATCHES_TABLE ")";
		goto out;
	}
	table_batch *t = table_get(b, tname);
	unsigned stamp = ++b->stamp;
	size_t k = 0;
	int prev = -1;
	bool cased = false;
	for (cJSON *f = row->child; f; f = f->next) {
		if (f == tv || batch_lineage_name(f->string))
			continue;
		int clash;
		int i = schema_find_next(&t->cols, prev, f->string, &clash);
		if (i < 0) {
			if (!column_name_ok(f->string)) {
				reason = "a field name is not a valid column name (letters, digits, _; at most 300)";
				goto out;
			}
			/* A name that differs from a known one only by case is kept apart
			 * here; the target keeps the spelling the warehouse has (or the
			 * first one seen) and rejects the rows with another. */
			i = schema_add(&t->cols, f->string, CT_NULL, NULL);
			if (clash >= 0)
				t->cols.cols[i].cased = t->cols.cols[clash].cased = true;
			seen_reserve(t);
			if (prev >= 0)
				t->cols.cols[prev].next = i;
			else
				t->cols.first = i;
		}
		if (t->cols.cols[i].row_stamp == stamp) {
			reason = "a field appears twice in the row";
			goto out;
		}
		t->cols.cols[i].row_stamp = stamp;
		cased |= t->cols.cols[i].cased;
		scratch_reserve(b, k + 1);
		if (!coltype_of(f, &b->scratch_type[k])) {
			reason = "a number is out of range";
			goto out;
		}
		b->scratch_idx[k++] = i;
		prev = i;
	}
	if (cased && row_has_case_twins(row)) {
		reason = "two field names differ only by letter case (the warehouse's names do not)";
		goto out;
	}
	for (size_t j = 0; j < k; j++) {
		column *c = &t->cols.cols[b->scratch_idx[j]];
		c->type = coltype_join(c->type, b->scratch_type[j]);
		t->seen[b->scratch_idx[j]] = true;
	}
	if (t->rows == t->linenos_cap) {
		t->linenos_cap = t->linenos_cap ? t->linenos_cap * 2 : 1024;
		t->linenos = xrealloc(t->linenos, t->linenos_cap * sizeof *t->linenos);
	}
	t->linenos[t->rows++] = lineno;
	t->bytes += len + 1;
	if (len > t->max_line)
		t->max_line = len;
	stage_line(b, t, text, len);
	if (!b->rows)
		b->started = progress_now();
	b->rows++;
	b->bytes += len + 1;
out:
	cJSON_Delete(row);
	return reason;
}

bool batch_close(batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		table_batch *t = b->tables[i];
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		if (!t->rows)
			continue;
		if (!b->stage_errno && !stage_flush(t))
			b->stage_errno = errno;
		EVP_DigestFinal_ex(t->sha, md, &mdlen);
		for (int j = 0; j < 16; j++)
			snprintf(t->id + 2 * j, 3, "%02x", md[j]);
	}
	if (b->stage_errno) {
		errno = b->stage_errno;
		return false;
	}
	return true;
}

const char *batch_table_text(table_batch *t, size_t *len)
{
	*len = 0;
	if (t->mapped || !t->bytes) {
		*len = t->mapped_len;
		return t->mapped ? t->mapped : "";
	}
	void *p = mmap(NULL, t->bytes, PROT_READ, MAP_PRIVATE, t->fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	t->mapped = p;
	t->mapped_len = t->bytes;
	*len = t->bytes;
	return t->mapped;
}

/* The staged text of t as the file holds it now (the write buffer flushed). */
static bool rewrite_staging(table_batch *t, const buf *kept)
{
	unmap(t);
	if (ftruncate(t->fd, 0) != 0 || lseek(t->fd, 0, SEEK_SET) != 0)
		return false;
	t->wbuf.len = 0;
	buf_put(&t->wbuf, kept->data, kept->len);
	return stage_flush(t);
}

size_t batch_table_drop_field(table_batch *t, const char *field,
			      void (*dropped)(void *arg, size_t i, const char *text, size_t len), void *arg)
{
	size_t len, i = 0, n = 0, ndropped = 0;
	const char *p = batch_table_text(t, &len), *end = p ? p + len : NULL;
	if (!p)
		return (size_t)-1;
	buf kept = { 0 };
	t->max_line = 0;
	if (t->seen)
		memset(t->seen, 0, t->seen_cap * sizeof *t->seen);
	for (; p < end && i < t->rows; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *row = cJSON_ParseWithLength(p, l);
		if (row && cJSON_GetObjectItemCaseSensitive(row, field)) {
			dropped(arg, i, p, l);
			ndropped++;
		} else {
			for (cJSON *f = row ? row->child : NULL; f; f = f->next) {
				int c = schema_find(&t->cols, f->string, NULL);
				if (c >= 0)
					t->seen[c] = true;
			}
			buf_put(&kept, p, l);
			buf_putc(&kept, '\n');
			t->linenos[n++] = t->linenos[i];
			if (l > t->max_line)
				t->max_line = l;
		}
		cJSON_Delete(row);
		p += l + 1;
	}
	t->rows = n;
	t->bytes = kept.len;
	bool ok = !ndropped || rewrite_staging(t, &kept);
	buf_free(&kept);
	return ok ? ndropped : (size_t)-1;
}

void batch_reset(batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		table_batch *t = b->tables[i];
		unmap(t);
		/* The staging file is reused; one that cannot be emptied is replaced. */
		if (t->fd >= 0 && (ftruncate(t->fd, 0) != 0 || lseek(t->fd, 0, SEEK_SET) != 0)) {
			close(t->fd);
			unlink(t->path);
			free(t->path);
			t->path = NULL;
			t->fd = -1;
		}
		t->wbuf.len = 0;
		t->rows = t->bytes = t->max_line = 0;
		t->id[0] = '\0';
		for (size_t j = 0; j < t->cols.n; j++)
			t->cols.cols[j].type = CT_NULL;
		if (t->seen)
			memset(t->seen, 0, t->seen_cap * sizeof *t->seen);
		table_start(b, t);
	}
	b->rows = b->bytes = 0;
	b->started = 0;
	b->stage_errno = 0;
}
