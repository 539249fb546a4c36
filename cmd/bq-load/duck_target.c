/* The DuckDB target. Each batch is one transaction: the schema and the
 * bookkeeping table are made if missing, each table is created or gets its
 * new columns (or a wider type, see schema.h), and its staged lines are read
 * by DuckDB itself (read_json with the columns spelled out) into it, then
 * (table, batch id) is recorded in <dataset>._vtex_pipes_batches. A row
 * whose _row_id the table already holds (or that an earlier row of the batch
 * has) is left out by the INSERT itself (the batch's ids looked up in the
 * table, inside the transaction; a child row whose root row the batch added
 * is not looked up), so a version is loaded once however the rows are cut
 * into batches; a batch id already recorded is
 * skipped whole without reading its rows (the cheap case: the same batch run
 * again, and tables without _row_id). A failure rolls everything back. When DuckDB refuses a table's values (a conversion
 * into a column made by hand, say), that table's rows of the batch are
 * rejected with DuckDB's message and the batch is done again without them.
 * The file stays open while batches follow one another and is closed as soon
 * as the input has nothing ready (and at the end), so other writers (another
 * bq-load, dbt) can take turns; a lock held by another process is waited
 * for. (Closing after every batch would checkpoint every batch: the data
 * would be written twice, in the WAL and then in place, per batch.) */
#include "target.h"
#include "duck.h"
#include "exitcode.h"
#include "log.h"
#include "progress.h"
#include "schema_dir.h"

#include <duckdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COL_ROW_ID "_row_id"
#define COL_ROOT_ID "_root_id"

/* The dataset's tables and their columns, read once per transaction (one
 * query, not three per table and batch: small real-time batches spent half
 * their time asking for columns) and kept current with what the batch itself
 * creates and alters. */
typedef struct {
	char *name;
	schema cols;
} cat_table;

typedef struct {
	cat_table *t;
	size_t n, cap;
	bool loaded;
} catalog;

typedef struct {
	target base;
	const options *o;
	schema_dir *sd;
	duckdb_database db;
	duckdb_connection con;
	bool open;
	char *err;                  /* the last failure's message */
	duckdb_error_type err_type;
	buf sql;
	catalog cat;
	int one_thread;             /* DuckDB set to one thread: 1, its default: 0, unknown: -1 */
} duck_target;

static void table_ref(duck_target *d, buf *b, const char *table)
{
	duck_sql_ident(b, d->o->dataset);
	buf_putc(b, '.');
	duck_sql_ident(b, table);
}

/* Runs sql; on failure keeps DuckDB's message in d->err. res may be NULL. */
static bool exec(duck_target *d, const char *sql, duckdb_result *res)
{
	duckdb_result own;
	duckdb_result *r = res ? res : &own;
	double t0 = progress_now();
	duckdb_state st = duckdb_query(d->con, sql, r);
	if (log_enabled(LOG_LVL_DEBUG)) {
		char head[48];
		snprintf(head, sizeof head, "%s", sql);
		log_debug("sql", LD("seconds", progress_now() - t0), LS("statement", head));
	}
	if (st == DuckDBSuccess) {
		if (!res)
			duckdb_destroy_result(&own);
		return true;
	}
	free(d->err);
	const char *m = duckdb_result_error(r);
	d->err = xstrdup(m ? m : "unknown DuckDB error");
	d->err_type = duckdb_result_error_type(r);
	duckdb_destroy_result(r);
	log_debug("DuckDB refused a statement", LS("error", d->err));
	return false;
}

static bool exec_buf(duck_target *d, duckdb_result *res)
{
	return exec(d, buf_cstr(&d->sql), res);
}

static void db_close(duck_target *d)
{
	if (!d->open)
		return;
	duckdb_disconnect(&d->con);
	duckdb_close(&d->db);
	d->open = false;
}

/* DuckDB checkpoints (writes the tables in place from the WAL) after any
 * commit that leaves more WAL than this; its default, 16 MB, made every
 * 256 MiB batch a checkpoint, and each checkpoint compresses and rewrites
 * every table's last, partly filled row group again: over half of a
 * 4.4-million-row load was spent in COMMIT. At 1 GiB a load checkpoints every
 * few batches and at close (the file is closed as soon as the input rests). */
#define CHECKPOINT_THRESHOLD "1GiB"

/* Opens the file, waiting while another process holds its lock. */
static int db_open(duck_target *d)
{
	int rc = duck_open(d->o->duck_path, false, d->o->lock_timeout, &d->db, &d->con);
	d->open = rc == VP_EXIT_OK;
	d->one_thread = -1;
	if (d->open && !exec(d, "SET checkpoint_threshold = '" CHECKPOINT_THRESHOLD "'", NULL)) {
		log_error("cannot configure DuckDB", LS("path", d->o->duck_path), LS("error", d->err));
		db_close(d);
		return VP_EXIT_SOFTWARE;
	}
	return rc;
}

/* Failures that come from the values of one table's rows, not from the
 * database or the machine: rejecting those rows lets the rest go in. */
static bool data_error(duckdb_error_type t)
{
	return t == DUCKDB_ERROR_CONVERSION || t == DUCKDB_ERROR_OUT_OF_RANGE ||
	       t == DUCKDB_ERROR_INVALID_INPUT || t == DUCKDB_ERROR_CONSTRAINT ||
	       t == DUCKDB_ERROR_MISMATCH_TYPE || t == DUCKDB_ERROR_INVALID_TYPE;
}

static void cat_clear(catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->t[i].name);
		schema_free(&c->t[i].cols);
	}
	free(c->t);
	*c = (catalog){ 0 };
}

static cat_table *cat_find(catalog *c, const char *table)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->t[i].name, table))
			return &c->t[i];
	return NULL;
}

static cat_table *cat_add(catalog *c, const char *table)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->t = xrealloc(c->t, c->cap * sizeof *c->t);
	}
	cat_table *t = &c->t[c->n++];
	t->name = xstrdup(table);
	schema_init(&t->cols);
	return t;
}

/* Reads the columns of the dataset's tables, or of one table (replacing
 * what the catalog held of it). */
static bool cat_read(duck_target *d, const char *table)
{
	duckdb_result res;
	d->sql.len = 0;
	buf_puts(&d->sql, "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = ");
	duck_sql_str(&d->sql, d->o->dataset);
	if (table) {
		buf_puts(&d->sql, " AND table_name = ");
		duck_sql_str(&d->sql, table);
	}
	buf_puts(&d->sql, " ORDER BY table_name, column_index");
	if (!exec_buf(d, &res))
		return false;
	cat_table *t = table ? cat_find(&d->cat, table) : NULL;
	if (t) {
		schema_free(&t->cols);
		schema_init(&t->cols);
	}
	for (idx_t i = 0; i < duckdb_row_count(&res); i++) {
		char *tn = duckdb_value_varchar(&res, 0, i), *name = duckdb_value_varchar(&res, 1, i),
		     *type = duckdb_value_varchar(&res, 2, i);
		if (!t || strcmp(t->name, tn))
			t = cat_add(&d->cat, tn);
		coltype ct = coltype_from_duckdb(type);
		schema_add(&t->cols, name, ct, ct == CT_FOREIGN ? type : NULL);
		duckdb_free(tn);
		duckdb_free(name);
		duckdb_free(type);
	}
	duckdb_destroy_result(&res);
	return true;
}

/* The table's columns as they are in the database now (none: no such table). */
static bool db_columns(duck_target *d, const char *table, schema *out)
{
	if (!d->cat.loaded) {
		if (!cat_read(d, NULL))
			return false;
		d->cat.loaded = true;
	}
	const cat_table *t = cat_find(&d->cat, table);
	for (size_t i = 0; t && i < t->cols.n; i++) {
		const column *c = &t->cols.cols[i];
		schema_add(out, c->name, c->type, c->foreign);
	}
	return true;
}

/* After the batch created or altered the table: the catalog reads it again. */
static bool db_columns_changed(duck_target *d, const char *table, schema *out)
{
	schema_free(out);
	schema_init(out);
	return cat_read(d, table) && db_columns(d, table, out);
}

/* The type a new column gets: its --schema-dir type, else the batch's. */
static const char *new_column_type(duck_target *d, const char *table, const column *c)
{
	const char *declared = d->sd ? schema_dir_duckdb_type(d->sd, table, c->name) : NULL;
	return declared ? declared : coltype_duckdb(c->type);
}

/* Creates the table, or adds and widens its columns for this batch. `have`
 * is filled with the table's columns as they end up. */
static bool ensure_table(duck_target *d, table_batch *t, schema *have)
{
	if (!db_columns(d, t->name, have))
		return false;
	if (have->n == 0) {
		d->sql.len = 0;
		buf_puts(&d->sql, "CREATE TABLE ");
		table_ref(d, &d->sql, t->name);
		buf_puts(&d->sql, " (");
		for (size_t i = 0; i < t->cols.n; i++) {
			if (!t->seen[i])
				continue;
			duck_sql_ident(&d->sql, t->cols.cols[i].name);
			buf_printf(&d->sql, " %s, ", new_column_type(d, t->name, &t->cols.cols[i]));
		}
		buf_puts(&d->sql, "\"" COL_BATCH_ID "\" VARCHAR, \"" COL_LOADED_AT "\" TIMESTAMP)");
		if (!exec_buf(d, NULL))
			return false;
		return db_columns_changed(d, t->name, have);
	}
	/* VARCHAR columns that held only NULLs so far may take the batch's narrower type. */
	int *maybe_empty = xmalloc((t->cols.n + 1) * sizeof *maybe_empty);
	size_t nempty = 0;
	bool ok = true, changed = false;
	for (size_t i = 0; i < t->cols.n && ok; i++) {
		const column *c = &t->cols.cols[i];
		if (!t->seen[i])
			continue;
		int h = schema_find(have, c->name, NULL);
		d->sql.len = 0;
		buf_puts(&d->sql, "ALTER TABLE ");
		table_ref(d, &d->sql, t->name);
		if (h < 0) {
			buf_puts(&d->sql, " ADD COLUMN ");
			duck_sql_ident(&d->sql, c->name);
			buf_printf(&d->sql, " %s", new_column_type(d, t->name, c));
			ok = exec_buf(d, NULL) && (schema_add(have, c->name, CT_NULL, NULL), true);
			changed = true;
			continue;
		}
		coltype now = have->cols[h].type;
		if (now == CT_FOREIGN || c->type == CT_NULL)
			continue;
		if (now == CT_STRING && c->type != CT_STRING) {
			maybe_empty[nempty++] = (int)i;
			continue;
		}
		coltype wide = coltype_join(now, c->type);
		if (wide == now)
			continue;
		buf_puts(&d->sql, " ALTER COLUMN ");
		duck_sql_ident(&d->sql, c->name);
		buf_printf(&d->sql, " TYPE %s", coltype_duckdb(wide));
		log_info("widening a column", LS("table", t->name), LS("column", c->name),
			 LS("from", coltype_duckdb(now)), LS("to", coltype_duckdb(wide)));
		ok = exec_buf(d, NULL);
		changed = true;
	}
	if (ok && nempty) {
		duckdb_result res;
		d->sql.len = 0;
		buf_puts(&d->sql, "SELECT ");
		for (size_t j = 0; j < nempty; j++) {
			buf_puts(&d->sql, j ? ", count(" : "count(");
			duck_sql_ident(&d->sql, t->cols.cols[maybe_empty[j]].name);
			buf_putc(&d->sql, ')');
		}
		buf_puts(&d->sql, " FROM ");
		table_ref(d, &d->sql, t->name);
		ok = exec_buf(d, &res);
		for (size_t j = 0; ok && j < nempty; j++) {
			if (duckdb_value_int64(&res, j, 0) != 0)
				continue;
			const column *c = &t->cols.cols[maybe_empty[j]];
			d->sql.len = 0;
			buf_puts(&d->sql, "ALTER TABLE ");
			table_ref(d, &d->sql, t->name);
			buf_puts(&d->sql, " ALTER COLUMN ");
			duck_sql_ident(&d->sql, c->name);
			buf_printf(&d->sql, " TYPE %s", coltype_duckdb(c->type));
			ok = exec_buf(d, NULL);
			changed = true;
		}
		if (ok)
			duckdb_destroy_result(&res);
	}
	free(maybe_empty);
	if (!ok)
		return false;
	return !changed || db_columns_changed(d, t->name, have);
}

typedef struct {
	load_ctx *c;
	table_batch *t;
	const char *why;
} drop_arg;

static void reject_dropped(void *arg, size_t i, const char *text, size_t len)
{
	drop_arg *a = arg;
	load_reject_line(a->c, a->c->source, a->t->linenos[i], a->why, text, len, true);
}

/* DuckDB compares table and column names without letter case: rows that
 * would name an existing table or column in another case are rejected here
 * (the CREATE or ADD COLUMN would fail the whole batch). Returns false on a
 * database failure; *all_gone when no row of t is left. */
static bool reject_case_clashes(duck_target *d, table_batch *t, load_ctx *c, bool *all_gone)
{
	*all_gone = false;
	schema have;
	schema_init(&have);
	bool ok = db_columns(d, t->name, &have); /* reads the catalog */
	bool clash = false;
	for (size_t i = 0; i < d->cat.n && !clash; i++)
		clash = !strcasecmp(d->cat.t[i].name, t->name) && strcmp(d->cat.t[i].name, t->name);
	if (ok && clash) {
		schema_free(&have);
		log_warn("a table name differs only in letter case from an existing table; its rows are rejected",
			 LS("table", t->name));
		load_reject_all(c, t, "_table differs only in letter case from an existing table");
		*all_gone = true;
		return true;
	}
	char why[700];
	for (size_t i = 0; ok && i < t->cols.n && t->rows; i++) {
		const column *col = &t->cols.cols[i];
		int other;
		const char *keep = NULL;
		if (!t->seen[i] || schema_find(&have, col->name, &other) >= 0)
			continue;
		if (other >= 0)
			keep = have.cols[other].name;
		else if (col->cased)
			/* New to the table: the first spelling seen in the batch is kept. */
			for (size_t j = 0; j < i && !keep; j++)
				if (t->seen[j] && !strcasecmp(t->cols.cols[j].name, col->name))
					keep = t->cols.cols[j].name;
		if (!keep)
			continue;
		snprintf(why, sizeof why, "field %.300s differs only in letter case from the table's column %.300s",
			 col->name, keep);
		drop_arg a = { c, t, why };
		if (batch_table_drop_field(t, col->name, reject_dropped, &a) == (size_t)-1) {
			free(d->err);
			d->err = xstrdup("cannot rewrite a staging file");
			d->err_type = DUCKDB_ERROR_IO;
			ok = false;
		}
	}
	schema_free(&have);
	*all_gone = ok && !t->rows;
	return ok;
}

/* Marks in done[] the tables whose (table, batch id) is recorded already:
 * one query for the whole batch. False on failure. */
static bool already_loaded(duck_target *d, const batch *b, const bool *skip, bool *done)
{
	d->sql.len = 0;
	buf_puts(&d->sql, "SELECT table_name, batch_id FROM ");
	table_ref(d, &d->sql, BATCHES_TABLE);
	buf_puts(&d->sql, " WHERE batch_id IN (");
	size_t asked = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->tables[i]->rows || skip[i])
			continue;
		if (asked++)
			buf_puts(&d->sql, ", ");
		duck_sql_str(&d->sql, b->tables[i]->id);
	}
	buf_putc(&d->sql, ')');
	if (!asked)
		return true;
	duckdb_result res;
	if (!exec_buf(d, &res))
		return false;
	for (idx_t r = 0; r < duckdb_row_count(&res); r++) {
		char *name = duckdb_value_varchar(&res, 0, r), *id = duckdb_value_varchar(&res, 1, r);
		for (size_t i = 0; i < b->n; i++)
			if (!strcmp(b->tables[i]->name, name) && !strcmp(b->tables[i]->id, id))
				done[i] = true;
		duckdb_free(name);
		duckdb_free(id);
	}
	duckdb_destroy_result(&res);
	return true;
}

/* _loaded_at as a TIMESTAMP literal (UTC, the 'Z' left off). */
static void loaded_at(buf *b, const load_ctx *c)
{
	buf_puts(b, "TIMESTAMP '");
	buf_put(b, c->loaded_at, strlen(c->loaded_at) - 1);
	buf_putc(b, '\'');
}

/* read_json over t's staging file, with the columns spelled out (read). */
static void read_json_call(duck_target *d, const table_batch *t, buf *read)
{
	buf_puts(&d->sql, "read_json(");
	duck_sql_str(&d->sql, t->path);
	buf_printf(&d->sql, ", format = 'newline_delimited', records = true, maximum_object_size = %zu, columns = {%s})",
		   t->max_line + 1024, buf_cstr(read));
}

/* A table's small batch goes in faster on one thread: for a few dozen rows
 * DuckDB's scheduling across threads costs more than the work (50 orders'
 * rows of the 109-column orders table: 38 ms instead of 82 on two cores). */
enum { ONE_THREAD_BELOW = 1 << 20 };

static bool use_one_thread(duck_target *d, bool one)
{
	if (d->one_thread == one)
		return true;
	if (!exec(d, one ? "SET threads = 1" : "RESET threads", NULL))
		return false;
	d->one_thread = one;
	return true;
}

/* Whether the batch's rows of t carry the column (with a value somewhere). */
static bool batch_has(const table_batch *t, const char *name)
{
	int i = schema_find(&t->cols, name, NULL);
	return i >= 0 && t->seen[i] && t->cols.cols[i].type != CT_NULL;
}

/* The root table of a child table of the batch (ndjson-normalize's naming:
 * ROOT__path), when the batch loaded that root table's rows before t's, with
 * their _row_id and _root_id; NULL otherwise. */
static const table_batch *loaded_root(const batch *b, size_t i, const tb_status *st, const bool *skip)
{
	const table_batch *t = b->tables[i];
	const char *sep = strstr(t->name, "__");
	if (!sep || sep == t->name || !batch_has(t, COL_ROW_ID) || !batch_has(t, COL_ROOT_ID))
		return NULL;
	for (size_t r = 0; r < i; r++) {
		const table_batch *root = b->tables[r];
		if (strlen(root->name) == (size_t)(sep - t->name) && !strncmp(root->name, t->name, (size_t)(sep - t->name)))
			return root->rows && st[r] == TB_LOADED && !skip[r] && batch_has(root, COL_ROW_ID) &&
			       batch_has(root, COL_ROOT_ID) ? root : NULL;
	}
	return NULL;
}

/* The ids of the root rows this batch added to root (a constant _loaded_at:
 * the table's zone maps skip every row group loaded before). */
static void new_roots(duck_target *d, const table_batch *root, const load_ctx *c)
{
	buf_puts(&d->sql, "SELECT \"" COL_ROW_ID "\" FROM ");
	table_ref(d, &d->sql, root->name);
	buf_puts(&d->sql, " WHERE \"" COL_LOADED_AT "\" = ");
	loaded_at(&d->sql, c);
	buf_puts(&d->sql, " AND \"" COL_BATCH_ID "\" = ");
	duck_sql_str(&d->sql, root->id);
	buf_puts(&d->sql, " AND \"" COL_ROW_ID "\" = \"" COL_ROOT_ID "\"");
}

/* Inserts the batch's rows of t; *skipped: rows left out as already in the
 * table by _row_id (only when both the table and the batch have that column).
 * root: t's root table when the batch loaded it first (loaded_root): the
 * rows of a record whose root row the batch added are not looked up, see
 * below. */
static bool insert_rows(duck_target *d, table_batch *t, const table_batch *root, const schema *have,
			const load_ctx *c, size_t *skipped, buf *booked)
{
	buf cols = { 0 }, read = { 0 };
	bool dedup = false;
	*skipped = 0;
	for (size_t i = 0; i < t->cols.n; i++) {
		const column *col = &t->cols.cols[i];
		/* Columns that held only nulls in this batch need not be read. */
		if (!t->seen[i] || col->type == CT_NULL)
			continue;
		int hi = schema_find(have, col->name, NULL);
		if (hi < 0)
			continue;
		const column *h = &have->cols[hi];
		duck_sql_ident(&cols, col->name);
		buf_puts(&cols, ", ");
		if (read.len)
			buf_puts(&read, ", ");
		duck_sql_str(&read, col->name);
		buf_putc(&read, ':');
		duck_sql_str(&read, h->type == CT_FOREIGN ? h->foreign : coltype_duckdb(h->type));
		if (!strcmp(col->name, COL_ROW_ID))
			dedup = true;
	}
	if (!read.len)
		buf_puts(&read, "'_table': 'VARCHAR'");
	d->sql.len = 0;
	buf_puts(&d->sql, "INSERT INTO ");
	table_ref(d, &d->sql, t->name);
	buf_printf(&d->sql, " (%s\"" COL_BATCH_ID "\", \"" COL_LOADED_AT "\") ", buf_cstr(&cols));
	if (dedup) {
		/* Only the batch's ids are looked up in the table (a semi-join that
		 * hashes the batch and scans the table's _row_id column once: an
		 * anti-join against the whole table would hash the table instead).
		 * Rows without an id always go in; of those with one, only the first
		 * of each id the table does not have yet. */
		buf_printf(&d->sql, "WITH s AS MATERIALIZED (SELECT %.*s FROM ", (int)(cols.len - 2), buf_cstr(&cols));
		read_json_call(d, t, &read);
		buf_puts(&d->sql, "), have AS (SELECT \"" COL_ROW_ID "\" FROM ");
		table_ref(d, &d->sql, t->name);
		buf_puts(&d->sql, " WHERE \"" COL_ROW_ID "\" IN (SELECT \"" COL_ROW_ID "\" FROM s");
		if (root) {
			/* A record's rows come root first (ndjson-normalize writes them
			 * so) and batches commit in input order, so a child row can be
			 * in its table only if its root row is in the root table: the
			 * children of a root row this batch added are new without
			 * scanning the table (at 1,000,000 orders the lookups of the
			 * ~25 child tables took 1.5 s of each real-time batch). */
			buf_puts(&d->sql, " WHERE \"" COL_ROOT_ID "\" IS NULL OR \"" COL_ROOT_ID "\" NOT IN (");
			new_roots(d, root, c);
			buf_putc(&d->sql, ')');
		}
		buf_puts(&d->sql, ")) SELECT ");
		buf_puts(&d->sql, buf_cstr(&cols));
		duck_sql_str(&d->sql, t->id);
		buf_puts(&d->sql, ", ");
		loaded_at(&d->sql, c);
		buf_puts(&d->sql, " FROM s WHERE \"" COL_ROW_ID "\" IS NULL OR \"" COL_ROW_ID "\" NOT IN (SELECT \"" COL_ROW_ID
				  "\" FROM have) QUALIFY \"" COL_ROW_ID "\" IS NULL OR row_number() OVER (PARTITION BY \"" COL_ROW_ID
				  "\") = 1");
	} else {
		buf_printf(&d->sql, "SELECT %s", buf_cstr(&cols));
		duck_sql_str(&d->sql, t->id);
		buf_puts(&d->sql, ", ");
		loaded_at(&d->sql, c);
		buf_puts(&d->sql, " FROM ");
		read_json_call(d, t, &read);
	}
	buf_free(&cols);
	buf_free(&read);

	duckdb_result res;
	if (!use_one_thread(d, t->bytes < ONE_THREAD_BELOW) || !exec_buf(d, &res))
		return false;
	int64_t n = duckdb_value_int64(&res, 0, 0);
	duckdb_destroy_result(&res);
	if (n > (int64_t)t->rows || (!dedup && n != (int64_t)t->rows)) {
		free(d->err);
		d->err = xstrdup("DuckDB read back a different number of rows than were staged");
		d->err_type = DUCKDB_ERROR_INTERNAL;
		return false;
	}
	*skipped = t->rows - (size_t)n;
	/* Its row of the bookkeeping table, inserted with the others (record_batches). */
	buf_puts(booked, booked->len ? ", (" : "(");
	duck_sql_str(booked, t->name);
	buf_puts(booked, ", ");
	duck_sql_str(booked, t->id);
	buf_printf(booked, ", %zu, %zu, ", t->rows, t->bytes);
	loaded_at(booked, c);
	buf_putc(booked, ')');
	return true;
}

/* The bookkeeping rows of every table the batch loaded, in one statement. */
static bool record_batches(duck_target *d, const buf *booked)
{
	if (!booked->len)
		return true;
	d->sql.len = 0;
	buf_puts(&d->sql, "INSERT INTO ");
	table_ref(d, &d->sql, BATCHES_TABLE);
	buf_puts(&d->sql, " VALUES ");
	buf_put(&d->sql, booked->data, booked->len);
	return exec_buf(d, NULL);
}

static bool prepare(duck_target *d)
{
	d->sql.len = 0;
	buf_puts(&d->sql, "CREATE SCHEMA IF NOT EXISTS ");
	duck_sql_ident(&d->sql, d->o->dataset);
	buf_puts(&d->sql, "; CREATE TABLE IF NOT EXISTS ");
	table_ref(d, &d->sql, BATCHES_TABLE);
	buf_puts(&d->sql, " (table_name VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, row_count BIGINT,"
			  " byte_count BIGINT, loaded_at TIMESTAMP, PRIMARY KEY (table_name, batch_id))");
	return exec_buf(d, NULL);
}

static int failure_code(duck_target *d)
{
	switch (d->err_type) {
	case DUCKDB_ERROR_IO:
		return VP_EXIT_IOERR;
	case DUCKDB_ERROR_OUT_OF_MEMORY:
	case DUCKDB_ERROR_TRANSACTION:
		return VP_EXIT_TEMPFAIL;
	case DUCKDB_ERROR_PERMISSION:
		return VP_EXIT_CONFIG;
	default:
		return VP_EXIT_SOFTWARE;
	}
}

static int duck_load(target *base, batch *b, load_ctx *c)
{
	duck_target *d = (duck_target *)base;
	tb_status *st = xcalloc(b->n, sizeof *st);
	size_t *skipped = xcalloc(b->n, sizeof *skipped);
	bool *skip = xcalloc(b->n, sizeof *skip);      /* rejected: left out of the next try */
	bool *done = xcalloc(b->n, sizeof *done);      /* recorded already: the same batch again */
	buf booked = { 0 };
	int rc = d->open ? VP_EXIT_OK : db_open(d);

	while (rc == VP_EXIT_OK) {
		int failed = -1;                          /* table whose values DuckDB refused */
		cat_clear(&d->cat);
		booked.len = 0;
		memset(done, 0, b->n * sizeof *done);
		bool ok = exec(d, "BEGIN TRANSACTION", NULL) && prepare(d) && already_loaded(d, b, skip, done);
		for (size_t i = 0; ok && i < b->n; i++) {
			table_batch *t = b->tables[i];
			if (!t->rows || skip[i])
				continue;
			if (done[i]) {
				st[i] = TB_ALREADY_LOADED;
				continue;
			}
			bool all_gone;
			if (!(ok = reject_case_clashes(d, t, c, &all_gone)))
				break;
			if (all_gone) {
				skip[i] = true;
				st[i] = TB_REJECTED;
				continue;
			}
			schema have;
			schema_init(&have);
			ok = ensure_table(d, t, &have) &&
			     insert_rows(d, t, loaded_root(b, i, st, skip), &have, c, &skipped[i], &booked);
			schema_free(&have);
			st[i] = TB_LOADED;
			if (!ok && data_error(d->err_type))
				failed = (int)i;
		}
		if (ok && record_batches(d, &booked) && exec(d, "COMMIT", NULL))
			break;
		char *why = xstrdup(d->err ? d->err : "unknown DuckDB error");
		exec(d, "ROLLBACK", NULL);
		if (failed < 0) {
			log_error("the batch was not loaded (rolled back)", LS("error", why));
			rc = failure_code(d);
		} else {
			table_batch *t = b->tables[failed];
			log_warn("DuckDB refused a table's rows; they are rejected and the batch is loaded without them",
				 LS("table", t->name), LS("batch_id", t->id), LS("error", why));
			load_reject_all(c, t, why);
			skip[failed] = true;
			st[failed] = TB_REJECTED;
			skipped[failed] = 0;
		}
		free(why);
	}
	if (rc != VP_EXIT_OK)
		db_close(d);
	for (size_t i = 0; rc == VP_EXIT_OK && i < b->n; i++)
		if (b->tables[i]->rows)
			load_report(c, b->tables[i], st[i], b->tables[i]->rows - skipped[i], skipped[i], NULL);
	free(st);
	free(skipped);
	free(skip);
	free(done);
	buf_free(&booked);
	return rc;
}

static void duck_idle(target *base)
{
	db_close((duck_target *)base);
}

static int duck_finish(target *base, load_ctx *c)
{
	(void)c;
	db_close((duck_target *)base);
	return VP_EXIT_OK;
}

static void duck_free(target *base)
{
	duck_target *d = (duck_target *)base;
	db_close(d);
	cat_clear(&d->cat);
	schema_dir_free(d->sd);
	free(d->err);
	buf_free(&d->sql);
	free(d);
}

target *duck_target_new(const options *o, int *exit_code)
{
	duck_target *d = xcalloc(1, sizeof *d);
	d->base.load = duck_load;
	d->base.finish = duck_finish;
	d->base.idle = duck_idle;
	d->base.free = duck_free;
	d->o = o;
	if (o->schema_dir && !(d->sd = schema_dir_open(o->schema_dir))) {
		*exit_code = VP_EXIT_CONFIG;
		duck_free(&d->base);
		return NULL;
	}
	/* Open once now, so a wrong path fails before any input is read. */
	*exit_code = db_open(d);
	db_close(d);
	if (*exit_code != VP_EXIT_OK) {
		duck_free(&d->base);
		return NULL;
	}
	return &d->base;
}
