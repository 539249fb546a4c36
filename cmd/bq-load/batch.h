/* Rows on their way to the warehouse. Input lines are checked one by one and
 * routed to their table; a batch holds, per table, the lines as they came (in
 * a staging file), their input line numbers, the columns seen with their
 * joined types, and a SHA-256 of the destination and the lines, from which the
 * batch id comes: the same rows for the same table give the same id, so a
 * re-run batch is recognised and loaded once. */
#ifndef BQLOAD_BATCH_H
#define BQLOAD_BATCH_H

#include "schema.h"
#include "buf.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

/* The lineage columns bq-load adds; input fields of these names (in any
 * letter case) are ignored. */
#define COL_BATCH_ID "_batch_id"
#define COL_LOADED_AT "_loaded_at"
/* bq-load's bookkeeping table (DuckDB): no _table may name it, in any case. */
#define BATCHES_TABLE "_vtex_pipes_batches"

typedef struct {
	char *name;
	schema cols;          /* every column seen in this run; column.type is the type in this batch */
	bool *seen;           /* per column: seen (with any value) in this batch */
	size_t seen_cap;
	/* this batch */
	size_t rows, bytes;
	size_t max_line;
	size_t *linenos;      /* input line number of each row */
	size_t linenos_cap;
	char id[33];          /* batch id (hex), set by batch_close */
	EVP_MD_CTX *sha;
	int fd;               /* staging file */
	char *path;
	buf wbuf;
	char *mapped;         /* the staged lines once read back (batch_table_text) */
	size_t mapped_len;
} table_batch;

typedef struct {
	table_batch **tables;
	size_t n;
	const char *dest;     /* destination prefix hashed into ids ("bronze", "proj.ds") */
	const char *tmpdir;
	const char *default_table; /* --table */
	unsigned stamp;       /* row counter, for duplicate-key detection */
	int stage_errno;      /* first staging write error of this batch */
	/* this batch */
	size_t rows, bytes;
	double started;       /* progress_now() of the first row, 0 when empty */
	buf barriers;         /* barrier lines read after these rows ('\n' after each):
				 acknowledged once the batch is committed */
	int *scratch_idx;     /* per key of the row being checked */
	coltype *scratch_type;
	size_t scratch_cap;
} batch;

void batch_init(batch *b, const char *dest, const char *tmpdir, const char *default_table);
void batch_free(batch *b);

/* Checks one input line and stages it in its table. Returns NULL when the
 * row was taken, or why it was refused (the row is then not staged);
 * *is_json tells whether the refused line was at least a JSON object. */
const char *batch_add(batch *b, const char *text, size_t len, size_t lineno, bool *is_json);

/* Whether a field name is one of the lineage columns (any letter case). */
static inline bool batch_lineage_name(const char *k)
{
	return k[0] == '_' && (!strcasecmp(k, COL_BATCH_ID) || !strcasecmp(k, COL_LOADED_AT));
}

/* Takes out of t's staged rows those holding a field named exactly `field`,
 * handing each to `dropped` (its index among the staged rows before, text,
 * length); the staging file, line numbers, sizes and seen columns are made
 * to match the rows kept. Returns the number dropped, or (size_t)-1 (errno
 * set) when the staging file cannot be read or rewritten. */
size_t batch_table_drop_field(table_batch *t, const char *field,
			      void (*dropped)(void *arg, size_t i, const char *text, size_t len), void *arg);

/* Ends the batch's staging: files flushed, ids computed. Returns false (errno
 * set) when a staging file cannot be written. */
bool batch_close(batch *b);
/* The staged lines of one table ('\n' after each), read back into memory. */
const char *batch_table_text(table_batch *t, size_t *len);
/* Empties every table for the next batch (columns and their order are kept). */
void batch_reset(batch *b);

#endif
