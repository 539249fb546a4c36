#include "mdquery.h"
#include "buf.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum op { OP_AND, OP_OR, OP_EQ, OP_NE, OP_GT, OP_LT, OP_GE, OP_LE, OP_BETWEEN, OP_IS_NULL, OP_NOT_NULL };

struct md_expr {
	enum op op;
	md_expr *l, *r;  /* AND / OR */
	int field;
	char *a, *b;     /* values as written */
	vtime_t ta, tb;  /* the values as instants, for date fields */
};

static bool is_date_field(int f)
{
	return f == CLF_CREATED_IN || f == CLF_UPDATED_IN || f == CLF_LAST_INTERACTION_IN;
}

void md_doc_init(md_doc *d, const store *s, uint32_t idx)
{
	d->s = s;
	d->idx = idx;
	d->have_info = false;
}

static struct cl_value md_doc_field(md_doc *d, enum cl_field f)
{
	struct cl_value v = { .kind = CV_DATE };
	if (is_date_field(f)) { /* without generating the document */
		client_rec *cr = store_client(d->s, d->idx);
		v.t = f == CLF_CREATED_IN ? cr->created_in
		    : f == CLF_UPDATED_IN ? atomic_load_explicit(&cr->updated_in, memory_order_relaxed)
					  : atomic_load_explicit(&cr->last_interaction, memory_order_relaxed);
		if (!v.t)
			v.kind = CV_NULL;
		return v;
	}
	if (!d->have_info) {
		client_info(d->s, d->idx, &d->info);
		d->have_info = true;
	}
	return client_field(&d->info, f);
}

struct parser {
	const char *p;
	char *err;
	size_t errn;
};

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

/* Consumes the keyword kw (case-insensitive) when it stands alone. */
static bool keyword(struct parser *ps, const char *kw)
{
	size_t n = strlen(kw);
	skip_ws(ps);
	if (strncasecmp(ps->p, kw, n) != 0 || isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_')
		return false;
	ps->p += n;
	return true;
}

static md_expr *fail(struct parser *ps, const char *fmt, const char *what)
{
	snprintf(ps->err, ps->errn, fmt, what);
	return NULL;
}

/* A value: 'quoted', "quoted", or a bare run up to a space or ')'. */
static char *value(struct parser *ps)
{
	skip_ws(ps);
	const char *start = ps->p;
	if (*ps->p == '\'' || *ps->p == '"') {
		char q = *ps->p++;
		start = ps->p;
		while (*ps->p && *ps->p != q)
			ps->p++;
		if (!*ps->p)
			return NULL;
		char *v = xstrndup(start, (size_t)(ps->p - start));
		ps->p++;
		return v;
	}
	while (*ps->p && !isspace((unsigned char)*ps->p) && *ps->p != ')')
		ps->p++;
	return ps->p > start ? xstrndup(start, (size_t)(ps->p - start)) : NULL;
}

static md_expr *node(enum op op)
{
	md_expr *e = xcalloc(1, sizeof *e);
	e->op = op;
	return e;
}

static bool date_value(const char *v, vtime_t *t)
{
	return vtime_parse(v, strlen(v), t);
}

static md_expr *parse_or(struct parser *ps);

static md_expr *parse_comparison(struct parser *ps)
{
	skip_ws(ps);
	const char *start = ps->p;
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.')
		ps->p++;
	if (ps->p == start)
		return fail(ps, "expected a field name near '%.20s'", start);
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)(ps->p - start), start);
	int field = cl_field_lookup(name, strlen(name));
	if (field < 0)
		return fail(ps, "Field '%s' not found in data entity CL", name);

	md_expr *e;
	skip_ws(ps);
	if (keyword(ps, "between")) {
		e = node(OP_BETWEEN);
		e->a = value(ps);
		if (!e->a || !keyword(ps, "and") || !(e->b = value(ps))) {
			mdq_free(e);
			return fail(ps, "%s between needs: A AND B", name);
		}
	} else if (keyword(ps, "is")) {
		e = node(keyword(ps, "not") ? OP_NOT_NULL : OP_IS_NULL);
		if (!keyword(ps, "null")) {
			mdq_free(e);
			return fail(ps, "%s is needs: null or not null", name);
		}
	} else {
		static const struct { const char *text; enum op op; } ops[] = {
			{ "<>", OP_NE }, { "!=", OP_NE }, { ">=", OP_GE }, { "<=", OP_LE },
			{ "=", OP_EQ }, { ">", OP_GT }, { "<", OP_LT },
		};
		size_t i = 0;
		while (i < sizeof ops / sizeof *ops && strncmp(ps->p, ops[i].text, strlen(ops[i].text)) != 0)
			i++;
		if (i == sizeof ops / sizeof *ops)
			return fail(ps, "expected an operator after '%s'", name);
		ps->p += strlen(ops[i].text);
		e = node(ops[i].op);
		if (!(e->a = value(ps))) {
			mdq_free(e);
			return fail(ps, "expected a value after '%s'", name);
		}
	}
	e->field = field;
	if (is_date_field(field) && e->a &&
	    (!date_value(e->a, &e->ta) || (e->b && !date_value(e->b, &e->tb)))) {
		mdq_free(e);
		return fail(ps, "%s compares with dates such as 2024-05-01 or 2024-05-01T00:00:00Z", name);
	}
	return e;
}

static md_expr *parse_primary(struct parser *ps)
{
	skip_ws(ps);
	if (*ps->p == '(') {
		ps->p++;
		md_expr *e = parse_or(ps);
		skip_ws(ps);
		if (!e)
			return NULL;
		if (*ps->p != ')') {
			mdq_free(e);
			return fail(ps, "missing ')' near '%.20s'", ps->p);
		}
		ps->p++;
		return e;
	}
	return parse_comparison(ps);
}

static md_expr *parse_and(struct parser *ps)
{
	md_expr *l = parse_primary(ps);
	while (l && keyword(ps, "and")) {
		md_expr *r = parse_primary(ps), *e;
		if (!r) {
			mdq_free(l);
			return NULL;
		}
		e = node(OP_AND);
		e->l = l;
		e->r = r;
		l = e;
	}
	return l;
}

static md_expr *parse_or(struct parser *ps)
{
	md_expr *l = parse_and(ps);
	while (l && keyword(ps, "or")) {
		md_expr *r = parse_and(ps), *e;
		if (!r) {
			mdq_free(l);
			return NULL;
		}
		e = node(OP_OR);
		e->l = l;
		e->r = r;
		l = e;
	}
	return l;
}

md_expr *mdq_parse(const char *where, char *err, size_t errn)
{
	struct parser ps = { where, err, errn };
	md_expr *e = parse_or(&ps);
	skip_ws(&ps);
	if (e && *ps.p) {
		mdq_free(e);
		return fail(&ps, "unexpected text near '%.20s'", ps.p);
	}
	return e;
}

md_expr *mdq_and_equals(md_expr *e, const char *field, const char *v, char *err, size_t errn)
{
	int f = cl_field_lookup(field, strlen(field));
	if (f < 0) {
		snprintf(err, errn, "Field '%s' not found in data entity CL", field);
		mdq_free(e);
		return NULL;
	}
	md_expr *c = node(OP_EQ);
	c->field = f;
	c->a = xstrdup(v);
	if (is_date_field(f) && !date_value(v, &c->ta)) {
		snprintf(err, errn, "%s compares with dates", field);
		mdq_free(c);
		mdq_free(e);
		return NULL;
	}
	if (!e)
		return c;
	md_expr *and = node(OP_AND);
	and->l = e;
	and->r = c;
	return and;
}

void mdq_free(md_expr *e)
{
	if (!e)
		return;
	mdq_free(e->l);
	mdq_free(e->r);
	free(e->a);
	free(e->b);
	free(e);
}

/* Compares a document's value with a written value: <0, 0, >0; *ok false when incomparable. */
static int compare(const struct cl_value *v, const md_expr *e, const char *written, vtime_t t, bool *ok)
{
	*ok = true;
	switch (v->kind) {
	case CV_DATE: return (v->t > t) - (v->t < t);
	case CV_BOOL: {
		bool w = strcasecmp(written, "true") == 0;
		if (!w && strcasecmp(written, "false") != 0)
			break;
		return (int)v->b - (int)w;
	}
	case CV_STR:
		if (strchr(written, '*') && (e->op == OP_EQ || e->op == OP_NE))
			return fnmatch(written, v->s, FNM_CASEFOLD) == 0 ? 0 : 1;
		return strcasecmp(v->s, written);
	default: break;
	}
	*ok = false;
	return 0;
}

bool mdq_eval(const md_expr *e, md_doc *d)
{
	if (!e)
		return true;
	if (e->op == OP_AND)
		return mdq_eval(e->l, d) && mdq_eval(e->r, d);
	if (e->op == OP_OR)
		return mdq_eval(e->l, d) || mdq_eval(e->r, d);
	struct cl_value v = md_doc_field(d, (enum cl_field)e->field);
	bool is_null = v.kind == CV_NULL;
	if (e->op == OP_IS_NULL)
		return is_null;
	if (e->op == OP_NOT_NULL)
		return !is_null;
	if (is_null)
		return false;
	bool ok;
	int c = compare(&v, e, e->a, e->ta, &ok);
	if (!ok)
		return false;
	switch (e->op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_GT: return c > 0;
	case OP_LT: return c < 0;
	case OP_GE: return c >= 0;
	case OP_LE: return c <= 0;
	case OP_BETWEEN: {
		int hi = compare(&v, e, e->b, e->tb, &ok);
		return ok && c >= 0 && hi <= 0;
	}
	default: return false;
	}
}

bool mdq_parse_sort(const char *s, struct md_sort *out, char *err, size_t errn)
{
	size_t n = strcspn(s, " ");
	int f = cl_field_lookup(s, n);
	out->field = f;
	out->desc = false;
	if (f < 0) {
		snprintf(err, errn, "_sort: field '%.*s' not found in data entity CL", (int)(n > 40 ? 40 : n), s);
		return false;
	}
	const char *dir = s + n;
	while (*dir == ' ')
		dir++;
	if (!*dir || strcasecmp(dir, "asc") == 0)
		return true;
	if (strcasecmp(dir, "desc") == 0) {
		out->desc = true;
		return true;
	}
	snprintf(err, errn, "_sort: direction must be ASC or DESC");
	return false;
}

bool mdq_parse_fields(const char *s, uint32_t *mask, char *err, size_t errn)
{
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n == 4 && strncmp(s, "_all", 4) == 0) {
			*mask = CL_FIELDS_ALL;
		} else if (n) {
			int f = cl_field_lookup(s, n);
			if (f < 0) {
				snprintf(err, errn, "_fields: field '%.*s' not found in data entity CL", (int)(n > 40 ? 40 : n), s);
				return false;
			}
			*mask |= 1u << f;
		}
		s += n + (s[n] == ',');
	}
	if (!*mask)
		*mask = CL_FIELDS_DEFAULT;
	return true;
}

struct keyed {
	uint32_t idx;
	int null;
	int64_t num;
	char str[48];
};

static int cmp_keyed(const void *x, const void *y, void *desc)
{
	const struct keyed *a = x, *b = y;
	int c = a->null != b->null ? a->null - b->null : a->str[0] || b->str[0] ? strcasecmp(a->str, b->str) : (a->num > b->num) - (a->num < b->num);
	if (*(bool *)desc)
		c = -c;
	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

uint32_t *mdq_select(const store *s, const md_expr *e, const struct md_sort *sort, uint32_t *n)
{
	uint32_t total = store_nclients(s), count = 0;
	uint32_t *out = xmalloc(((size_t)total + 1) * sizeof *out);
	struct keyed *keys = sort->field >= 0 ? xmalloc(((size_t)total + 1) * sizeof *keys) : NULL;
	for (uint32_t i = 0; i < total; i++) {
		md_doc d;
		md_doc_init(&d, s, i);
		if (!mdq_eval(e, &d))
			continue;
		if (keys) {
			struct cl_value v = md_doc_field(&d, (enum cl_field)sort->field);
			struct keyed *k = &keys[count];
			k->idx = i;
			k->null = v.kind == CV_NULL;
			k->num = v.kind == CV_DATE ? v.t : v.kind == CV_BOOL ? v.b : 0;
			snprintf(k->str, sizeof k->str, "%s", v.kind == CV_STR ? v.s : "");
		}
		out[count++] = i;
	}
	if (keys) {
		bool desc = sort->desc;
		qsort_r(keys, count, sizeof *keys, cmp_keyed, &desc);
		for (uint32_t i = 0; i < count; i++)
			out[i] = keys[i].idx;
		free(keys);
	}
	*n = count;
	return out;
}
