#include "cluster.h"
#include "schema.h"

#include <fnmatch.h>
#include <string.h>

enum { MAX_FIELDS = 4 };

/* The entry that decides for table: its field list (up to ';'), or NULL. */
static const char *entry_for(const char *spec, const char *table, size_t *len)
{
	for (const char *e = spec; *e;) {
		size_t n = strcspn(e, ";");
		const char *eq = memchr(e, '=', n);
		bool match = !eq;
		if (eq) {
			char pat[1100];
			size_t pn = (size_t)(eq - e);
			if (pn < sizeof pat) {
				memcpy(pat, e, pn);
				pat[pn] = '\0';
				match = fnmatch(pat, table, 0) == 0;
			}
		}
		if (match) {
			const char *f = eq ? eq + 1 : e;
			*len = (size_t)(e + n - f);
			return f;
		}
		e += n + (e[n] == ';');
	}
	return NULL;
}

const char *cluster_spec_error(const char *spec)
{
	for (const char *e = spec; *e;) {
		size_t n = strcspn(e, ";");
		const char *eq = memchr(e, '=', n), *f = eq ? eq + 1 : e, *end = e + n;
		for (const char *p = e; eq && p < eq; p++)
			if (!(*p == '_' || *p == '*' || (*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z')))
				return "a table pattern holds only letters, digits, _ and *";
		if (eq == e)
			return "an empty table pattern";
		if ((size_t)(end - f) == 4 && !memcmp(f, "none", 4))
			goto next;
		int count = 0;
		while (f < end) {
			size_t k = strcspn(f, ",;");
			char name[320];
			if (k == 0 || k >= sizeof name)
				return "an empty or too long field name";
			memcpy(name, f, k);
			name[k] = '\0';
			if (!column_name_ok(name))
				return "a field name is not letters, digits and _";
			if (++count > MAX_FIELDS)
				return "more than 4 clustering fields (BigQuery's limit)";
			f += k + (f[k] == ',');
		}
		if (!count)
			return "an entry without fields";
	next:
		e = end + (*end == ';');
	}
	return NULL;
}

static bool has_field(const cJSON *fields, const char *name, size_t len)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(n) && strlen(n->valuestring) == len && !memcmp(n->valuestring, name, len))
			return true;
	}
	return false;
}

void cluster_json(buf *b, const char *spec, const char *table, const cJSON *fields)
{
	size_t len, used = 0;
	const char *f = entry_for(spec, table, &len), *end = f ? f + len : NULL;
	if (!f || (len == 4 && !memcmp(f, "none", 4)))
		return;
	while (f < end) {
		size_t k = strcspn(f, ",;");
		if (has_field(fields, f, k)) {
			buf_puts(b, used++ ? "," : ",\"clustering\":{\"fields\":[");
			buf_json_string(b, f, k);
		}
		f += k + (f[k] == ',');
	}
	if (used)
		buf_puts(b, "]}");
}
