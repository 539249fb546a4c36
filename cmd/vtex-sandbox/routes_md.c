/* Master Data v1 CL: scroll and search (API.md §5). */
#include "args.h"
#include "client.h"
#include "mdquery.h"
#include "routes.h"
#include "scroll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SCROLL_MAX_SIZE = 1000, SCROLL_DEFAULT_SIZE = 100, SEARCH_MAX_PAGE = 100, SEARCH_DEFAULT_PAGE = 15,
       SEARCH_CAP = 10000 };

struct filters {
	md_expr *e;
	char err[160];
	bool bad;
};

/* `?email=x` style filters: every argument not starting with '_' is field = value. */
static bool add_filter(void *ctx, const char *name, const char *value)
{
	struct filters *f = ctx;
	if (name[0] == '_')
		return true;
	f->e = mdq_and_equals(f->e, name, value, f->err, sizeof f->err);
	f->bad = !f->e;
	return !f->bad;
}

/* The query of a first scroll call or a search: selection, sort and fields. */
static uint32_t *select_docs(app *a, request *rq, response *rs, uint32_t *n, uint32_t *fields)
{
	struct filters f = { 0 };
	struct md_sort sort = { -1, false };
	const char *v;

	if ((v = req_arg(rq, "_where")) && *v && !(f.e = mdq_parse(v, f.err, sizeof f.err))) {
		resp_md_error(rs, 400, f.err);
		return NULL;
	}
	req_each_arg(rq, add_filter, &f);
	if (f.bad) {
		resp_md_error(rs, 400, f.err);
		return NULL;
	}
	if ((v = req_arg(rq, "_sort")) && *v && !mdq_parse_sort(v, &sort, f.err, sizeof f.err)) {
		mdq_free(f.e);
		resp_md_error(rs, 400, f.err);
		return NULL;
	}
	if (!mdq_parse_fields((v = req_arg(rq, "_fields")) ? v : "", fields, f.err, sizeof f.err)) {
		mdq_free(f.e);
		resp_md_error(rs, 400, f.err);
		return NULL;
	}
	uint32_t *idx = mdq_select(&a->st, f.e, &sort, n);
	mdq_free(f.e);
	return idx;
}

static void render_docs(app *a, response *rs, const uint32_t *idx, uint32_t n, uint32_t fields)
{
	buf_putc(&rs->body, '[');
	for (uint32_t i = 0; i < n; i++) {
		struct client_info c;
		client_info(&a->st, idx[i], &c);
		if (i)
			buf_putc(&rs->body, ',');
		client_json(&rs->body, &c, fields);
	}
	buf_putc(&rs->body, ']');
}

void h_md_scroll(app *a, request *rq, response *rs)
{
	const char *token = req_arg(rq, "_token");
	char fresh[SCROLL_TOKEN_LEN + 1];
	uint32_t *page, count, total, fields;

	if (!token || !*token) {
		long long size;
		uint32_t n;
		if (!arg_long(rq, "_size", SCROLL_DEFAULT_SIZE, &size) || size < 1 || size > SCROLL_MAX_SIZE) {
			resp_md_error(rs, 400, "_size must be from 1 to 1000");
			return;
		}
		uint32_t *idx = select_docs(a, rq, rs, &n, &fields);
		if (!idx)
			return;
		if (!scrolls_open(a->scrolls, idx, n, (uint32_t)size, fields, fresh)) {
			resp_md_error(rs, 400, "Maximum simultaneous scrolls rate exceeded (10)");
			return;
		}
		token = fresh;
	}
	if (!scrolls_next(a->scrolls, token, &page, &count, &total, &fields)) {
		char msg[200];
		snprintf(msg, sizeof msg, "Operation not found for this token: '%.100s'", token);
		resp_md_error(rs, 400, msg);
		return;
	}
	resp_header(rs, "X-VTEX-MD-TOKEN", "%s", token);
	resp_header(rs, "REST-Content-Total", "%u", total);
	render_docs(a, rs, page, count, fields);
	free(page);
}

/* "resources=X-Y": X the first index, Y one past the last. */
static bool parse_rest_range(const char *v, long long *from, long long *to)
{
	char tail;
	return v && sscanf(v, " resources = %lld - %lld %c", from, to, &tail) == 2 && *from >= 0 && *to >= *from;
}

void h_md_search(app *a, request *rq, response *rs)
{
	long long from = 0, to = SEARCH_DEFAULT_PAGE;
	const char *range = req_header(rq, "REST-Range");
	uint32_t n, fields;

	if (range && !parse_rest_range(range, &from, &to)) {
		resp_md_error(rs, 400, "REST-Range must look like resources=0-100");
		return;
	}
	if (to - from > SEARCH_MAX_PAGE) {
		resp_md_error(rs, 400, "The maximum number of documents per request is 100 (REST-Range)");
		return;
	}
	if (to > SEARCH_CAP) {
		resp_md_error(rs, 400, "Search reaches only the first 10000 documents of a query; use scroll");
		return;
	}
	uint32_t *idx = select_docs(a, rq, rs, &n, &fields);
	if (!idx)
		return;
	uint32_t first = from < n ? (uint32_t)from : n, last = to < n ? (uint32_t)to : n;
	resp_header(rs, "REST-Content-Range", "resources %u-%u/%u", first, last, n);
	render_docs(a, rs, idx + first, last - first, fields);
	free(idx);
}
