#include "schema.h"
#include "buf.h"
#include "warehouse.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool coltype_of(const cJSON *v, coltype *out)
{
	if (cJSON_IsNull(v))
		*out = CT_NULL;
	else if (cJSON_IsBool(v))
		*out = CT_BOOL;
	else if (cJSON_IsString(v))
		*out = CT_STRING;
	else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d))
			return false;
		/* 2^63 is exactly representable; anything below it with no fraction fits. */
		*out = (d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
			? CT_INT : CT_DOUBLE;
	} else
		*out = CT_JSON;
	return true;
}

coltype coltype_join(coltype a, coltype b)
{
	if (a == b || b == CT_NULL)
		return a;
	if (a == CT_NULL)
		return b;
	if (a == CT_FOREIGN || b == CT_FOREIGN)
		return CT_FOREIGN;
	if ((a == CT_INT && b == CT_DOUBLE) || (a == CT_DOUBLE && b == CT_INT))
		return CT_DOUBLE;
	return CT_STRING;
}

const char *coltype_duckdb(coltype t)
{
	switch (t) {
	case CT_BOOL: return "BOOLEAN";
	case CT_INT: return "BIGINT";
	case CT_DOUBLE: return "DOUBLE";
	case CT_JSON: return "JSON";
	default: return "VARCHAR";
	}
}

const char *coltype_bigquery(coltype t)
{
	switch (t) {
	case CT_BOOL: return "BOOLEAN";
	case CT_INT: return "INTEGER";
	case CT_DOUBLE: return "FLOAT";
	case CT_JSON: return "JSON";
	default: return "STRING";
	}
}

coltype coltype_from_duckdb(const char *n)
{
	if (!strcmp(n, "BOOLEAN")) return CT_BOOL;
	if (!strcmp(n, "BIGINT")) return CT_INT;
	if (!strcmp(n, "DOUBLE")) return CT_DOUBLE;
	if (!strcmp(n, "VARCHAR")) return CT_STRING;
	if (!strcmp(n, "JSON")) return CT_JSON;
	return CT_FOREIGN;
}

coltype coltype_from_bigquery(const char *n)
{
	if (!strcasecmp(n, "BOOLEAN") || !strcasecmp(n, "BOOL")) return CT_BOOL;
	if (!strcasecmp(n, "INTEGER") || !strcasecmp(n, "INT64")) return CT_INT;
	if (!strcasecmp(n, "FLOAT") || !strcasecmp(n, "FLOAT64")) return CT_DOUBLE;
	if (!strcasecmp(n, "STRING")) return CT_STRING;
	if (!strcasecmp(n, "JSON")) return CT_JSON;
	return CT_FOREIGN;
}

bool column_name_ok(const char *name) { return wh_ident_ok(name, 300); }
bool table_name_ok(const char *name) { return wh_ident_ok(name, 1024); }

void schema_init(schema *s)
{
	memset(s, 0, sizeof *s);
	s->first = -1;
}

void schema_free(schema *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->cols[i].name);
		free(s->cols[i].foreign);
	}
	free(s->cols);
	free(s->slots);
	schema_init(s);
}

/* FNV-1a over the lower-cased name: names that differ only by case share a
 * chain, which is how case clashes are found. */
static size_t name_hash(const char *name)
{
	size_t h = 1469598103934665603ULL;
	for (; *name; name++)
		h = (h ^ (unsigned char)tolower((unsigned char)*name)) * 1099511628211ULL;
	return h;
}

static void rehash(schema *s)
{
	free(s->slots);
	s->nslots = s->nslots ? s->nslots * 2 : 64;
	s->slots = xmalloc(s->nslots * sizeof *s->slots);
	memset(s->slots, 0xff, s->nslots * sizeof *s->slots);
	for (size_t i = 0; i < s->n; i++) {
		size_t k = name_hash(s->cols[i].name) & (s->nslots - 1);
		while (s->slots[k] >= 0)
			k = (k + 1) & (s->nslots - 1);
		s->slots[k] = (int)i;
	}
}

int schema_find(const schema *s, const char *name, int *case_clash)
{
	if (case_clash)
		*case_clash = -1;
	if (!s->nslots)
		return -1;
	for (size_t k = name_hash(name) & (s->nslots - 1); s->slots[k] >= 0; k = (k + 1) & (s->nslots - 1)) {
		const char *c = s->cols[s->slots[k]].name;
		if (!strcmp(c, name))
			return s->slots[k];
		if (case_clash && !strcasecmp(c, name))
			*case_clash = s->slots[k];
	}
	return -1;
}

int schema_find_next(schema *s, int prev, const char *name, int *case_clash)
{
	int guess = prev < 0 ? s->first : s->cols[prev].next;
	int i;
	if (guess >= 0 && !strcmp(s->cols[guess].name, name)) {
		if (case_clash)
			*case_clash = -1;
		i = guess;
	} else {
		i = schema_find(s, name, case_clash);
		if (i >= 0) {
			if (prev < 0)
				s->first = i;
			else
				s->cols[prev].next = i;
		}
	}
	return i;
}

int schema_add(schema *s, const char *name, coltype t, const char *foreign)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->cols = xrealloc(s->cols, s->cap * sizeof *s->cols);
	}
	column *c = &s->cols[s->n];
	c->name = xstrdup(name);
	c->type = t;
	c->foreign = foreign ? xstrdup(foreign) : NULL;
	c->row_stamp = 0;
	c->next = -1;
	c->cased = false;
	s->n++;
	if ((s->n) * 2 > s->nslots)
		rehash(s);
	else {
		size_t k = name_hash(name) & (s->nslots - 1);
		while (s->slots[k] >= 0)
			k = (k + 1) & (s->nslots - 1);
		s->slots[k] = (int)(s->n - 1);
	}
	return (int)(s->n - 1);
}
