#include "normalize.h"
#include "json_path.h"
#include "names.h"
#include "rowid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Past this much memory the name cache starts afresh (between records), so
 * records with ever new keys (ids used as keys) cannot exhaust memory. */
enum { NAME_CACHE_LIMIT = 64 << 20 };

#define PUT_LIT(b, s) buf_put((b), (s), sizeof(s) - 1)

/* An array met in a row, turned into child rows once the row is written. */
typedef struct {
	nm_node *field;
	const cJSON *array;
	int level;
	unsigned occurrence;
} pending;

struct normalizer {
	normalize_opts o;
	char *root;
	nm_cache *names;
	buf *out;
	unsigned long long stamp;  /* the row being written */
	pending *pend;
	size_t npend, cap_pend;
	buf id_in, work, raw_prefix;
	size_t rows;
};

bool normalize_valid_table_name(const char *name)
{
	if (!*name || (*name >= '0' && *name <= '9'))
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

normalizer *normalizer_new(const normalize_opts *o)
{
	normalizer *n = xcalloc(1, sizeof *n);
	n->o = *o;
	n->root = xstrdup(o->root);
	n->o.root = n->root;
	n->names = nm_cache_new();
	buf_printf(&n->raw_prefix, "{\"_table\":\"%s__raw\",\"_row_id\":\"", n->root);
	return n;
}

void normalizer_free(normalizer *n)
{
	if (!n)
		return;
	nm_cache_free(n->names);
	free(n->pend);
	buf_free(&n->id_in);
	buf_free(&n->work);
	buf_free(&n->raw_prefix);
	free(n->root);
	free(n);
}

static bool too_deep(const normalizer *n, int level)
{
	return n->o.max_depth >= 0 && level > n->o.max_depth;
}

/* Decimal digits of v, faster than snprintf on this hot path. */
static void put_u64(buf *b, uint64_t v)
{
	char tmp[20];
	int i = 20;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_put(b, tmp + i, (size_t)(20 - i));
}

static void put_number(buf *b, double d)
{
	if (d >= 0 && d < JSON_SAFE_INT_LIMIT && d == (double)(uint64_t)d)
		put_u64(b, (uint64_t)d);
	else if (d < 0 && d > -JSON_SAFE_INT_LIMIT && d == (double)(int64_t)d) {
		buf_putc(b, '-');
		put_u64(b, (uint64_t)-d);
	} else
		buf_put_double(b, d);
}

/* Writes `,"name":` for field f, choosing name_2, name_3, ... when the row has
 * already used the name. The search goes on from the last suffix given in
 * the row (those below are all taken), so a key repeated n times costs O(n). */
static void column(normalizer *n, nm_node *f)
{
	nm_name *base = f->col, *nm = base;
	if (nm->stamp == n->stamp) {
		unsigned k = base->alt_stamp == n->stamp ? base->alt_next : 2;
		do
			nm = nm_alt(n->names, base, k++);
		while (nm->stamp == n->stamp);
		base->alt_stamp = n->stamp;
		base->alt_next = k;
	}
	nm->stamp = n->stamp;
	buf_put(n->out, nm->key, nm->key_len);
}

static void json_text_column(normalizer *n, nm_node *f, const cJSON *v)
{
	column(n, f);
	n->work.len = 0;
	json_write(&n->work, v);
	buf_json_string(n->out, n->work.data, n->work.len);
}

static void emit_fields(normalizer *n, nm_node *parent, const cJSON *obj, int level);

/* One key's value inside a row at level (objects in the row included). */
static void emit_value(normalizer *n, nm_node *f, const cJSON *v, int level)
{
	buf *o = n->out;

	switch (v->type & 0xFF) {
	case cJSON_Object:
		if (too_deep(n, level + 1))
			json_text_column(n, f, v);
		else
			emit_fields(n, f, v, level + 1);
		return;
	case cJSON_Array:
		if (too_deep(n, level + 1)) {
			json_text_column(n, f, v);
		} else if (v->child) {
			if (f->pend_stamp != n->stamp) {
				f->pend_stamp = n->stamp;
				f->pend_count = 0;
			}
			if (n->npend == n->cap_pend) {
				n->cap_pend = n->cap_pend ? 2 * n->cap_pend : 64;
				n->pend = xrealloc(n->pend, n->cap_pend * sizeof *n->pend);
			}
			n->pend[n->npend++] = (pending){ f, v, level + 1, f->pend_count++ };
		}
		return;
	case cJSON_String:
		column(n, f);
		buf_json_string(o, v->valuestring, strlen(v->valuestring));
		return;
	case cJSON_Number:
		column(n, f);
		put_number(o, v->valuedouble);
		return;
	case cJSON_True:
		column(n, f);
		PUT_LIT(o, "true");
		return;
	case cJSON_False:
		column(n, f);
		PUT_LIT(o, "false");
		return;
	default:
		column(n, f);
		PUT_LIT(o, "null");
	}
}

static void emit_fields(normalizer *n, nm_node *parent, const cJSON *obj, int level)
{
	nm_node *prev = NULL;
	for (const cJSON *c = obj->child; c; c = c->next) {
		nm_node *f = nm_field(n->names, parent, prev, c->string, strlen(c->string));
		emit_value(n, f, c, level);
		prev = f;
	}
}

static void put_hex(buf *b, const char *hex)
{
	buf_put(b, hex, ROWID_HEX_LEN);
}

/* One row of table (v an object, or any other value read as {"value": v}),
 * then the rows of the arrays met in it. parent_hex NULL: the root row. */
static void emit_row(normalizer *n, nm_node *table, const cJSON *v, const rowid *id, const char *parent_hex,
		     const char *root_hex, uint64_t idx, int level)
{
	buf *o = n->out;
	char hex[ROWID_HEX_LEN];

	rowid_hex(id, hex);
	n->stamp++;
	for (int i = 0; i < NM_LINKS; i++)
		nm_link(n->names, (enum nm_link)i)->stamp = n->stamp;
	buf_put(o, table->row_prefix, table->row_prefix_len);
	put_hex(o, hex);
	if (parent_hex) {
		PUT_LIT(o, "\",\"_parent_row_id\":\"");
		put_hex(o, parent_hex);
		PUT_LIT(o, "\",\"_root_id\":\"");
		put_hex(o, root_hex);
		PUT_LIT(o, "\",\"_idx\":");
		put_u64(o, idx);
	} else {
		root_hex = hex;
		PUT_LIT(o, "\",\"_parent_row_id\":null,\"_root_id\":\"");
		put_hex(o, hex);
		PUT_LIT(o, "\",\"_idx\":null");
	}
	size_t first = n->npend;
	if (cJSON_IsObject(v))
		emit_fields(n, table, v, level);
	else
		emit_value(n, nm_field(n->names, table, NULL, "value", 5), v, level);
	PUT_LIT(o, "}\n");
	n->rows++;

	size_t last = n->npend;
	for (size_t i = first; i < last; i++) {
		pending p = n->pend[i]; /* n->pend may move while the children are written */
		nm_node *child = nm_child_table(n->names, table, p.field);
		uint64_t k = 0;
		for (const cJSON *e = p.array->child; e; e = e->next, k++) {
			rowid cid = rowid_child(id, p.field->path_hash, k, p.occurrence);
			emit_row(n, child, e, &cid, hex, root_hex, k, p.level);
		}
	}
	n->npend = first;
}

static void emit_raw(normalizer *n, const rowid *id, const char *text, size_t len)
{
	buf *o = n->out;
	char hex[ROWID_HEX_LEN];

	rowid_hex(id, hex);
	buf_put(o, n->raw_prefix.data, n->raw_prefix.len);
	put_hex(o, hex);
	PUT_LIT(o, "\",\"_parent_row_id\":null,\"_root_id\":\"");
	put_hex(o, hex);
	PUT_LIT(o, "\",\"_idx\":null,\"raw\":");
	buf_json_string(o, text, len);
	PUT_LIT(o, "}\n");
	n->rows++;
}

size_t normalize_record(normalizer *n, const cJSON *rec, const char *text, size_t len, buf *out,
			const char **reason)
{
	rowid id;

	if (!cJSON_IsObject(rec)) {
		*reason = "not a JSON object";
		return 0;
	}
	if (!key_root_id(&n->o.key, n->root, rec, &n->id_in, &n->work, &id, reason))
		return 0;
	if (nm_cache_bytes(n->names) > NAME_CACHE_LIMIT)
		nm_cache_clear(n->names);
	n->out = out;
	n->rows = 0;
	emit_row(n, nm_table(n->names, n->root), rec, &id, NULL, NULL, 0, 0);
	if (n->o.raw)
		emit_raw(n, &id, text, len);
	return n->rows;
}
