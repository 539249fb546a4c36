#include "rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- compiling a rule file ---- */

static const char *const type_names[] = { "string", "number", "integer", "boolean", "object", "array", "null" };

static bool fail(buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(buf *err, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_puts(err, tmp);
	return false;
}

static void sum_term_free(sum_term *t)
{
	vpath_free(&t->parent);
	for (size_t i = 0; i < t->nfactors; i++)
		free(t->factors[i]);
	free(t->factors);
}

static void rule_free(rule *r)
{
	free(r->name);
	vpath_free(&r->path);
	cJSON_Delete(r->values);
	if (r->pattern) {
		regfree(&r->re);
		free(r->pattern);
	}
	for (size_t i = 0; i < r->nterms; i++)
		sum_term_free(&r->terms[i]);
	free(r->terms);
}

void ruleset_free(ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->npass; i++) {
		vpath_free(&rs->pass_if[i].path);
		cJSON_Delete(rs->pass_if[i].equals);
	}
	free(rs->pass_if);
	free(rs->entity);
	*rs = (ruleset){ 0 };
}

/* "items[].price*quantity": the objects at items[], price times quantity. */
static bool parse_term(sum_term *t, const char *text, buf *err, const char *where)
{
	char *copy = xstrdup(text), *save = NULL;
	char *first = strtok_r(copy, "*", &save);
	const char *perr;
	bool ok = false;

	*t = (sum_term){ 0 };
	if (!first || text[0] == '*' || text[strlen(text) - 1] == '*' || strstr(text, "**")) {
		fail(err, "%s: sum term '%s' is not PATH[*FIELD...]", where, text);
		goto out;
	}
	if (!vpath_parse(&t->parent, first, &perr)) {
		fail(err, "%s: sum term '%s': %s", where, text, perr);
		goto out;
	}
	vpath_seg *last = &t->parent.segs[t->parent.n - 1];
	if (last->kind != SEG_KEY) {
		fail(err, "%s: sum term '%s' must end with a field name", where, text);
		goto out;
	}
	t->factors = xmalloc(sizeof *t->factors);
	t->factors[t->nfactors++] = last->key;
	t->parent.n--;
	for (char *f = strtok_r(NULL, "*", &save); f; f = strtok_r(NULL, "*", &save)) {
		if (!*f || strpbrk(f, ".[]")) {
			fail(err, "%s: sum term '%s': a factor after '*' is a field of the same object", where, text);
			goto out;
		}
		t->factors = xrealloc(t->factors, (t->nfactors + 1) * sizeof *t->factors);
		t->factors[t->nfactors++] = xstrdup(f);
	}
	ok = true;
out:
	free(copy);
	if (!ok)
		sum_term_free(t);
	return ok;
}

static bool parse_check(rule *r, const cJSON *k, const cJSON *spec, buf *err, const char *where)
{
	const char *key = k->string;

	if (strcmp(key, "required") == 0) {
		r->kind = CK_REQUIRED;
		if (!cJSON_IsBool(k))
			return fail(err, "%s: required is true or false", where);
	} else if (strcmp(key, "type") == 0) {
		r->kind = CK_TYPE;
		const cJSON *one = k;
		bool list = cJSON_IsArray(k);
		if (list && !k->child)
			return fail(err, "%s: type is a type name or a non-empty list of them", where);
		for (one = list ? k->child : k; one; one = list ? one->next : NULL) {
			size_t i;
			if (!cJSON_IsString(one))
				return fail(err, "%s: type is a type name or a list of them", where);
			for (i = 0; i < sizeof type_names / sizeof *type_names; i++)
				if (strcmp(one->valuestring, type_names[i]) == 0)
					break;
			if (i == sizeof type_names / sizeof *type_names)
				return fail(err, "%s: unknown type '%s' (string, number, integer, boolean, object, array, null)",
					    where, one->valuestring);
			r->types |= 1u << i;
		}
	} else if (!strcmp(key, "min") || !strcmp(key, "max") || !strcmp(key, "gt") || !strcmp(key, "lt")) {
		r->kind = key[0] == 'g' ? CK_GT : key[0] == 'l' ? CK_LT : key[1] == 'i' ? CK_MIN : CK_MAX;
		if (!cJSON_IsNumber(k))
			return fail(err, "%s: %s is a number", where, key);
		r->num = k->valuedouble;
	} else if (!strcmp(key, "min_length") || !strcmp(key, "max_length")) {
		r->kind = key[1] == 'i' ? CK_MIN_LENGTH : CK_MAX_LENGTH;
		if (!cJSON_IsNumber(k) || k->valuedouble < 0 || floor(k->valuedouble) != k->valuedouble)
			return fail(err, "%s: %s is a whole number >= 0", where, key);
		r->num = k->valuedouble;
	} else if (strcmp(key, "enum") == 0) {
		r->kind = CK_ENUM;
		if (!cJSON_IsArray(k) || !k->child)
			return fail(err, "%s: enum is a non-empty list of values", where);
		for (const cJSON *v = k->child; v; v = v->next)
			if (!cJSON_IsString(v) && !cJSON_IsNumber(v) && !cJSON_IsBool(v))
				return fail(err, "%s: enum values are strings, numbers or booleans", where);
		r->values = cJSON_Duplicate(k, true);
	} else if (strcmp(key, "pattern") == 0) {
		r->kind = CK_PATTERN;
		if (!cJSON_IsString(k))
			return fail(err, "%s: pattern is a string (POSIX extended regex)", where);
		int rc = regcomp(&r->re, k->valuestring, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char msg[200];
			regerror(rc, &r->re, msg, sizeof msg);
			return fail(err, "%s: pattern: %s", where, msg);
		}
		r->pattern = xstrdup(k->valuestring);
	} else if (strcmp(key, "format") == 0) {
		r->kind = CK_FORMAT;
		if (!cJSON_IsString(k) || (r->format = format_find(k->valuestring)) == FMT_NONE)
			return fail(err, "%s: format is one of %s", where, format_names());
	} else if (strcmp(key, "sum") == 0) {
		r->kind = CK_SUM;
		bool list = cJSON_IsArray(k);
		if (!(cJSON_IsString(k) || (list && k->child)))
			return fail(err, "%s: sum is a term or a non-empty list of terms", where);
		for (const cJSON *t = list ? k->child : k; t; t = list ? t->next : NULL) {
			if (!cJSON_IsString(t))
				return fail(err, "%s: sum terms are strings", where);
			r->terms = xrealloc(r->terms, (r->nterms + 1) * sizeof *r->terms);
			if (!parse_term(&r->terms[r->nterms], t->valuestring, err, where))
				return false;
			r->nterms++;
		}
		const cJSON *tol = cJSON_GetObjectItemCaseSensitive(spec, "tolerance");
		const cJSON *rel = cJSON_GetObjectItemCaseSensitive(spec, "tolerance_rel");
		if (tol && (!cJSON_IsNumber(tol) || tol->valuedouble < 0))
			return fail(err, "%s: tolerance is a number >= 0", where);
		if (rel && (!cJSON_IsNumber(rel) || rel->valuedouble < 0))
			return fail(err, "%s: tolerance_rel is a number >= 0", where);
		r->tolerance = tol ? tol->valuedouble : 0;
		r->tolerance_rel = rel ? rel->valuedouble : 0;
	} else {
		return fail(err, "%s: unknown key '%s'", where, key);
	}
	return true;
}

static bool is_meta_key(const char *k)
{
	return !strcmp(k, "path") || !strcmp(k, "name") || !strcmp(k, "warn") || !strcmp(k, "comment") ||
	       !strcmp(k, "tolerance") || !strcmp(k, "tolerance_rel");
}

static bool parse_rule_object(ruleset *rs, const cJSON *spec, size_t idx, buf *err)
{
	char where[96];
	snprintf(where, sizeof where, "rules[%zu]", idx);
	if (!cJSON_IsObject(spec))
		return fail(err, "%s: a rule is an object", where);
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(spec, "path");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(spec, "name");
	const cJSON *warn = cJSON_GetObjectItemCaseSensitive(spec, "warn");
	const cJSON *k;
	const char *perr;
	size_t checks = 0;

	if (!cJSON_IsString(path))
		return fail(err, "%s: path (a string) is missing", where);
	if (name && (!cJSON_IsString(name) || !*name->valuestring))
		return fail(err, "%s: name is a non-empty string", where);
	if (warn && !cJSON_IsBool(warn))
		return fail(err, "%s: warn is true or false", where);
	snprintf(where, sizeof where, "rules[%zu] (%.60s)", idx, path->valuestring);
	vpath check_path;
	if (!vpath_parse(&check_path, path->valuestring, &perr))
		return fail(err, "%s: path: %s", where, perr);
	vpath_free(&check_path);
	if (cJSON_HasObjectItem(spec, "tolerance") && !cJSON_HasObjectItem(spec, "sum"))
		return fail(err, "%s: tolerance goes with sum", where);
	if (cJSON_HasObjectItem(spec, "tolerance_rel") && !cJSON_HasObjectItem(spec, "sum"))
		return fail(err, "%s: tolerance_rel goes with sum", where);

	for (k = spec->child; k; k = k->next) {
		if (is_meta_key(k->string))
			continue;
		if (cJSON_IsFalse(k) && strcmp(k->string, "required") == 0)
			continue;
		rule r = { .warn = warn && cJSON_IsTrue(warn) };
		if (!parse_check(&r, k, spec, err, where)) {
			rule_free(&r);
			return false;
		}
		vpath_parse(&r.path, path->valuestring, &perr);
		buf nm = { 0 };
		buf_printf(&nm, "%s:%s", name ? name->valuestring : path->valuestring, k->string);
		r.name = xstrdup(buf_cstr(&nm));
		buf_free(&nm);
		for (size_t i = 0; i < rs->n; i++)
			if (strcmp(rs->rules[i].name, r.name) == 0) {
				fail(err, "%s: rule '%s' is defined twice (give one a name)", where, r.name);
				rule_free(&r);
				return false;
			}
		rs->rules = xrealloc(rs->rules, (rs->n + 1) * sizeof *rs->rules);
		rs->rules[rs->n++] = r;
		checks++;
	}
	if (!checks && !cJSON_HasObjectItem(spec, "required"))
		return fail(err, "%s: no check (required, type, min, max, gt, lt, min_length, max_length, enum, "
			    "pattern, format, sum)", where);
	return true;
}

bool ruleset_parse(ruleset *rs, const char *text, size_t len, buf *err)
{
	*rs = (ruleset){ 0 };
	cJSON *doc = cJSON_ParseWithLength(text, len);
	bool ok = false;

	if (!cJSON_IsObject(doc)) {
		fail(err, "not a JSON object");
		goto out;
	}
	for (const cJSON *k = doc->child; k; k = k->next) {
		if (strcmp(k->string, "entity") == 0) {
			if (!cJSON_IsString(k)) {
				fail(err, "entity is a string");
				goto out;
			}
			free(rs->entity);
			rs->entity = xstrdup(k->valuestring);
		} else if (strcmp(k->string, "rules") == 0) {
			if (!cJSON_IsArray(k)) {
				fail(err, "rules is a list of rule objects");
				goto out;
			}
			size_t i = 0;
			for (const cJSON *r = k->child; r; r = r->next, i++)
				if (!parse_rule_object(rs, r, i, err))
					goto out;
		} else if (strcmp(k->string, "pass_if") == 0) {
			if (!cJSON_IsArray(k)) {
				fail(err, "pass_if is a list of {\"path\": ..., \"equals\": ...}");
				goto out;
			}
			for (const cJSON *c = k->child; c; c = c->next) {
				const cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "path");
				const cJSON *eq = cJSON_GetObjectItemCaseSensitive(c, "equals");
				const char *perr;
				if (!cJSON_IsString(p) || !eq || cJSON_GetArraySize(c) != 2) {
					fail(err, "pass_if: each condition is {\"path\": ..., \"equals\": ...}");
					goto out;
				}
				rs->pass_if = xrealloc(rs->pass_if, (rs->npass + 1) * sizeof *rs->pass_if);
				pass_cond *pc = &rs->pass_if[rs->npass];
				if (!vpath_parse(&pc->path, p->valuestring, &perr)) {
					fail(err, "pass_if: path: %s", perr);
					goto out;
				}
				pc->equals = cJSON_Duplicate(eq, true);
				rs->npass++;
			}
		} else if (strcmp(k->string, "comment") != 0 && strcmp(k->string, "description") != 0) {
			fail(err, "unknown key '%s' (entity, description, pass_if, rules)", k->string);
			goto out;
		}
	}
	if (!cJSON_HasObjectItem(doc, "rules")) {
		fail(err, "no rules");
		goto out;
	}
	ok = true;
out:
	cJSON_Delete(doc);
	if (!ok)
		ruleset_free(rs);
	return ok;
}

/* ---- checking a record ---- */

static void violations_clear(violations *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].where);
		free(vs->v[i].message);
	}
	vs->n = 0;
	vs->errors = 0;
	vs->passed_as_is = false;
}

void violations_free(violations *vs)
{
	violations_clear(vs);
	free(vs->v);
	*vs = (violations){ 0 };
}

bool violations_has(const violations *vs, size_t rule)
{
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i].rule == rule)
			return true;
	return false;
}

typedef struct {
	const ruleset *rs;
	const rule *r;
	size_t ri;
	const cJSON *root;
	violations *vs;
	size_t found, max;
} check_ctx;

static bool add_violation(check_ctx *c, const vpath_where *w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool add_violation(check_ctx *c, const vpath_where *w, const char *fmt, ...)
{
	violations *vs = c->vs;
	if (c->found == 0 && !c->r->warn)
		vs->errors++;
	c->found++;
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? 2 * vs->cap : 8;
		vs->v = xrealloc(vs->v, vs->cap * sizeof *vs->v);
	}
	buf b = { 0 };
	vpath_where_format(w, &b);
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	vs->v[vs->n++] = (violation){ .rule = c->ri, .where = xstrdup(buf_cstr(&b)), .message = xstrdup(msg) };
	buf_free(&b);
	return c->found < c->max;
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static unsigned type_of(const cJSON *v)
{
	switch (v->type & 0xFF) {
	case cJSON_String: return VT_STRING;
	case cJSON_Number: {
		double d = v->valuedouble;
		return VT_NUMBER | (floor(d) == d && fabs(d) <= JSON_SAFE_INT_LIMIT ? VT_INTEGER : 0);
	}
	case cJSON_True:
	case cJSON_False: return VT_BOOLEAN;
	case cJSON_Object: return VT_OBJECT;
	case cJSON_Array: return VT_ARRAY;
	case cJSON_NULL: return VT_NULL;
	}
	return 0;
}

static const char *type_word(const cJSON *v)
{
	unsigned t = type_of(v);
	return t & VT_STRING ? "a string" : t & VT_NUMBER ? "a number" : t & VT_BOOLEAN ? "a boolean" :
	       t & VT_OBJECT ? "an object" : t & VT_ARRAY ? "an array" : "null";
}

static void type_list(unsigned types, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
		if (types & (1u << i)) {
			size_t len = strlen(out);
			snprintf(out + len, n - len, "%s%s", len ? " or " : "", type_names[i]);
		}
}

static bool enum_has(const cJSON *values, const cJSON *v)
{
	for (const cJSON *e = values->child; e; e = e->next) {
		if (cJSON_IsString(e) && cJSON_IsString(v) && strcmp(e->valuestring, v->valuestring) == 0)
			return true;
		if (cJSON_IsNumber(e) && cJSON_IsNumber(v) && e->valuedouble == v->valuedouble)
			return true;
		if (cJSON_IsBool(e) && cJSON_IsBool(v) && cJSON_IsTrue(e) == cJSON_IsTrue(v))
			return true;
	}
	return false;
}

/* A short, printable rendering of an enum value for the message (codes such
 * as a status, never free text: cut at 40 bytes, controls and quotes out). */
static void short_value(const cJSON *v, char *out, size_t n)
{
	if (cJSON_IsString(v)) {
		size_t j = 0;
		out[j++] = '\'';
		for (const char *s = v->valuestring; *s && j + 5 < n && j < 42; s++)
			out[j++] = ((unsigned char)*s < ' ' || *s == '\'' || *s == '"' || *s == '\\') ? '?' : *s;
		out[j++] = '\'';
		out[j] = '\0';
	} else if (cJSON_IsNumber(v)) {
		snprintf(out, n, "%.15g", v->valuedouble);
	} else {
		snprintf(out, n, "%s", type_word(v));
	}
}

typedef struct {
	const sum_term *t;
	double total;
	bool complete;
} term_ctx;

static bool add_term(const cJSON *v, const vpath_where *w, void *ctx)
{
	(void)w;
	term_ctx *tc = ctx;
	double prod = 1;
	if (!cJSON_IsObject(v)) {
		tc->complete = false;
		return false;
	}
	for (size_t i = 0; i < tc->t->nfactors; i++) {
		const cJSON *f = NULL;
		for (const cJSON *c = v->child; c; c = c->next)
			if (c->string && strcmp(c->string, tc->t->factors[i]) == 0) {
				f = c;
				break;
			}
		if (!cJSON_IsNumber(f)) {
			tc->complete = false;
			return false;
		}
		prod *= f->valuedouble;
	}
	tc->total += prod;
	return true;
}

static bool visit(const cJSON *v, const vpath_where *w, void *ctx)
{
	check_ctx *c = ctx;
	const rule *r = c->r;
	char a[64], b[160];

	if (r->kind == CK_REQUIRED) {
		if (!v)
			return add_violation(c, w, "missing");
		if (cJSON_IsNull(v))
			return add_violation(c, w, "is null");
		return true;
	}
	if (r->kind == CK_TYPE) {
		if (!(type_of(v) & r->types)) {
			type_list(r->types, b, sizeof b);
			return add_violation(c, w, "is %s, not %s", type_word(v), b);
		}
		return true;
	}
	if (cJSON_IsNull(v))
		return true;
	switch (r->kind) {
	case CK_MIN:
	case CK_MAX:
	case CK_GT:
	case CK_LT: {
		if (!cJSON_IsNumber(v))
			return true;
		double d = v->valuedouble, lim = r->num;
		bool ok = r->kind == CK_MIN ? d >= lim : r->kind == CK_MAX ? d <= lim : r->kind == CK_GT ? d > lim : d < lim;
		if (!ok) {
			const char *op = r->kind == CK_MIN ? "below the minimum" : r->kind == CK_MAX ? "above the maximum" :
					 r->kind == CK_GT ? "not above" : "not below";
			return add_violation(c, w, "is %.15g, %s %.15g", d, op, lim);
		}
		return true;
	}
	case CK_MIN_LENGTH:
	case CK_MAX_LENGTH: {
		double n;
		if (cJSON_IsString(v))
			n = (double)utf8_length(v->valuestring);
		else if (cJSON_IsArray(v) || cJSON_IsObject(v))
			n = cJSON_GetArraySize(v);
		else
			return true;
		if (r->kind == CK_MIN_LENGTH ? n < r->num : n > r->num)
			return add_violation(c, w, "has length %.0f, %s %.0f", n,
					     r->kind == CK_MIN_LENGTH ? "below the minimum" : "above the maximum", r->num);
		return true;
	}
	case CK_ENUM:
		if (!enum_has(r->values, v)) {
			short_value(v, a, sizeof a);
			return add_violation(c, w, "%s is not an allowed value", a);
		}
		return true;
	case CK_PATTERN:
		if (!cJSON_IsString(v))
			return add_violation(c, w, "is %s, not a string", type_word(v));
		if (regexec(&r->re, v->valuestring, 0, NULL, 0) != 0)
			return add_violation(c, w, "does not match /%.100s/", r->pattern);
		return true;
	case CK_FORMAT:
		if (!format_check(r->format, v))
			return add_violation(c, w, "is not a valid %s", format_name(r->format));
		return true;
	case CK_SUM: {
		if (!cJSON_IsNumber(v))
			return true;
		double sum = 0;
		for (size_t i = 0; i < r->nterms; i++) {
			term_ctx tc = { .t = &r->terms[i], .complete = true };
			vpath_walk(c->root, &r->terms[i].parent, false, add_term, &tc);
			if (!tc.complete)
				return true; /* a term without its numbers: the rules on those fields say so */
			sum += tc.total;
		}
		double tol = r->tolerance, rel = r->tolerance_rel * fabs(sum);
		if (rel > tol)
			tol = rel;
		if (fabs(v->valuedouble - sum) > tol + 1e-9)
			return add_violation(c, w, "is %.15g, but the sum is %.15g (tolerance %.15g)", v->valuedouble, sum, tol);
		return true;
	}
	default:
		return true;
	}
}

static bool json_equal(const cJSON *a, const cJSON *b)
{
	return a && b && cJSON_Compare(a, b, true);
}

static bool pass_visit(const cJSON *v, const vpath_where *w, void *ctx)
{
	(void)w;
	const pass_cond *pc = ctx;
	/* Stop (return false) on a match. */
	return !json_equal(v, pc->equals);
}

void ruleset_check(const ruleset *rs, const cJSON *rec, violations *vs, size_t max_per_rule)
{
	violations_clear(vs);
	for (size_t i = 0; i < rs->npass; i++)
		if (!vpath_walk(rec, &rs->pass_if[i].path, false, pass_visit, &rs->pass_if[i])) {
			vs->passed_as_is = true;
			return;
		}
	for (size_t i = 0; i < rs->n; i++) {
		check_ctx c = { .rs = rs, .r = &rs->rules[i], .ri = i, .root = rec, .vs = vs,
				.max = max_per_rule ? max_per_rule : 1 };
		vpath_walk(rec, &rs->rules[i].path, rs->rules[i].kind == CK_REQUIRED, visit, &c);
	}
}
