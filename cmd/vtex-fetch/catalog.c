#include "catalog.h"
#include "exitcode.h"
#include "idset.h"
#include "log.h"
#include "responses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE_SIZE = 250 };

typedef struct product {
	job j;
	catalog *c;
	long id;
	long *skus;
	size_t nskus;
	cJSON *record;       /* the product */
	cJSON **sku;         /* SKU contexts, by position */
	cJSON **price;       /* prices (NULL: none set) */
	size_t left;         /* requests not answered yet */
	fetch_status worst;
	char *why;
	long status;
	struct product *next;
} product;

typedef struct page {
	job j;
	catalog *c;
	long from, to;
	bool first_of_all;   /* page 1 of catalog_add_all: learns the total */
	struct page *next;
} page;

struct catalog {
	fetch *f;
	bool prices;
	page *pages;         /* not yet requested */
	product *products;   /* not yet requested */
	size_t open;         /* pages and products in flight */
	bool counting;       /* catalog_add_all: check the distinct products against total */
	long total;
	long end;            /* the first position a page came back empty from; 0: none yet */
	idset seen;
	unsigned long prices_found, prices_missing; /* Pricing API: 200, 404 */
};

typedef struct {
	product *p;
	int what;            /* -1: the product; 0..n-1: SKU context; n..2n-1: price */
} part;

catalog *catalog_new(fetch *f, bool prices)
{
	catalog *c = xcalloc(1, sizeof *c);
	c->f = f;
	c->prices = prices;
	return c;
}

static void product_free(product *p)
{
	cJSON_Delete(p->record);
	for (size_t i = 0; i < p->nskus; i++) {
		cJSON_Delete(p->sku[i]);
		if (p->price)
			cJSON_Delete(p->price[i]);
	}
	free(p->sku);
	free(p->price);
	free(p->skus);
	free(p->why);
	free(p);
}

static void product_fail(fetch *f, product *p, fetch_status st, const char *why, long status)
{
	cJSON *extra = cJSON_CreateObject();
	cJSON_AddNumberToObject(extra, "productId", (double)p->id);
	cJSON *ids = cJSON_AddArrayToObject(extra, "skuIds");
	for (size_t i = 0; i < p->nskus; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)p->skus[i]));
	if (p->c->prices)
		cJSON_AddTrueToObject(extra, "prices");
	fetch_fail(f, "product", extra, st, why, status);
}

static void page_fail(fetch *f, page *pg, fetch_status st, const char *why, long status)
{
	cJSON *extra = cJSON_CreateObject();
	if (!pg->first_of_all) {
		cJSON_AddNumberToObject(extra, "from", (double)pg->from);
		cJSON_AddNumberToObject(extra, "to", (double)pg->to);
	}
	if (pg->c->prices)
		cJSON_AddTrueToObject(extra, "prices");
	fetch_fail(f, pg->first_of_all ? "catalog" : "catalog-page", extra, st, why, status);
}

static void product_cut(fetch *f, job *j, const char *reason)
{
	product *p = (product *)j;
	product_fail(f, p, FETCH_STOPPED, reason, 0);
	product_free(p);
}

static void page_cut(fetch *f, job *j, const char *reason)
{
	page *pg = (page *)j;
	page_fail(f, pg, FETCH_STOPPED, reason, 0);
	free(pg);
}

void catalog_free(catalog *c)
{
	/* A store where no SKU has a price is more likely a wrong pricing URL. */
	if (c->prices_missing && !c->prices_found)
		log_warn("no SKU has a price: every Pricing API request answered 404",
			 LI("skus", (long long)c->prices_missing),
			 LS("hint", "pricing is under /ACCOUNT/pricing: check VTEX_ACCOUNT"));
	/* Left over only when the run was stopped. */
	while (c->pages) {
		page *pg = c->pages;
		c->pages = pg->next;
		page_fail(c->f, pg, FETCH_STOPPED, "not fetched: the run was stopped", 0);
		free(pg);
	}
	while (c->products) {
		product *p = c->products;
		c->products = p->next;
		product_fail(c->f, p, FETCH_STOPPED, "not fetched: the run was stopped", 0);
		product_free(p);
	}
	idset_free(&c->seen);
	free(c);
}

static void queue_page(catalog *c, long from, long to, bool first_of_all)
{
	page *pg = xcalloc(1, sizeof *pg);
	*pg = (page){ .c = c, .from = from, .to = to, .first_of_all = first_of_all, .next = c->pages };
	c->pages = pg;
}

void catalog_add_all(catalog *c)
{
	c->counting = true;
	queue_page(c, 1, PAGE_SIZE, true);
}

void catalog_add_page(catalog *c, long from, long to)
{
	queue_page(c, from, to, false);
}

void catalog_add_product(catalog *c, long product_id, const long *sku_ids, size_t n)
{
	product *p = xcalloc(1, sizeof *p);
	p->c = c;
	p->id = product_id;
	p->nskus = n;
	p->skus = xcalloc(n ? n : 1, sizeof *p->skus);
	if (n)
		memcpy(p->skus, sku_ids, n * sizeof *sku_ids);
	p->next = c->products;
	c->products = p;
}

/* ---- one product: its record, its SKU contexts, their prices ---- */

static void product_settle(product *p)
{
	catalog *c = p->c;
	fetch *f = c->f;
	job_end(f, &p->j);
	c->open--;
	if (p->worst != FETCH_OK) {
		product_fail(f, p, p->worst, p->why, p->status);
	} else {
		cJSON *skus = cJSON_AddArrayToObject(p->record, "skus");
		for (size_t i = 0; i < p->nskus; i++) {
			cJSON *s = p->sku[i];
			p->sku[i] = NULL;
			if (c->prices) {
				cJSON_AddItemToObject(s, "price", p->price[i] ? p->price[i] : cJSON_CreateNull());
				p->price[i] = NULL;
			}
			cJSON_AddItemToArray(skus, s);
		}
		fetch_emit(f, p->record);
	}
	product_free(p);
}

static void part_done(http_client *hc, http_request *req, http_response *res, void *ctx)
{
	(void)hc;
	part *pt = ctx;
	product *p = pt->p;
	int what = pt->what;
	free(pt);
	fetch *f = p->c->f;
	cJSON *json;
	const char *why;
	fetch_status st = fetch_classify(f, req, res, &json, &why);
	bool is_price = what >= (int)p->nskus;
	/* No price set for a SKU: the Pricing API answers 404. */
	if (is_price && st == FETCH_NOT_FOUND) {
		st = FETCH_OK;
		p->c->prices_missing++;
	} else if (is_price && st == FETCH_OK) {
		p->c->prices_found++;
	}
	if (st == FETCH_OK && json && !cJSON_IsObject(json)) {
		st = FETCH_PERMANENT;
		why = "not a JSON object";
	}
	if (st != FETCH_OK) {
		/* The gravest failure decides the record: stopped > temporary > permanent. */
		int rank_new = st == FETCH_STOPPED ? 3 : st == FETCH_TEMPORARY ? 2 : 1;
		int rank_old = p->worst == FETCH_STOPPED ? 3 : p->worst == FETCH_TEMPORARY ? 2 :
			       p->worst == FETCH_OK ? 0 : 1;
		if (rank_new > rank_old) {
			p->worst = st;
			free(p->why);
			buf w = { 0 };
			buf_printf(&w, "%s: %s", what < 0 ? "product" : is_price ? "price" : "sku",
				   why ? why : "failed");
			p->why = xstrdup(buf_cstr(&w));
			buf_free(&w);
			p->status = res->status;
		}
		cJSON_Delete(json);
	} else if (what < 0) {
		p->record = json;
	} else if (!is_price) {
		p->sku[what] = json;
	} else {
		p->price[what - (int)p->nskus] = json;
	}
	if (--p->left == 0 && !f->stopped)
		product_settle(p);
}

static void submit_part(product *p, int what, bool pricing, const char *label, const char *fmt, long id)
{
	fetch *f = p->c->f;
	char path[128];
	snprintf(path, sizeof path, fmt, id);
	http_request *r = pricing ? fetch_get_pricing(f, path) : fetch_get(f, path);
	http_request_label(r, label);
	part *pt = xmalloc(sizeof *pt);
	*pt = (part){ p, what };
	http_request_on_done(r, part_done, pt);
	p->left++;
	http_submit(f->http, r);
}

static void submit_product(catalog *c, product *p)
{
	job_start(c->f, &p->j, product_cut);
	c->open++;
	p->sku = xcalloc(p->nskus ? p->nskus : 1, sizeof *p->sku);
	if (c->prices)
		p->price = xcalloc(p->nskus ? p->nskus : 1, sizeof *p->price);
	submit_part(p, -1, false, "product", "/api/catalog/pvt/product/%ld", p->id);
	for (size_t i = 0; i < p->nskus; i++) {
		submit_part(p, (int)i, false, "sku", "/api/catalog_system/pvt/sku/stockkeepingunitbyid/%ld",
			    p->skus[i]);
		if (c->prices)
			submit_part(p, (int)(p->nskus + i), true, "price", "/pricing/prices/%ld", p->skus[i]);
	}
}

/* ---- pages of GetProductAndSkuIds ---- */

/* One product of a page, queued unless already listed. */
static void take_product(void *ctx, const char *key, long product_id, const long *sku_ids, size_t n)
{
	catalog *c = ctx;
	if (c->counting && !idset_add(&c->seen, key))
		return; /* listed twice (the catalog moved under us): fetch once */
	catalog_add_product(c, product_id, sku_ids, n);
}

static void page_done(http_client *hc, http_request *req, http_response *res, void *ctx)
{
	(void)hc;
	page *pg = ctx;
	catalog *c = pg->c;
	fetch *f = c->f;
	job_end(f, &pg->j);
	c->open--;
	cJSON *json;
	const char *why;
	long total = 0;
	fetch_status st = fetch_classify(f, req, res, &json, &why);
	if (st == FETCH_OK && !resp_catalog_page(json, &total, take_product, c)) {
		st = FETCH_PERMANENT;
		why = "page is not shaped like {data:{productId:[skuId...]},range:{total}}";
	}
	if (st != FETCH_OK) {
		page_fail(f, pg, st, why, res->status);
		if (st == FETCH_PERMANENT || st == FETCH_NOT_FOUND)
			fetch_note_exit(f, VP_EXIT_UNAVAILABLE);
		if (c->counting)
			c->counting = false; /* a page is missing: the count cannot be checked */
	} else if (!pg->first_of_all && !cJSON_GetObjectItemCaseSensitive(json, "data")->child) {
		/* Past the end of the catalog: whatever range.total said, the
		 * positions after this one are empty too. */
		if (!c->end || pg->from < c->end)
			c->end = pg->from;
	} else if (pg->first_of_all) {
		c->total = total;
		/* The rest as one range, cut into pages as they are requested: memory
		 * stays bounded whatever range.total says. */
		if (total > pg->to)
			queue_page(c, pg->to + 1, total, false);
	}
	cJSON_Delete(json);
	free(pg);
}

static void submit_page(catalog *c, page *pg)
{
	job_start(c->f, &pg->j, page_cut);
	c->open++;
	char path[160];
	snprintf(path, sizeof path, "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=%ld&_to=%ld",
		 pg->from, pg->to);
	http_request *r = fetch_get(c->f, path);
	http_request_label(r, "catalog-page");
	http_request_on_done(r, page_done, pg);
	http_submit(c->f->http, r);
}

bool catalog_feed(catalog *c, size_t room)
{
	if (c->f->stopped)
		return false;
	while (room) {
		if (c->products) { /* products first: memory stays bounded */
			product *p = c->products;
			c->products = p->next;
			submit_product(c, p);
			room = room > 1 + p->nskus * 2 ? room - 1 - p->nskus * 2 : 0;
		} else if (c->pages) {
			page *pg = c->pages;
			if (c->end && pg->from > c->end && !pg->first_of_all) {
				/* Only empty pages are left there (the count check still runs). */
				log_info("catalog pages past the end of the listing not requested",
					 LI("from", pg->from), LI("to", pg->to), LI("empty_from", c->end));
				c->pages = pg->next;
				free(pg);
				continue;
			}
			if (pg->to - pg->from >= PAGE_SIZE) { /* a range: its first page */
				page *first = xcalloc(1, sizeof *first);
				*first = (page){ .c = c, .from = pg->from, .to = pg->from + PAGE_SIZE - 1 };
				pg->from += PAGE_SIZE;
				pg = first;
			} else {
				c->pages = pg->next;
			}
			submit_page(c, pg);
			room--;
		} else {
			break;
		}
	}
	if (!c->products && !c->pages && !c->open && c->counting) {
		/* Every page read: the distinct products must match range.total. */
		c->counting = false;
		if ((long)c->seen.len != c->total) {
			char why[128];
			snprintf(why, sizeof why, "listed %zu distinct products of range.total %ld", c->seen.len,
				 c->total);
			cJSON *extra = cJSON_CreateObject();
			if (c->prices)
				cJSON_AddTrueToObject(extra, "prices");
			fetch_fail(c->f, "catalog", extra, FETCH_TEMPORARY, why, 0);
		}
	}
	return c->products || c->pages || c->open;
}
