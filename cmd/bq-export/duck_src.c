/* Rows out of DuckDB: the statement runs as a streaming result and is read
 * chunk by chunk (duckdb_fetch_chunk), each value rendered from the vector
 * by a plan made once per column from its logical type, so memory holds one
 * chunk (2048 rows) at a time whatever the result's size. */
#include "duck.h"
#include "exitcode.h"
#include "export.h"
#include "log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct plan plan;
struct plan {
	duckdb_type id;
	duckdb_type internal;      /* DECIMAL and ENUM storage */
	uint8_t scale;             /* DECIMAL */
	bool json;                 /* VARCHAR aliased JSON: written as it is */
	idx_t array_size;          /* ARRAY */
	size_t n;                  /* children (STRUCT fields; LIST/ARRAY/MAP: 1) */
	plan *child;
	char **keys;               /* STRUCT: "\"name\":" per field */
	char **enums;              /* ENUM: each value as a JSON string */
	size_t nenums;
};

static const char *type_name(duckdb_type id)
{
	switch (id) {
	case DUCKDB_TYPE_UNION: return "UNION";
	case DUCKDB_TYPE_BIT: return "BIT";
	case DUCKDB_TYPE_BIGNUM: return "BIGNUM";
	case DUCKDB_TYPE_GEOMETRY: return "GEOMETRY";
	case DUCKDB_TYPE_VARIANT: return "VARIANT";
	default: return "an unknown type";
	}
}

static void json_key(buf *b, const char *name)
{
	buf_json_string(b, name, strlen(name));
	buf_putc(b, ':');
}

/* Fills p from t; returns the name of a type it cannot render, or NULL. */
static const char *plan_make(plan *p, duckdb_logical_type t)
{
	memset(p, 0, sizeof *p);
	p->id = duckdb_get_type_id(t);
	const char *bad = NULL;
	switch (p->id) {
	case DUCKDB_TYPE_BOOLEAN: case DUCKDB_TYPE_TINYINT: case DUCKDB_TYPE_SMALLINT: case DUCKDB_TYPE_INTEGER:
	case DUCKDB_TYPE_BIGINT: case DUCKDB_TYPE_UTINYINT: case DUCKDB_TYPE_USMALLINT: case DUCKDB_TYPE_UINTEGER:
	case DUCKDB_TYPE_UBIGINT: case DUCKDB_TYPE_HUGEINT: case DUCKDB_TYPE_UHUGEINT: case DUCKDB_TYPE_FLOAT:
	case DUCKDB_TYPE_DOUBLE: case DUCKDB_TYPE_TIMESTAMP: case DUCKDB_TYPE_TIMESTAMP_S: case DUCKDB_TYPE_TIMESTAMP_MS:
	case DUCKDB_TYPE_TIMESTAMP_NS: case DUCKDB_TYPE_TIMESTAMP_TZ: case DUCKDB_TYPE_DATE: case DUCKDB_TYPE_TIME:
	case DUCKDB_TYPE_TIME_TZ: case DUCKDB_TYPE_INTERVAL: case DUCKDB_TYPE_BLOB: case DUCKDB_TYPE_UUID:
	case DUCKDB_TYPE_SQLNULL:
		break;
	case DUCKDB_TYPE_VARCHAR: {
		char *alias = duckdb_logical_type_get_alias(t);
		p->json = alias && !strcmp(alias, "JSON");
		duckdb_free(alias);
		break;
	}
	case DUCKDB_TYPE_DECIMAL:
		p->internal = duckdb_decimal_internal_type(t);
		p->scale = duckdb_decimal_scale(t);
		break;
	case DUCKDB_TYPE_ENUM: {
		p->internal = duckdb_enum_internal_type(t);
		p->nenums = duckdb_enum_dictionary_size(t);
		p->enums = xcalloc(p->nenums ? p->nenums : 1, sizeof *p->enums);
		for (size_t i = 0; i < p->nenums; i++) {
			char *v = duckdb_enum_dictionary_value(t, i);
			buf b = { 0 };
			buf_json_string(&b, v, strlen(v));
			p->enums[i] = (char *)buf_cstr(&b);
			duckdb_free(v);
		}
		break;
	}
	case DUCKDB_TYPE_LIST: case DUCKDB_TYPE_ARRAY: case DUCKDB_TYPE_MAP: {
		duckdb_logical_type c = p->id == DUCKDB_TYPE_LIST ? duckdb_list_type_child_type(t)
				       : p->id == DUCKDB_TYPE_ARRAY ? duckdb_array_type_child_type(t)
				       : NULL;
		if (p->id == DUCKDB_TYPE_ARRAY)
			p->array_size = duckdb_array_type_array_size(t);
		if (p->id == DUCKDB_TYPE_MAP) {
			/* A MAP is a LIST of STRUCT(key, value). */
			p->n = 2;
			p->child = xcalloc(2, sizeof *p->child);
			duckdb_logical_type k = duckdb_map_type_key_type(t), v = duckdb_map_type_value_type(t);
			bad = plan_make(&p->child[0], k);
			if (!bad)
				bad = plan_make(&p->child[1], v);
			duckdb_destroy_logical_type(&k);
			duckdb_destroy_logical_type(&v);
			break;
		}
		p->n = 1;
		p->child = xcalloc(1, sizeof *p->child);
		bad = plan_make(p->child, c);
		duckdb_destroy_logical_type(&c);
		break;
	}
	case DUCKDB_TYPE_STRUCT:
		p->n = duckdb_struct_type_child_count(t);
		p->child = xcalloc(p->n ? p->n : 1, sizeof *p->child);
		p->keys = xcalloc(p->n ? p->n : 1, sizeof *p->keys);
		for (size_t i = 0; i < p->n && !bad; i++) {
			char *name = duckdb_struct_type_child_name(t, i);
			buf b = { 0 };
			json_key(&b, name);
			p->keys[i] = (char *)buf_cstr(&b);
			duckdb_free(name);
			duckdb_logical_type c = duckdb_struct_type_child_type(t, i);
			bad = plan_make(&p->child[i], c);
			duckdb_destroy_logical_type(&c);
		}
		break;
	default:
		bad = type_name(p->id);
	}
	return bad;
}

static void plan_free(plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		plan_free(&p->child[i]);
		if (p->keys)
			free(p->keys[i]);
	}
	for (size_t i = 0; i < p->nenums; i++)
		free(p->enums[i]);
	free(p->child);
	free(p->keys);
	free(p->enums);
}

static void put_u128(buf *b, unsigned __int128 v)
{
	char d[48];
	int n = 0;
	do {
		d[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	while (n)
		buf_putc(b, d[--n]);
}

static void put_i128(buf *b, __int128 v)
{
	if (v < 0) {
		buf_putc(b, '-');
		put_u128(b, (unsigned __int128)(-(v + 1)) + 1);
	} else
		put_u128(b, (unsigned __int128)v);
}

static __int128 hugeint(duckdb_hugeint h)
{
	return (__int128)((unsigned __int128)(uint64_t)h.upper << 64 | h.lower);
}

/* A scaled integer as an exact decimal number: 12345, scale 2 -> 123.45. */
static void put_decimal(buf *b, __int128 v, unsigned scale)
{
	if (!scale) {
		put_i128(b, v);
		return;
	}
	if (v < 0)
		buf_putc(b, '-');
	unsigned __int128 u = v < 0 ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v, p = 1;
	for (unsigned i = 0; i < scale; i++)
		p *= 10;
	put_u128(b, u / p);
	buf_putc(b, '.');
	char f[48];
	unsigned __int128 r = u % p;
	for (int i = (int)scale - 1; i >= 0; i--) {
		f[i] = (char)('0' + (int)(r % 10));
		r /= 10;
	}
	buf_put(b, f, scale);
}

static void put_float(buf *b, float f)
{
	if (!isfinite(f)) {
		buf_puts(b, "null");
		return;
	}
	char s[32];
	for (int prec = 6; prec <= 9; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, (double)f);
		if (strtof(s, NULL) == f)
			break;
	}
	/* The shortest text that reads back as f, in JSON's number syntax. */
	double d = strtod(s, NULL);
	buf_put_double(b, d);
}

static void put_uuid(buf *b, duckdb_hugeint h)
{
	uint64_t hi = (uint64_t)h.upper ^ (1ULL << 63), lo = h.lower;
	buf_printf(b, "\"%08llx-%04llx-%04llx-%04llx-%012llx\"", (unsigned long long)(hi >> 32),
		   (unsigned long long)(hi >> 16 & 0xffff), (unsigned long long)(hi & 0xffff),
		   (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xffffffffffffULL));
}

/* ISO 8601 duration: P1M2DT3.5S. */
static void put_interval(buf *b, duckdb_interval iv)
{
	buf_puts(b, "\"P");
	if (iv.months)
		buf_printf(b, "%dM", iv.months);
	if (iv.days)
		buf_printf(b, "%dD", iv.days);
	if (iv.micros || (!iv.months && !iv.days)) {
		buf_printf(b, "T%lld", (long long)(iv.micros / 1000000));
		long long f = llabs((long long)(iv.micros % 1000000));
		if (f)
			buf_printf(b, ".%06lld", f);
		buf_putc(b, 'S');
	}
	buf_putc(b, '"');
}

typedef struct {
	bool numeric;              /* the value orders as key */
	double key;
} wm_hint;

static void put_value(buf *b, const plan *p, duckdb_vector v, idx_t row, wm_hint *h);

static void put_list(buf *b, const plan *p, duckdb_vector child, idx_t off, idx_t len)
{
	buf_putc(b, '[');
	for (idx_t i = 0; i < len; i++) {
		if (i)
			buf_putc(b, ',');
		put_value(b, p, child, off + i, NULL);
	}
	buf_putc(b, ']');
}

static void put_value(buf *b, const plan *p, duckdb_vector v, idx_t row, wm_hint *h)
{
	uint64_t *valid = duckdb_vector_get_validity(v);
	if ((valid && !duckdb_validity_row_is_valid(valid, row)) || p->id == DUCKDB_TYPE_SQLNULL) {
		buf_puts(b, "null");
		return;
	}
	void *d = duckdb_vector_get_data(v);
	double key = 0;
	bool numeric = true;
	switch (p->id) {
	case DUCKDB_TYPE_BOOLEAN: buf_puts(b, ((bool *)d)[row] ? "true" : "false"); numeric = false; break;
	case DUCKDB_TYPE_TINYINT: key = ((int8_t *)d)[row]; buf_put_i64(b, ((int8_t *)d)[row]); break;
	case DUCKDB_TYPE_SMALLINT: key = ((int16_t *)d)[row]; buf_put_i64(b, ((int16_t *)d)[row]); break;
	case DUCKDB_TYPE_INTEGER: key = ((int32_t *)d)[row]; buf_put_i64(b, ((int32_t *)d)[row]); break;
	case DUCKDB_TYPE_BIGINT: key = (double)((int64_t *)d)[row]; buf_put_i64(b, ((int64_t *)d)[row]); break;
	case DUCKDB_TYPE_UTINYINT: key = ((uint8_t *)d)[row]; buf_put_i64(b, ((uint8_t *)d)[row]); break;
	case DUCKDB_TYPE_USMALLINT: key = ((uint16_t *)d)[row]; buf_put_i64(b, ((uint16_t *)d)[row]); break;
	case DUCKDB_TYPE_UINTEGER: key = ((uint32_t *)d)[row]; buf_put_i64(b, ((uint32_t *)d)[row]); break;
	case DUCKDB_TYPE_UBIGINT: key = (double)((uint64_t *)d)[row]; put_u128(b, ((uint64_t *)d)[row]); break;
	case DUCKDB_TYPE_HUGEINT: {
		__int128 x = hugeint(((duckdb_hugeint *)d)[row]);
		key = (double)x;
		put_i128(b, x);
		break;
	}
	case DUCKDB_TYPE_UHUGEINT: {
		duckdb_uhugeint u = ((duckdb_uhugeint *)d)[row];
		unsigned __int128 x = (unsigned __int128)u.upper << 64 | u.lower;
		key = (double)x;
		put_u128(b, x);
		break;
	}
	case DUCKDB_TYPE_FLOAT: key = ((float *)d)[row]; put_float(b, ((float *)d)[row]); numeric = isfinite(key); break;
	case DUCKDB_TYPE_DOUBLE:
		key = ((double *)d)[row];
		numeric = isfinite(key);
		if (numeric)
			buf_put_double(b, key);
		else
			buf_puts(b, "null");
		break;
	case DUCKDB_TYPE_DECIMAL: {
		__int128 x = p->internal == DUCKDB_TYPE_SMALLINT ? ((int16_t *)d)[row]
			   : p->internal == DUCKDB_TYPE_INTEGER ? ((int32_t *)d)[row]
			   : p->internal == DUCKDB_TYPE_BIGINT ? ((int64_t *)d)[row]
			   : hugeint(((duckdb_hugeint *)d)[row]);
		key = (double)x / pow(10, p->scale);
		put_decimal(b, x, p->scale);
		break;
	}
	case DUCKDB_TYPE_TIMESTAMP: case DUCKDB_TYPE_TIMESTAMP_TZ:
		key = (double)((int64_t *)d)[row];
		put_timestamp_us(b, ((int64_t *)d)[row]);
		break;
	case DUCKDB_TYPE_TIMESTAMP_S: key = (double)((int64_t *)d)[row] * 1e6; put_timestamp_us(b, ((int64_t *)d)[row] * 1000000); break;
	case DUCKDB_TYPE_TIMESTAMP_MS: key = (double)((int64_t *)d)[row] * 1e3; put_timestamp_us(b, ((int64_t *)d)[row] * 1000); break;
	case DUCKDB_TYPE_TIMESTAMP_NS: key = (double)((int64_t *)d)[row] / 1e3; put_timestamp_us(b, ((int64_t *)d)[row] / 1000); break;
	case DUCKDB_TYPE_DATE: key = ((int32_t *)d)[row]; put_date_days(b, ((int32_t *)d)[row]); break;
	case DUCKDB_TYPE_TIME: key = (double)((int64_t *)d)[row]; put_time_us(b, ((int64_t *)d)[row]); break;
	case DUCKDB_TYPE_TIME_TZ: {
		duckdb_time_tz_struct t = duckdb_from_time_tz(((duckdb_time_tz *)d)[row]);
		buf_printf(b, "\"%02d:%02d:%02d", t.time.hour, t.time.min, t.time.sec);
		if (t.time.micros)
			buf_printf(b, ".%06d", t.time.micros);
		int off = t.offset < 0 ? -t.offset : t.offset;
		buf_printf(b, "%c%02d:%02d\"", t.offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
		numeric = false;
		break;
	}
	case DUCKDB_TYPE_INTERVAL: put_interval(b, ((duckdb_interval *)d)[row]); numeric = false; break;
	case DUCKDB_TYPE_UUID: put_uuid(b, ((duckdb_hugeint *)d)[row]); numeric = false; break;
	case DUCKDB_TYPE_VARCHAR: case DUCKDB_TYPE_BLOB: {
		duckdb_string_t *s = &((duckdb_string_t *)d)[row];
		const char *text = duckdb_string_t_data(s);
		uint32_t len = duckdb_string_t_length(*s);
		if (p->id == DUCKDB_TYPE_BLOB)
			put_base64(b, text, len);
		else if (p->json)
			buf_put(b, text, len);
		else
			buf_json_string(b, text, len);
		numeric = false;
		break;
	}
	case DUCKDB_TYPE_ENUM: {
		uint64_t i = p->internal == DUCKDB_TYPE_UTINYINT ? ((uint8_t *)d)[row]
			   : p->internal == DUCKDB_TYPE_USMALLINT ? ((uint16_t *)d)[row] : ((uint32_t *)d)[row];
		buf_puts(b, i < p->nenums ? p->enums[i] : "null");
		numeric = false;
		break;
	}
	case DUCKDB_TYPE_LIST: {
		duckdb_list_entry e = ((duckdb_list_entry *)d)[row];
		put_list(b, p->child, duckdb_list_vector_get_child(v), e.offset, e.length);
		numeric = false;
		break;
	}
	case DUCKDB_TYPE_ARRAY:
		put_list(b, p->child, duckdb_array_vector_get_child(v), row * p->array_size, p->array_size);
		numeric = false;
		break;
	case DUCKDB_TYPE_MAP: {
		/* Text keys make an object; other keys a list of {"key","value"}. */
		duckdb_list_entry e = ((duckdb_list_entry *)d)[row];
		duckdb_vector kv = duckdb_list_vector_get_child(v);
		duckdb_vector kvec = duckdb_struct_vector_get_child(kv, 0), vvec = duckdb_struct_vector_get_child(kv, 1);
		bool obj = p->child[0].id == DUCKDB_TYPE_VARCHAR && !p->child[0].json;
		buf_putc(b, obj ? '{' : '[');
		for (idx_t i = 0; i < e.length; i++) {
			if (i)
				buf_putc(b, ',');
			if (!obj)
				buf_puts(b, "{\"key\":");
			put_value(b, &p->child[0], kvec, e.offset + i, NULL);
			buf_puts(b, obj ? ":" : ",\"value\":");
			put_value(b, &p->child[1], vvec, e.offset + i, NULL);
			if (!obj)
				buf_putc(b, '}');
		}
		buf_putc(b, obj ? '}' : ']');
		numeric = false;
		break;
	}
	case DUCKDB_TYPE_STRUCT:
		buf_putc(b, '{');
		for (size_t i = 0; i < p->n; i++) {
			if (i)
				buf_putc(b, ',');
			buf_puts(b, p->keys[i]);
			put_value(b, &p->child[i], duckdb_struct_vector_get_child(v, i), row, NULL);
		}
		buf_putc(b, '}');
		numeric = false;
		break;
	default:
		buf_puts(b, "null");
		numeric = false;
	}
	if (h) {
		h->numeric = numeric;
		h->key = key;
	}
}

/* Catalog errors (no such table or schema) are 69; other refusals of the
 * statement (syntax, binding, types) are the query's fault: 78. */
static int sql_failed(const char *what, const char *err)
{
	log_error(what, LS("error", err ? err : "unknown DuckDB error"));
	return err && !strncmp(err, "Catalog Error", 13) ? VP_EXIT_UNAVAILABLE : VP_EXIT_CONFIG;
}

static int stream(const options *o, duckdb_connection con, const char *sql, sink *s)
{
	duckdb_prepared_statement st = NULL;
	duckdb_pending_result pend = NULL;
	duckdb_result res;
	int rc = VP_EXIT_OK;
	if (duckdb_prepare(con, sql, &st) != DuckDBSuccess) {
		rc = sql_failed("DuckDB refused the statement", duckdb_prepare_error(st));
		duckdb_destroy_prepare(&st);
		return rc;
	}
	if (duckdb_pending_prepared_streaming(st, &pend) != DuckDBSuccess) {
		rc = sql_failed("DuckDB cannot run the statement", duckdb_pending_error(pend));
		duckdb_destroy_pending(&pend);
		duckdb_destroy_prepare(&st);
		return rc;
	}
	if (duckdb_execute_pending(pend, &res) != DuckDBSuccess) {
		rc = sql_failed("the statement failed", duckdb_result_error(&res));
		duckdb_destroy_result(&res);
		duckdb_destroy_pending(&pend);
		duckdb_destroy_prepare(&st);
		return rc;
	}
	idx_t ncol = duckdb_column_count(&res);
	plan *plans = xcalloc(ncol ? ncol : 1, sizeof *plans);
	char **keys = xcalloc(ncol ? ncol : 1, sizeof *keys);
	size_t *keylen = xcalloc(ncol ? ncol : 1, sizeof *keylen);
	for (idx_t i = 0; i < ncol; i++) {
		const char *name = duckdb_column_name(&res, i);
		buf k = { 0 };
		json_key(&k, name);
		keylen[i] = k.len;
		keys[i] = (char *)buf_cstr(&k);
		if (o->since_col && !strcmp(name, o->since_col))
			s->wm_col = (int)i;
		duckdb_logical_type t = duckdb_column_logical_type(&res, i);
		const char *bad = plan_make(&plans[i], t);
		duckdb_destroy_logical_type(&t);
		if (bad && rc == VP_EXIT_OK) {
			log_error("a column's type has no JSON form here: cast it in --query (to VARCHAR, say)",
				  LS("column", name), LS("type", bad));
			rc = VP_EXIT_CONFIG;
		}
	}
	duckdb_data_chunk chunk;
	while (rc == VP_EXIT_OK && (chunk = duckdb_fetch_chunk(res))) {
		idx_t n = duckdb_data_chunk_get_size(chunk);
		duckdb_vector vecs[ncol ? ncol : 1];
		for (idx_t c = 0; c < ncol; c++)
			vecs[c] = duckdb_data_chunk_get_vector(chunk, c);
		for (idx_t r = 0; r < n; r++) {
			buf *b = sink_row_begin(s);
			for (idx_t c = 0; c < ncol; c++) {
				if (c)
					buf_putc(b, ',');
				buf_put(b, keys[c], keylen[c]);
				size_t at = b->len;
				if ((int)c != s->wm_col) {
					put_value(b, &plans[c], vecs[c], r, NULL);
					continue;
				}
				wm_hint h = { 0 };
				put_value(b, &plans[c], vecs[c], r, &h);
				if (b->len - at == 4 && !memcmp(b->data + at, "null", 4))
					continue;
				if (h.numeric)
					wm_offer_num(&s->wm, h.key, b->data + at, b->len - at);
				else
					wm_offer_text(&s->wm, b->data + at, b->len - at);
			}
			sink_row_end(s);
		}
		duckdb_destroy_data_chunk(&chunk);
	}
	const char *err = duckdb_result_error(&res);
	if (rc == VP_EXIT_OK && err)
		rc = sql_failed("the statement failed while its rows were read", err);
	for (idx_t i = 0; i < ncol; i++) {
		plan_free(&plans[i]);
		free(keys[i]);
	}
	free(plans);
	free(keys);
	free(keylen);
	duckdb_destroy_result(&res);
	duckdb_destroy_pending(&pend);
	duckdb_destroy_prepare(&st);
	return rc;
}

int duck_export(const options *o, const char *literal, sink *s)
{
	duckdb_database db;
	duckdb_connection con;
	int rc = duck_open(o->wh.duck_path, true, o->lock_timeout, &db, &con);
	if (rc != VP_EXIT_OK)
		return rc;
	buf sql = { 0 };
	export_sql(&sql, o, literal, false);
	log_debug("sql", LS("statement", buf_cstr(&sql)));
	rc = stream(o, con, buf_cstr(&sql), s);
	buf_free(&sql);
	duckdb_disconnect(&con);
	duckdb_close(&db);
	return rc;
}
