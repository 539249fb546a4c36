/* Products, SKUs and prices, each a pure function of (seed, index), and
 * their JSON in the shapes of VTEX's Catalog and Pricing APIs. Catalog money
 * is never shown; Pricing money is decimal currency units (API.md §1.3). */
#ifndef SB_CATALOG_H
#define SB_CATALOG_H

#include "buf.h"
#include "names.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>

struct product_info {
	uint32_t idx;
	int64_t id;
	const struct category *cat;
	const struct brand *brand;
	const char *type, *adjective, *extra;
	char name[192];
	bool active, visible, show_without_stock;
	vtime_t release;
	int score;
};

struct sku_info {
	uint32_t idx, product;
	int64_t id;
	const char *variant; /* NULL: the product's only SKU has no variation */
	char name[96];       /* SKU name (variant or product type) */
	bool active, priced;
	int64_t base, list, cost; /* cents */
	char ean[16];
	int height, width, length, weight; /* cm and g */
	vtime_t created;
};

/* How many SKUs product idx has (0 for some, like VTEX's `[]` products). */
uint32_t catalog_sku_count(uint64_t seed, uint32_t product_idx);
/* Category of product idx (index in sb_categories). */
uint32_t catalog_product_category(uint64_t seed, uint32_t product_idx);
void catalog_product(const store *s, uint32_t idx, struct product_info *out);
void catalog_sku(const store *s, uint32_t idx, struct sku_info *out);
/* Whether SKU idx has a price, and its base and list prices in cents (fast path for orders). */
bool catalog_sku_price(const store *s, uint32_t idx, int64_t *base, int64_t *list);

/* GET /api/catalog/pvt/product/{id}; with_store_ids adds ListStoreId (productget). */
void catalog_json_product(buf *b, const store *s, uint32_t idx, bool with_store_ids);
/* GET /api/catalog/pvt/stockkeepingunit/{id}; in_list adds DateUpdated (by-product list rows). */
void catalog_json_sku(buf *b, const store *s, uint32_t idx, bool in_list);
/* GET /api/catalog_system/pvt/sku/stockkeepingunitbyid/{id} */
void catalog_json_sku_context(buf *b, const store *s, uint32_t idx);
/* GET /{account}/pricing/prices/{id}; false when the SKU has no price (404). */
bool catalog_json_price(buf *b, const store *s, uint32_t idx);
/* GET /{account}/pricing/prices/{id}/computed/{table}; false when no price. */
bool catalog_json_computed_price(buf *b, const store *s, uint32_t idx, const char *table);

#endif
