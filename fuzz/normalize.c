/* libFuzzer target: ndjson-normalize's core (record -> rows).
 * links: cmd/ndjson-normalize
 *
 * The first byte picks the options (max depth, raw row, how root ids are
 * made); the rest is the record. Checks: every output line is a JSON object
 * with _table and a 32-digit _row_id, there are as many lines as rows
 * reported, and the output is the same from a fresh normalizer and from one
 * whose name cache is warm (no state leaks between records). */
#include "ndjson-normalize/normalize.h"
#include "ndjson-normalize/presets.h"
#include "ndjson_reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_rows(const buf *out, size_t rows)
{
	size_t lines = 0;
	for (size_t i = 0; i < out->len;) {
		const char *nl = memchr(out->data + i, '\n', out->len - i);
		if (!nl)
			abort();
		size_t n = (size_t)(nl - (out->data + i));
		cJSON *row = cJSON_ParseWithLength(out->data + i, n);
		const cJSON *table = cJSON_GetObjectItemCaseSensitive(row, "_table");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(row, "_row_id");
		if (!cJSON_IsObject(row) || !cJSON_IsString(table) || !cJSON_IsString(id) ||
		    strlen(id->valuestring) != 32 || !normalize_valid_table_name(table->valuestring))
			abort();
		cJSON_Delete(row);
		lines++;
		i += n + 1;
	}
	if (lines != rows)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t opt = data[0];
	const char *text = (const char *)data + 1, *reason;
	size_t len = size - 1;
	cJSON *rec = ndjson_parse_object(text, len, &reason);
	if (!rec)
		return 0;

	normalize_opts o = { .root = "t", .max_depth = (opt & 7) == 7 ? -1 : opt & 7, .raw = opt & 8 };
	char pk[] = "a,b.c";
	switch ((opt >> 4) & 3) {
	case 1: o.key = preset_find("order")->key; break;
	case 2: o.key = preset_find("hook")->key; break;
	case 3: key_spec_parse(&o.key, pk); break;
	}
	normalizer *cold = normalizer_new(&o), *warm = normalizer_new(&o);
	buf a = { 0 }, b = { 0 };
	size_t rows = normalize_record(cold, rec, text, len, &a, &reason);
	normalize_record(warm, rec, text, len, &b, &reason);
	b.len = 0;
	size_t rows2 = normalize_record(warm, rec, text, len, &b, &reason);
	if (rows != rows2 || a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
		abort();
	if (rows)
		check_rows(&a, rows);
	else if (a.len || !reason)
		abort();
	buf_free(&a);
	buf_free(&b);
	normalizer_free(cold);
	normalizer_free(warm);
	cJSON_Delete(rec);
	return 0;
}
