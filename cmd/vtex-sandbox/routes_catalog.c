/* Catalog and Pricing endpoints (API.md §2). */
#include "args.h"
#include "catalog.h"
#include "faults.h"
#include "ids.h"
#include "jw.h"
#include "rng.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PRODUCT_IDS_MAX = 250, SKU_IDS_MAX_PAGESIZE = 1000 };

static void not_found(response *rs, const char *what)
{
	char msg[96];
	jw w;
	snprintf(msg, sizeof msg, "%s not found", what);
	rs->status = 404;
	jw_init(&w, &rs->body);
	jw_str(&w, msg);
}

/* A product or SKU index from the path's id, or a 404 answered. */
static bool product_param(app *a, request *rq, response *rs, uint32_t *idx)
{
	long long id;
	if (!param_long(rq->params[0], &id) || !store_product_index(&a->st, id, idx)) {
		not_found(rs, "Product");
		return false;
	}
	return true;
}

static bool sku_param(app *a, const char *param, response *rs, uint32_t *idx)
{
	long long id;
	if (!param_long(param, &id) || !store_sku_index(&a->st, id, idx)) {
		not_found(rs, "SKU");
		return false;
	}
	return true;
}

static int cmp_key(const void *x, const void *y)
{
	uint64_t a = ((const uint64_t *)x)[0], b = ((const uint64_t *)y)[0];
	return a < b ? -1 : a > b;
}

void h_product_and_sku_ids(app *a, request *rq, response *rs)
{
	long long from, to, category;
	const store *s = &a->st;
	const uint32_t *list = NULL;
	uint32_t total = s->n_products;

	if (!arg_long(rq, "_from", 1, &from) || !arg_long(rq, "_to", from + 9, &to) ||
	    !arg_long(rq, "categoryId", 0, &category) || from < 1 || to < from) {
		resp_text(rs, 400, "\"_from and _to must be whole numbers with 1 <= _from <= _to\"");
		return;
	}
	if (category) {
		total = 0;
		for (size_t c = 0; c < sb_ncategories; c++)
			if (sb_categories[c].id == category) {
				list = s->cat_products[c];
				total = s->cat_count[c];
			}
	}
	/* Positions are 1-based; at most 250 products per call whatever _to says. */
	uint32_t first = from - 1 < total ? (uint32_t)(from - 1) : total;
	uint32_t last = (uint32_t)(to < total ? to : total);
	if (last - first > PRODUCT_IDS_MAX)
		last = first + PRODUCT_IDS_MAX;
	/* VTEX's keys come in no numeric order: shuffle them deterministically. */
	uint64_t (*page)[2] = xmalloc((last - first + 1) * sizeof *page);
	for (uint32_t i = first; i < last; i++) {
		uint32_t p = list ? list[i] : i;
		page[i - first][0] = mix64(s->seed ^ (p * 0x9e37ULL));
		page[i - first][1] = p;
	}
	qsort(page, last - first, sizeof *page, cmp_key);

	jw w;
	char key[24];
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_key(&w, "data");
	jw_obj(&w);
	for (uint32_t i = 0; i < last - first; i++) {
		uint32_t p = (uint32_t)page[i][1];
		snprintf(key, sizeof key, "%lld", (long long)store_product_id(s, p));
		jw_key(&w, key);
		jw_arr(&w);
		for (uint32_t k = s->prod_sku_start[p]; k < s->prod_sku_start[p + 1]; k++)
			jw_i64(&w, store_sku_id(s, k));
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "range");
	jw_obj(&w);
	jw_ki64(&w, "total", total);
	jw_ki64(&w, "from", from);
	jw_ki64(&w, "to", to);
	jw_end(&w);
	jw_end(&w);
	free(page);
}

void h_sku_ids(app *a, request *rq, response *rs)
{
	long long page, size;
	const store *s = &a->st;
	if (!req_arg(rq, "page") || !req_arg(rq, "pagesize") || !arg_long(rq, "page", 1, &page) ||
	    !arg_long(rq, "pagesize", 1, &size) || page < 1 || size < 1 || size > SKU_IDS_MAX_PAGESIZE) {
		resp_text(rs, 400, "\"page (from 1) and pagesize (1 to 1000) are required\"");
		return;
	}
	jw w;
	jw_init(&w, &rs->body);
	jw_arr(&w);
	unsigned long long start = (unsigned long long)(page - 1) * (unsigned long long)size;
	for (unsigned long long k = start; k < start + (unsigned long long)size && k < s->n_skus; k++)
		jw_i64(&w, store_sku_id(s, (uint32_t)k));
	jw_end(&w);
}

void h_product(app *a, request *rq, response *rs)
{
	uint32_t idx;
	if (product_param(a, rq, rs, &idx))
		catalog_json_product(&rs->body, &a->st, idx, false);
}

void h_product_get(app *a, request *rq, response *rs)
{
	uint32_t idx;
	if (product_param(a, rq, rs, &idx))
		catalog_json_product(&rs->body, &a->st, idx, true);
}

void h_sku(app *a, request *rq, response *rs)
{
	uint32_t idx;
	if (sku_param(a, rq->params[0], rs, &idx))
		catalog_json_sku(&rs->body, &a->st, idx, false);
}

void h_sku_context(app *a, request *rq, response *rs)
{
	uint32_t idx;
	if (sku_param(a, rq->params[0], rs, &idx))
		catalog_json_sku_context(&rs->body, &a->st, idx);
}

void h_skus_by_product(app *a, request *rq, response *rs)
{
	uint32_t idx;
	if (!product_param(a, rq, rs, &idx))
		return;
	buf_putc(&rs->body, '[');
	for (uint32_t k = a->st.prod_sku_start[idx]; k < a->st.prod_sku_start[idx + 1]; k++) {
		if (k > a->st.prod_sku_start[idx])
			buf_putc(&rs->body, ',');
		catalog_json_sku(&rs->body, &a->st, k, true);
	}
	buf_putc(&rs->body, ']');
}

/* Pricing answers carry its rate-limit headers when a limit is set (API.md §7.2). */
static void pricing_headers(app *a, response *rs)
{
	long left = faults_rate_remaining(a->faults);
	if (left < 0)
		return;
	resp_header(rs, "Ratelimit-Limit", "%.0f", a->cfg->rate_limit);
	resp_header(rs, "Ratelimit-Remaining", "%ld", left);
	resp_header(rs, "Ratelimit-Reset", "1");
}

void h_price(app *a, request *rq, response *rs)
{
	uint32_t idx;
	pricing_headers(a, rs);
	if (!sku_param(a, rq->params[0], rs, &idx))
		return;
	if (!catalog_json_price(&rs->body, &a->st, idx)) {
		rs->status = 404; /* no price registered for this SKU: an empty 404 */
		rs->body.len = 0;
	}
}

void h_price_computed(app *a, request *rq, response *rs)
{
	uint32_t idx;
	pricing_headers(a, rs);
	if (!sku_param(a, rq->params[0], rs, &idx))
		return;
	if (!catalog_json_computed_price(&rs->body, &a->st, idx, rq->params[1])) {
		rs->status = 404;
		rs->body.len = 0;
	}
}
