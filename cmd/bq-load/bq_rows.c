#include "bq_rows.h"
#include "batch.h"
#include "json_path.h"

#include <stdio.h>
#include <string.h>

static const char *kind_name(coltype t)
{
	switch (t) {
	case CT_BOOL: return "boolean";
	case CT_INT: return "integer";
	case CT_DOUBLE: return "number";
	case CT_STRING: return "string";
	default: return "object or array";
	}
}

const char *bq_row_json(buf *out, const cJSON *row, const schema *types, const char *batch_id,
			const char *loaded_at)
{
	static char why[700];
	size_t start = out->len;
	bool first = true;
	buf_putc(out, '{');
	for (const cJSON *f = row->child; f; f = f->next) {
		coltype vt;
		if (!strcmp(f->string, "_table") || batch_lineage_name(f->string) || !coltype_of(f, &vt) ||
		    vt == CT_NULL)
			continue;
		int clash;
		int i = schema_find(types, f->string, &clash);
		if (i < 0 && clash >= 0) {
			snprintf(why, sizeof why, "field %.300s differs only in letter case from the table's column %.300s",
				 f->string, types->cols[clash].name);
			out->len = start;
			return why;
		}
		coltype ct = i >= 0 ? types->cols[i].type : CT_FOREIGN;
		if (!first)
			buf_putc(out, ',');
		first = false;
		buf_json_string(out, f->string, strlen(f->string));
		buf_putc(out, ':');
		if (ct == CT_STRING && vt != CT_STRING) {
			buf text = { 0 };
			if (vt == CT_BOOL)
				buf_puts(&text, cJSON_IsTrue(f) ? "true" : "false");
			else
				json_write(&text, f);
			buf_json_string(out, text.data, text.len);
			buf_free(&text);
			continue;
		}
		bool fits = ct == CT_FOREIGN || ct == CT_JSON || ct == CT_STRING || vt == ct ||
			    (ct == CT_DOUBLE && vt == CT_INT);
		if (!fits) {
			snprintf(why, sizeof why, "field %.300s: a %s does not fit its %s column", f->string,
				 kind_name(vt), coltype_bigquery(ct));
			out->len = start;
			return why;
		}
		json_write(out, f);
	}
	buf_puts(out, first ? "\"" COL_BATCH_ID "\":\"" : ",\"" COL_BATCH_ID "\":\"");
	buf_puts(out, batch_id);
	buf_puts(out, "\",\"" COL_LOADED_AT "\":\"");
	buf_puts(out, loaded_at);
	buf_puts(out, "\"}");
	return NULL;
}
