/* The BigQuery target: per table of a batch, the rows are made to fit the
 * table's schema (bq_rows.h) and sent through a staging table and a
 * de-duplicating INSERT when the table has _row_id (bq_dedup.h), else as one
 * load job (bq_load.h), or through insertAll (bq_stream.h). */
#include "bq_api.h"
#include "bq_dedup.h"
#include "bq_load.h"
#include "bq_rows.h"
#include "bq_stream.h"
#include "bq_table.h"
#include "exitcode.h"
#include "log.h"
#include "target.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	target base;
	const options *o;
	bq_api api;
	bq_tables tables;
	schema_dir *sd;
} bq_target;

typedef struct {
	const char *text;
	size_t len;
	bool taken;           /* made into a BigQuery row (else already rejected) */
} staged_row;

/* Splits the staged text of t into rows. */
static staged_row *split_rows(table_batch *t, size_t *n)
{
	size_t len;
	const char *p = batch_table_text(t, &len), *end = p ? p + len : NULL;
	staged_row *rows = xcalloc(t->rows ? t->rows : 1, sizeof *rows);
	*n = 0;
	while (p && p < end && *n < t->rows) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		rows[(*n)++] = (staged_row){ p, l, false };
		p += l + 1;
	}
	return rows;
}

static void reject_taken(load_ctx *c, table_batch *t, staged_row *rows, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].taken)
			load_reject_row(c, t, i, rows[i].text, rows[i].len, why);
}

/* insertId: the row's _row_id, else a digest of the row. */
static void insert_id(const cJSON *row, const char *text, size_t len, char out[80])
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(row, "_row_id");
	if (cJSON_IsString(id) && *id->valuestring && strlen(id->valuestring) < 80 &&
	    !strpbrk(id->valuestring, "\"\\")) {
		strcpy(out, id->valuestring);
		return;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int load_table(bq_target *bt, table_batch *t, load_ctx *c)
{
	bq_table *tb;
	int rc = bq_table_lookup(&bt->tables, t->name, &tb);
	if (rc != VP_EXIT_OK)
		return rc;
	schema types;
	bool added;
	schema_init(&types);
	cJSON *fields = bq_table_fields_for(&bt->tables, tb, t, &types, &added);
	size_t n, taken = 0;
	staged_row *rows = split_rows(t, &n);
	bool stream = bt->o->mode == MODE_STREAM;
	bq_stream_row *srows = stream ? xcalloc(n ? n : 1, sizeof *srows) : NULL;
	buf body = { 0 };
	for (size_t i = 0; i < n; i++) {
		cJSON *row = cJSON_ParseWithLength(rows[i].text, rows[i].len);
		buf *out = stream ? &srows[taken].json : &body;
		const char *why = row ? bq_row_json(out, row, &types, t->id, c->loaded_at) : "staged row unreadable";
		if (why)
			load_reject_row(c, t, i, rows[i].text, rows[i].len, why);
		else {
			rows[i].taken = true;
			if (stream) {
				insert_id(row, rows[i].text, rows[i].len, srows[taken].insert_id);
				srows[taken].index = i;
			} else
				buf_putc(&body, '\n');
			taken++;
		}
		cJSON_Delete(row);
	}
	char *why = NULL, *job_id = NULL;
	tb_status st = TB_LOADED;
	size_t loaded = taken, skipped = 0;
	if (!taken)
		st = TB_REJECTED;
	else if (!stream && field_named(fields, "_row_id")) {
		size_t inserted;
		rc = bq_dedup_load(&bt->tables, tb, t, &body, fields, taken, added, c->loaded_at, &st, &inserted, &job_id,
				   &why);
		if (rc == VP_EXIT_OK && st == TB_LOADED) {
			skipped = taken > inserted ? taken - inserted : 0;
			loaded = inserted;
		}
	} else if (!stream) {
		buf prefix = { 0 };
		buf_printf(&prefix, "vtexpipes_%.200s_%s", t->name, t->id);
		bq_load_dest dst = { .table = t->name, .job_prefix = buf_cstr(&prefix), .exists = tb->exists };
		rc = bq_load_job(&bt->api, bt->o, &dst, &body, fields, &st, &job_id, &why);
		buf_free(&prefix);
		if (rc == VP_EXIT_OK && st != TB_REJECTED)
			bq_table_update(tb, fields);
	} else {
		if (added || !tb->exists)
			rc = bq_table_ensure(&bt->tables, tb, fields, &why);
		if (rc == VP_EXIT_OK && why)
			st = TB_REJECTED;
		if (rc == VP_EXIT_OK && !why) {
			rc = bq_stream_rows(&bt->api, bt->o, t->name, srows, taken);
			for (size_t k = 0; rc == VP_EXIT_OK && k < taken; k++)
				if (srows[k].refused) {
					staged_row *r = &rows[srows[k].index];
					load_reject_row(c, t, srows[k].index, r->text, r->len, srows[k].refused);
					loaded--;
				}
		}
	}
	if (rc == VP_EXIT_OK) {
		if (st == TB_REJECTED && why) {
			log_warn("BigQuery refused a table's rows", LS("table", t->name), LS("batch_id", t->id),
				 LS("error", why));
			reject_taken(c, t, rows, n, why);
		}
		load_report(c, t, st, st == TB_REJECTED ? t->rows : loaded, skipped, job_id);
	}
	for (size_t k = 0; srows && k < taken; k++) {
		buf_free(&srows[k].json);
		free(srows[k].refused);
	}
	free(srows);
	free(why);
	free(job_id);
	free(rows);
	buf_free(&body);
	cJSON_Delete(fields);
	schema_free(&types);
	return rc;
}

static int bq_target_load(target *base, batch *b, load_ctx *c)
{
	bq_target *bt = (bq_target *)base;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->tables[i]->rows)
			continue;
		int rc = load_table(bt, b->tables[i], c);
		if (rc != VP_EXIT_OK)
			return rc;
	}
	return VP_EXIT_OK;
}

static int bq_target_finish(target *base, load_ctx *c)
{
	(void)base;
	(void)c;
	return VP_EXIT_OK;
}

static void bq_target_free(target *base)
{
	bq_target *bt = (bq_target *)base;
	bq_tables_free(&bt->tables);
	bq_api_free(&bt->api);
	schema_dir_free(bt->sd);
	free(bt);
}

target *bq_target_new(const options *o, int *exit_code)
{
	bq_target *bt = xcalloc(1, sizeof *bt);
	bt->base.load = bq_target_load;
	bt->base.finish = bq_target_finish;
	bt->base.free = bq_target_free;
	bt->o = o;
	*exit_code = bq_api_init(&bt->api, o->endpoint, 600, o->cacert);
	if (*exit_code == VP_EXIT_OK && o->schema_dir && !(bt->sd = schema_dir_open(o->schema_dir)))
		*exit_code = VP_EXIT_CONFIG;
	if (*exit_code != VP_EXIT_OK) {
		bq_target_free(&bt->base);
		return NULL;
	}
	bt->tables.api = &bt->api;
	bt->tables.o = o;
	bt->tables.sd = bt->sd;
	return &bt->base;
}
