#include "routes.h"

#include <string.h>
#include <strings.h>

static const struct route routes[] = {
	{ R_METRICS, "metrics", "GET", "/metrics", h_metrics, true },
	{ R_PRODUCT_AND_SKU_IDS, "product_and_sku_ids", "GET", "/api/catalog_system/pvt/products/GetProductAndSkuIds", h_product_and_sku_ids, false },
	{ R_SKU_IDS, "sku_ids", "GET", "/api/catalog_system/pvt/sku/stockkeepingunitids", h_sku_ids, false },
	{ R_PRODUCT, "product", "GET", "/api/catalog/pvt/product/*", h_product, false },
	{ R_PRODUCT_GET, "productget", "GET", "/api/catalog_system/pvt/products/productget/*", h_product_get, false },
	{ R_SKU, "sku", "GET", "/api/catalog/pvt/stockkeepingunit/*", h_sku, false },
	{ R_SKU_CONTEXT, "sku_context", "GET", "/api/catalog_system/pvt/sku/stockkeepingunitbyid/*", h_sku_context, false },
	{ R_SKUS_BY_PRODUCT, "skus_by_product", "GET", "/api/catalog_system/pvt/sku/stockkeepingunitByProductId/*", h_skus_by_product, false },
	{ R_PRICE, "price", "GET", "/{account}/pricing/prices/*", h_price, false },
	{ R_PRICE_COMPUTED, "price_computed", "GET", "/{account}/pricing/prices/*/computed/*", h_price_computed, false },
	{ R_ORDERS, "orders", "GET", "/api/oms/pvt/orders", h_orders, false },
	{ R_ORDER, "order", "GET", "/api/oms/pvt/orders/*", h_order, false },
	{ R_HOOK_CONFIG, "hook_config", "GET POST DELETE", "/api/orders/hook/config", h_hook_config, false },
	{ R_FEED_CONFIG, "feed_config", "GET POST DELETE", "/api/orders/feed/config", h_feed_config, false },
	{ R_FEED, "feed", "GET POST", "/api/orders/feed", h_feed, false },
	{ R_MD_SCROLL, "md_scroll", "GET", "/api/dataentities/CL/scroll", h_md_scroll, false },
	{ R_MD_SEARCH, "md_search", "GET", "/api/dataentities/CL/search", h_md_search, false },
};

const char *route_name(enum route_id id)
{
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
		if (routes[i].id == id)
			return routes[i].name;
	return "unknown";
}

/* Matches url against pattern segment by segment. */
static bool match(const app *a, const char *pattern, const char *url, request *rq)
{
	int np = 0;
	while (*pattern && *url) {
		if (*pattern != '/' || *url != '/')
			return false;
		pattern++;
		url++;
		size_t pl = strcspn(pattern, "/"), ul = strcspn(url, "/");
		if (pl == 1 && *pattern == '*') {
			if (ul == 0 || ul >= sizeof rq->params[0] || np == HTTP_MAX_PARAMS)
				return false;
			memcpy(rq->params[np], url, ul);
			rq->params[np++][ul] = '\0';
		} else if (pl == 9 && strncmp(pattern, "{account}", 9) == 0) {
			if (ul != strlen(a->cfg->account) || strncasecmp(url, a->cfg->account, ul) != 0)
				return false;
		} else if (pl != ul || strncasecmp(pattern, url, ul) != 0) {
			return false;
		}
		pattern += pl;
		url += ul;
	}
	if (*url == '/' && url[1] == '\0')
		url++; /* a trailing slash is accepted */
	return !*pattern && !*url;
}

static bool has_method(const char *methods, const char *method)
{
	size_t n = strlen(method);
	for (const char *p = methods; *p;) {
		size_t l = strcspn(p, " ");
		if (l == n && strncmp(p, method, n) == 0)
			return true;
		p += l + (p[l] == ' ');
	}
	return false;
}

const struct route *route_match(const app *a, request *rq, const char *method, const char *url, bool *method_ok)
{
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
		if (match(a, routes[i].pattern, url, rq)) {
			*method_ok = has_method(routes[i].methods, method);
			return &routes[i];
		}
	}
	return NULL;
}
