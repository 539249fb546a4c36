#include "warehouse.h"
#include "buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool wh_target_parse(const char *text, wh_target *t, const char **err)
{
	memset(t, 0, sizeof *t);
	if (!strncmp(text, "duckdb:", 7) && text[7]) {
		t->kind = WH_DUCKDB;
		t->duck_path = xstrdup(text + 7);
		return true;
	}
	if (!strncmp(text, "bigquery:", 9) && text[9]) {
		t->kind = WH_BIGQUERY;
		const char *p = text + 9, *dot = strchr(p, '.');
		t->project = dot ? xstrndup(p, (size_t)(dot - p)) : xstrdup(p);
		if (dot)
			t->dataset = xstrdup(dot + 1);
		if (!*t->project) {
			*err = "no project in the bigquery: target";
			wh_target_free(t);
			return false;
		}
		return true;
	}
	*err = "not duckdb:PATH or bigquery:PROJECT[.DATASET]";
	return false;
}

void wh_target_free(wh_target *t)
{
	free(t->duck_path);
	free(t->project);
	free(t->dataset);
	memset(t, 0, sizeof *t);
}

bool wh_ident_ok(const char *s, size_t max)
{
	size_t n = 0;
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (; s[n]; n++)
		if (!(isalnum((unsigned char)s[n]) || s[n] == '_') || n >= max)
			return false;
	return true;
}
