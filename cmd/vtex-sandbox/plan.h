/* An order's content as numbers: client, items, money, payments and its
 * workflow path with the time of each step. Rebuilt from (seed, index) on
 * every request; order_json.c renders it. Money is integer cents and adds up:
 * value == items + discounts + shipping + tax == sum of the active
 * transaction's payments. */
#ifndef SB_PLAN_H
#define SB_PLAN_H

#include "store.h"

#include <stdbool.h>
#include <stdint.h>

enum ostate {
	ST_CREATED, ST_COMPLETED, ST_PENDING, ST_APPROVED, ST_WINDOW, ST_READY, ST_START_HANDLING,
	ST_HANDLING, ST_INVOICE, ST_INVOICED, ST_REQUEST_CANCEL, ST_CANCEL, ST_CANCELED,
	/* the rest of VTEX's documented statuses (dbt/seeds/vtex_order_statuses.csv), on the rare paths */
	ST_COMPLETED_FFM, ST_WAIT_ORDER_AUTH, ST_APPROVE_PAYMENT, ST_WAIT_SELLER_DECISION, ST_WAIT_FFMT_AUTH,
	ST_WAIT_AUTH, ST_WAIT_MANUAL_AUTH, ST_AUTHORIZE_FFMT, ST_CREATE_ERROR, ST_CREATION_ERROR,
	ST_WINDOW_CHANGE_SELLER, ST_WAIT_MKT_AUTH, ST_WAIT_SELLER_HANDLING, ST_INVOICE_AFTER_CANCEL_DENY,
	ST_ACCEPTED, ST_REPLACED, ST_CANCELLATION_REQUESTED, ST_WAIT_SELLERS_CONFIRMATION, ST__COUNT
};

/* filter.h keeps a bit per state in a uint32_t. */
_Static_assert(ST__COUNT <= 32, "too many order states for a filter's bit set");

/* How an order's life goes; chosen per order, mostly by its payment method.
 * PATH_HANDLING_CANCEL: canceled by the seller after handling began (only late orders). */
enum opath { PATH_INVOICED, PATH_UNPAID, PATH_WINDOW_CANCEL, PATH_REQUEST_CANCEL, PATH_STUCK_HANDLING,
	     PATH_HANDLING_CANCEL, PATH_RARE_AUTH, PATH_RARE_SELLER, PATH_RARE_FFMT, PATH_RARE_ERROR, PATH__COUNT };

/* Rare paths: PLAN_RARE_SHARE of the orders to be invoiced (not late) go
 * through the authorization, seller or fulfillment statuses on their way,
 * and of the unpaid ones through creation errors and a replacement, so that
 * every status VTEX documents occurs. */
#define PLAN_RARE_SHARE 0.03

/* Late orders: PLAN_LATE_SHARE of the orders wait PLAN_LATE_MIN_DAYS to
 * PLAN_LATE_MAX_DAYS more before their last steps (invoicing held up in
 * handling, or a cancellation decided weeks later), so orders well outside a
 * recent creation window still change; live mode makes them happen now. */
#define PLAN_LATE_SHARE 0.1
#define PLAN_LATE_CANCEL_SHARE 0.3 /* of the late orders that were to be invoiced */
#define PLAN_LATE_MIN_DAYS 4
#define PLAN_LATE_MAX_DAYS 45

const char *ostate_name(enum ostate st);
const char *ostate_description(enum ostate st);
/* Looks a status name up; returns false when it is not one of ours. */
bool ostate_parse(const char *name, size_t len, enum ostate *st);
/* Whether a path goes through st. */
bool opath_has(enum opath path, enum ostate st);

enum paygroup { PG_CARD, PG_BOLETO, PG_PIX, PG_GIFTCARD };
struct pay_method {
	const char *id, *name, *group;
	enum paygroup kind;
};
extern const struct pay_method sb_pay_methods[];

enum { PLAN_MAX_ITEMS = 24, PLAN_MAX_PAYMENTS = 2, PLAN_MAX_TX = 2 };

struct plan_item {
	uint32_t sku;
	uint16_t qty;
	int64_t price, list_price, selling_price; /* per unit, cents */
	int64_t shipping;                         /* this item's share of the freight */
};

struct plan_payment {
	uint8_t method; /* index in sb_pay_methods */
	uint8_t installments;
	int64_t value;
};

struct plan_tx {
	bool active;
	uint8_t npay;
	struct plan_payment pay[PLAN_MAX_PAYMENTS];
};

struct order_plan {
	uint32_t idx;
	vtime_t created;
	uint32_t client;
	uint8_t affiliate; /* 0: the store's own; else index in plan_affiliates */
	uint8_t sales_channel;
	uint8_t nitems;
	struct plan_item items[PLAN_MAX_ITEMS];
	int64_t items_total, discounts_total, shipping_total, tax_total, value;
	uint16_t total_items; /* sum of quantities */
	uint8_t ntx;
	struct plan_tx tx[PLAN_MAX_TX];
	uint8_t city, street, neighborhood, courier;
	uint16_t shipping_days;
	enum opath path;
	uint8_t nsteps;
	uint8_t late_step;                  /* 0, or the step that comes days or weeks late */
	const uint8_t *steps;               /* enum ostate per step */
	vtime_t sched[PLAN_MAX_STEPS];      /* generated schedule of every step */
	uint8_t realized;                   /* steps done as the order is served now */
	vtime_t time[PLAN_MAX_STEPS];       /* when each realized step happened */
};

extern const char *const plan_affiliates[];

/* Content from (seed, idx, created, client): everything but the state. */
void plan_build(const store *s, uint32_t idx, vtime_t created, uint32_t client, struct order_plan *p);
/* Only the path and its generated schedule (steps, nsteps, sched). */
void plan_schedule(const store *s, uint32_t idx, vtime_t created, struct order_plan *p);
/* Full plan of a stored order, with its state as served now. */
void plan_load(const store *s, uint32_t idx, struct order_plan *p);

static inline enum ostate plan_state(const struct order_plan *p) { return (enum ostate)p->steps[p->realized - 1]; }
static inline vtime_t plan_last_change(const struct order_plan *p) { return p->time[p->realized - 1]; }
/* When the order reached st, or 0 if it has not (yet). */
vtime_t plan_time_of(const struct order_plan *p, enum ostate st);
/* The current state of order idx, cheaper than plan_load (no items). */
enum ostate plan_current_state(const store *s, uint32_t idx);
/* The order id ("1172452900788-01" or "SCP-1172452900788-01"); out holds 40 bytes. */
char *plan_order_id(const store *s, uint32_t idx, uint8_t affiliate, char *out);
/* Affiliate of order idx (0: none), without building the plan. */
uint8_t plan_affiliate(uint64_t seed, uint32_t idx);
/* Steps realized by `at` in a generated schedule. */
uint8_t plan_realized_at(const struct order_plan *p, vtime_t at);

#endif
