/* Catalog: every product (GetProductAndSkuIds pages of 250), each written as
 * its product record with a "skus" array of SKU contexts, each SKU with its
 * "price" (Pricing API) when prices are asked for. */
#ifndef VF_CATALOG_H
#define VF_CATALOG_H

#include "fetch.h"

typedef struct catalog catalog;

catalog *catalog_new(fetch *f, bool prices);
void catalog_free(catalog *c);
/* The whole catalog: every page, checked against range.total. */
void catalog_add_all(catalog *c);
/* Product positions [from, to] (1-based, inclusive), requested in pages
 * of 250 as the run gets to them. */
void catalog_add_page(catalog *c, long from, long to);
/* One product with the given SKUs (n may be 0). */
void catalog_add_product(catalog *c, long product_id, const long *sku_ids, size_t n);
bool catalog_feed(catalog *c, size_t room);

#endif
