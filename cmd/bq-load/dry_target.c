/* --dry-run: nothing is loaded; at the end one line per table tells the
 * schema it would get (derived from every row read) and the rows and batches. */
#include "target.h"
#include "exitcode.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char *name;
	schema cols;              /* joined over the whole input */
	size_t rows, bytes, batches;
} dry_table;

typedef struct {
	target base;
	dry_table *tables;
	size_t n;
} dry_target;

static dry_table *dry_table_of(dry_target *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->tables[i].name, name))
			return &d->tables[i];
	d->tables = xrealloc(d->tables, (d->n + 1) * sizeof *d->tables);
	dry_table *t = &d->tables[d->n++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	schema_init(&t->cols);
	return t;
}

static int dry_load(target *base, batch *b, load_ctx *c)
{
	dry_target *d = (dry_target *)base;
	(void)c;
	for (size_t i = 0; i < b->n; i++) {
		table_batch *tb = b->tables[i];
		if (!tb->rows)
			continue;
		dry_table *t = dry_table_of(d, tb->name);
		for (size_t j = 0; j < tb->cols.n; j++) {
			const column *col = &tb->cols.cols[j];
			if (!tb->seen[j])
				continue;
			int k = schema_find(&t->cols, col->name, NULL);
			if (k < 0)
				schema_add(&t->cols, col->name, col->type, NULL);
			else
				t->cols.cols[k].type = coltype_join(t->cols.cols[k].type, col->type);
		}
		t->rows += tb->rows;
		t->bytes += tb->bytes;
		t->batches++;
	}
	return VP_EXIT_OK;
}

static int dry_finish(target *base, load_ctx *c)
{
	dry_target *d = (dry_target *)base;
	bool bq = c->o->kind == TARGET_BIGQUERY;
	for (size_t i = 0; i < d->n; i++) {
		dry_table *t = &d->tables[i];
		buf *b = ndjson_line_buf(c->out);
		buf_puts(b, "{\"table\":");
		buf_json_string(b, t->name, strlen(t->name));
		buf_printf(b, ",\"rows\":%zu,\"bytes\":%zu,\"batches\":%zu,\"schema\":[", t->rows, t->bytes, t->batches);
		for (size_t j = 0; j < t->cols.n; j++) {
			const column *col = &t->cols.cols[j];
			buf_puts(b, j ? ",{\"name\":" : "{\"name\":");
			buf_json_string(b, col->name, strlen(col->name));
			buf_printf(b, ",\"type\":\"%s\"}", bq ? coltype_bigquery(col->type) : coltype_duckdb(col->type));
		}
		buf_printf(b, ",{\"name\":\"" COL_BATCH_ID "\",\"type\":\"%s\"},{\"name\":\"" COL_LOADED_AT
			      "\",\"type\":\"TIMESTAMP\"}]}", bq ? "STRING" : "VARCHAR");
		ndjson_end_line(c->out);
	}
	return VP_EXIT_OK;
}

static void dry_free(target *base)
{
	dry_target *d = (dry_target *)base;
	for (size_t i = 0; i < d->n; i++) {
		free(d->tables[i].name);
		schema_free(&d->tables[i].cols);
	}
	free(d->tables);
	free(d);
}

target *dry_target_new(const options *o)
{
	(void)o;
	dry_target *d = xcalloc(1, sizeof *d);
	d->base.load = dry_load;
	d->base.finish = dry_finish;
	d->base.free = dry_free;
	return &d->base;
}
