#include "keyspec.h"
#include "json_path.h"
#include "vtime.h"

#include <string.h>

bool key_spec_parse(key_spec *k, char *fields)
{
	char *save = NULL;

	memset(k, 0, sizeof *k);
	if (*fields == '\0' || fields[strlen(fields) - 1] == ',' || *fields == ',' || strstr(fields, ",,"))
		return false;
	for (char *f = strtok_r(fields, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (k->n == KEY_MAX_PARTS)
			return false;
		k->parts[k->n++].fields[0] = f;
	}
	return k->n > 0;
}

static const cJSON *find(const key_part *p, const cJSON *rec, const char **name)
{
	for (int i = 0; i < KEY_MAX_ALTS && p->fields[i]; i++) {
		const cJSON *v = json_path_get(rec, p->fields[i]);
		if (v && !cJSON_IsNull(v)) {
			*name = p->fields[i];
			return v;
		}
	}
	*name = p->fields[0];
	return NULL;
}

static void frame_content(buf *in, buf *tmp, const cJSON *rec)
{
	size_t mark = tmp->len;
	json_write(tmp, rec);
	rowid h = rowid_of(tmp->data + mark, tmp->len - mark);
	tmp->len = mark;
	rowid_frame(in, 'c', h.b, sizeof h.b);
}

/* Frames one key value; false when it has no scalar text. */
static bool frame_value(buf *in, buf *tmp, const cJSON *v, bool instant)
{
	size_t mark = tmp->len;

	if (cJSON_IsString(v)) {
		size_t n = strlen(v->valuestring);
		vtime_t t;
		if (instant && vtime_parse(v->valuestring, n, &t)) {
			uint8_t le[8];
			for (int i = 0; i < 8; i++)
				le[i] = (uint8_t)((uint64_t)t >> (8 * i));
			rowid_frame(in, 't', le, sizeof le);
		} else {
			rowid_frame(in, 's', v->valuestring, n);
		}
		return true;
	}
	if (cJSON_IsNumber(v))
		buf_put_double(tmp, v->valuedouble);
	else if (cJSON_IsBool(v))
		buf_puts(tmp, cJSON_IsTrue(v) ? "true" : "false");
	else
		return false;
	rowid_frame(in, 's', tmp->data + mark, tmp->len - mark);
	tmp->len = mark;
	return true;
}

bool key_root_id(const key_spec *k, const char *table, const cJSON *rec, buf *in, buf *work,
		 rowid *out, const char **reason)
{
	in->len = work->len = 0;
	rowid_frame(in, 'T', table, strlen(table));
	if (k->n == 0)
		frame_content(in, work, rec);
	for (size_t i = 0; i < k->n; i++) {
		const key_part *p = &k->parts[i];
		const char *name;
		const cJSON *v = p->fields[0] ? find(p, rec, &name) : NULL;

		if (!p->fields[0] || (!v && p->else_content)) {
			frame_content(in, work, rec);
			continue;
		}
		if (!v || !frame_value(in, work, v, p->instant)) {
			work->len = 0;
			buf_printf(work, "%s %s", v ? "key field is not a string or number:" : "missing key field", name);
			*reason = buf_cstr(work);
			return false;
		}
	}
	*out = rowid_of(in->data, in->len);
	return true;
}
