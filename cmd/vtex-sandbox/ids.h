/* The store's ids, computed from an index and the store's seed alone: what
 * catalog.c and plan.c need from the store while store.c builds it with them
 * (so that they do not call back into store.c). */
#ifndef SB_IDS_H
#define SB_IDS_H

#include "store.h"

#include <stdbool.h>
#include <stdint.h>

#define ORDER_GROUP_SPACE 1000000000000ULL /* 12 digits after the leading 1 */

/* Catalog ids: increasing with the index but not contiguous. */
int64_t store_product_id(const store *s, uint32_t idx);
int64_t store_sku_id(const store *s, uint32_t idx);
bool store_product_index(const store *s, int64_t id, uint32_t *idx);
bool store_sku_index(const store *s, int64_t id, uint32_t *idx);

/* An order's group: the 13 digits of its id, [AFFILIATE-]<group>-01
 * (store_order_index parses them back). */
uint64_t store_order_group(const store *s, uint32_t idx);

#endif
