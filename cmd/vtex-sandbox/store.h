/* The generated store: sizes, ids and the few per-entity facts that must be
 * known up front (order creation dates in index order, which client placed
 * each order, order totals for list statistics). Everything else about an
 * entity is rebuilt on demand from (seed, index) by catalog.c, plan.c and
 * client.c. Live mode appends orders and clients (segarr.h) while the server
 * reads them. */
#ifndef SB_STORE_H
#define SB_STORE_H

#include "segarr.h"
#include "vtime.h"

#include <stdbool.h>
#include <stdint.h>

#define PLAN_MAX_STEPS 10

/* What live mode has changed about an order: the steps of its workflow path
 * realized so far and when. Written by the live thread only; `realized` is
 * published last (release), so readers see complete times. */
typedef struct {
	_Atomic uint8_t realized;
	vtime_t time[PLAN_MAX_STEPS];
} order_live;

typedef struct {
	vtime_t created;
	int64_t value;  /* cents: the order's total */
	uint32_t client;
	uint16_t total_items;
	_Atomic(order_live *) live; /* NULL: the order's state is its schedule seen at the anchor */
} order_rec;

typedef struct {
	vtime_t created_in;
	vtime_t first_order; /* 0 when the client has placed no order at generation */
	_Atomic int64_t updated_in;       /* 0: null (a document never updated) */
	_Atomic int64_t last_interaction;
	_Atomic uint32_t version;         /* profile edits made in live mode */
} client_rec;

typedef struct {
	uint64_t seed;
	const char *account;
	const char *app_key;
	vtime_t anchor;    /* end of the generated history, and the sandbox clock at start */
	double mono_start; /* CLOCK_MONOTONIC seconds at start */
	int history_days;

	uint32_t n_products, n_skus, n_priced;
	uint32_t *prod_sku_start; /* n_products + 1: SKUs of product p are [start[p], start[p+1]) */
	uint32_t *sku_product;
	uint32_t *priced_skus;    /* indices of SKUs that have a price (orders draw from these) */
	int64_t *sku_base, *sku_list; /* prices in cents, 0 when the SKU has none */
	uint32_t *cat_products[128]; /* product indices per category (by sb_categories index) */
	uint32_t cat_count[128];

	uint32_t n_static_orders, n_static_clients, n_buyers;
	segarr orders;  /* order_rec, creation date non-decreasing with the index */
	segarr clients; /* client_rec */

	uint64_t group_mul, group_inv, group_add; /* order number bijection (see store.c) */
	uint64_t client_mul, client_add;          /* buyer rank -> client index permutation */
} store;

typedef struct {
	uint64_t seed;
	const char *account, *app_key;
	vtime_t now;
	int history_days;
	double busy_day_share;
	uint32_t products, clients, orders;
} store_params;

/* Builds the store; a few hundred ms for 100,000 orders. */
void store_build(store *s, const store_params *p);
void store_free(store *s);

/* The sandbox clock: the anchor plus the time elapsed since start. */
vtime_t store_now(const store *s);

static inline order_rec *store_order(const store *s, uint32_t i) { return seg_at(&s->orders, i); }
static inline client_rec *store_client(const store *s, uint32_t i) { return seg_at(&s->clients, i); }
static inline uint32_t store_norders(const store *s) { return seg_count(&s->orders); }
static inline uint32_t store_nclients(const store *s) { return seg_count(&s->clients); }

/* Order ids like VTEX's (ids.h): [AFFILIATE-]<13-digit order group>-01;
 * sequence 500000 + index. Parses "1172452900788-01", "SCP-880102018018-01" or "seq500123". */
bool store_order_index(const store *s, const char *order_id, uint32_t *idx);

/* First order index created at or after t (binary search), in [lo, hi]. */
uint32_t store_orders_from(const store *s, vtime_t t, uint32_t n);

/* Client index for a buyer rank: a fixed permutation so heavy buyers are scattered. */
uint32_t store_client_for_rank(const store *s, uint32_t rank, uint32_t nclients);

#endif
