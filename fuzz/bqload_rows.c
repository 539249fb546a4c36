/* libFuzzer target: bq-load's row checks and its BigQuery row conversion.
 * links: cmd/bq-load/schema.c cmd/bq-load/batch.c cmd/bq-load/bq_rows.c
 *
 * The input is one line. Checks: a line batch_add takes is staged byte for
 * byte in its table and is valid UTF-8; a refused line leaves nothing
 * staged; a taken row converts, against the column types its batch derived,
 * to a JSON object that carries _batch_id and _loaded_at and no _table. */
#include "bq-load/batch.h"
#include "bq-load/bq_rows.h"
#include "bq-load/schema.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = xstrndup((const char *)data, size);
	size_t len = strnlen(line, size);
	if (memchr(line, '\n', len)) {
		free(line);
		return 0;
	}
	batch b;
	bool is_json;
	batch_init(&b, "bronze", "/tmp", size % 2 ? "plain" : NULL);
	const char *why = batch_add(&b, line, len, 1, &is_json);
	if (why) {
		if (b.rows)
			abort();
	} else {
		if (b.rows != 1 || !utf8_valid(line, len) || !batch_close(&b))
			abort();
		table_batch *t = NULL;
		for (size_t i = 0; i < b.n; i++)
			if (b.tables[i]->rows)
				t = b.tables[i];
		size_t n;
		const char *staged = batch_table_text(t, &n);
		if (!staged || n != len + 1 || memcmp(staged, line, len) || strlen(t->id) != 32)
			abort();
		schema types;
		schema_init(&types);
		for (size_t i = 0; i < t->cols.n; i++)
			schema_add(&types, t->cols.cols[i].name, t->cols.cols[i].type, NULL);
		cJSON *row = cJSON_ParseWithLength(line, len);
		buf out = { 0 };
		if (!row || bq_row_json(&out, row, &types, t->id, "2026-01-01T00:00:00.000000Z"))
			abort();
		cJSON *back = cJSON_ParseWithLength(out.data, out.len);
		if (!cJSON_IsObject(back) || !cJSON_GetObjectItemCaseSensitive(back, "_batch_id") ||
		    !cJSON_GetObjectItemCaseSensitive(back, "_loaded_at") ||
		    cJSON_GetObjectItemCaseSensitive(back, "_table"))
			abort();
		cJSON_Delete(back);
		cJSON_Delete(row);
		buf_free(&out);
		schema_free(&types);
	}
	batch_free(&b);
	free(line);
	return 0;
}
