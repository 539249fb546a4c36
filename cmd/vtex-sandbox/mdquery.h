/* Master Data v1 query parameters over CL documents: `_where` (=, <>, >, <,
 * >=, <=, between A AND B, is null, is not null, AND, OR, parentheses, '*'
 * wildcards in values), `_fields` and `_sort` (API.md §5.3). Dates compare
 * as instants, so date-only and full timestamps mix. */
#ifndef SB_MDQUERY_H
#define SB_MDQUERY_H

#include "client.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct md_expr md_expr;

/* A CL document under evaluation: its dates come from the store, the rest is
 * generated only when a condition needs it. */
typedef struct {
	const store *s;
	uint32_t idx;
	bool have_info;
	struct client_info info;
} md_doc;

void md_doc_init(md_doc *d, const store *s, uint32_t idx);

/* Parses a _where expression; NULL with a message in err on a syntax error or an unknown field. */
md_expr *mdq_parse(const char *where, char *err, size_t errn);
/* ANDs `field = value` onto e (e may be NULL); NULL with err when the field is unknown. */
md_expr *mdq_and_equals(md_expr *e, const char *field, const char *value, char *err, size_t errn);
bool mdq_eval(const md_expr *e, md_doc *d);
void mdq_free(md_expr *e);

struct md_sort {
	int field; /* enum cl_field, or -1 for the store's order */
	bool desc;
};
/* "updatedIn ASC" / "email desc"; false with err otherwise. */
bool mdq_parse_sort(const char *s, struct md_sort *out, char *err, size_t errn);
/* "id,email,userId" or "_all"; false with err on an unknown field. */
bool mdq_parse_fields(const char *s, uint32_t *mask, char *err, size_t errn);

/* Indices of the documents matching e (NULL: all), in sort order. *n gets the count; free() the result. */
uint32_t *mdq_select(const store *s, const md_expr *e, const struct md_sort *sort, uint32_t *n);

#endif
