/* The endpoints the sandbox serves: VTEX's paths (matched case-insensitively,
 * like VTEX), each with its methods and handler. */
#ifndef SB_ROUTES_H
#define SB_ROUTES_H

#include "app.h"
#include "http.h"

#include <stdbool.h>

enum route_id {
	R_NONE, R_METRICS, R_PRODUCT_AND_SKU_IDS, R_SKU_IDS, R_PRODUCT, R_PRODUCT_GET, R_SKU,
	R_SKU_CONTEXT, R_SKUS_BY_PRODUCT, R_PRICE, R_PRICE_COMPUTED, R_ORDERS, R_ORDER, R_HOOK_CONFIG,
	R_FEED_CONFIG, R_FEED, R_MD_SCROLL, R_MD_SEARCH, R__COUNT
};

typedef void (*route_fn)(app *a, request *rq, response *rs);

struct route {
	enum route_id id;
	const char *name;    /* metrics label */
	const char *methods; /* space-separated */
	const char *pattern; /* '*' matches one segment into rq->params; '{account}' the account */
	route_fn fn;
	bool public;         /* no credentials needed */
};

/* The route for url, or NULL; *method_ok tells whether it takes this method.
 * Fills rq->params with the variable segments. */
const struct route *route_match(const app *a, request *rq, const char *method, const char *url, bool *method_ok);
const char *route_name(enum route_id id);

/* handlers */
void h_metrics(app *a, request *rq, response *rs);
void h_product_and_sku_ids(app *a, request *rq, response *rs);
void h_sku_ids(app *a, request *rq, response *rs);
void h_product(app *a, request *rq, response *rs);
void h_product_get(app *a, request *rq, response *rs);
void h_sku(app *a, request *rq, response *rs);
void h_sku_context(app *a, request *rq, response *rs);
void h_skus_by_product(app *a, request *rq, response *rs);
void h_price(app *a, request *rq, response *rs);
void h_price_computed(app *a, request *rq, response *rs);
void h_orders(app *a, request *rq, response *rs);
void h_order(app *a, request *rq, response *rs);
void h_hook_config(app *a, request *rq, response *rs);
void h_feed_config(app *a, request *rq, response *rs);
void h_feed(app *a, request *rq, response *rs);
void h_md_scroll(app *a, request *rq, response *rs);
void h_md_search(app *a, request *rq, response *rs);

#endif
