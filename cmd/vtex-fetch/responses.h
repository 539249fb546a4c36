/* What VTEX answers look like, read without any I/O: a page of the OMS order
 * list, a page of GetProductAndSkuIds, a Master Data scroll page and its
 * headers, a hook event line (--from-hooks), an error body, and the order
 * Feed v3's lot and configuration (with the hook line a feed event becomes). Shared by the
 * commands of vtex-fetch and fuzzed by fuzz/vtex_responses.c. Numbers VTEX
 * sends as totals and ids are read only when they are whole and in range
 * (a cast of any other double to long is undefined). */
#ifndef VF_RESPONSES_H
#define VF_RESPONSES_H

#include "buf.h"
#include "vtime.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* The largest total or id taken: doubles are exact up to 2^53. */
#define RESP_MAX_COUNT JSON_SAFE_INT_LIMIT

/* A whole number in [min, RESP_MAX_COUNT]: true with *out. */
bool resp_whole(const cJSON *n, double min, long *out);

/* One row of an OMS list page: created is NULL when the row has no readable
 * creationDate. */
typedef void (*resp_order_row_fn)(void *ctx, const char *order_id, const vtime_t *created);
/* {list:[{orderId:"...",creationDate:"..."}...],paging:{total:N}}: false
 * (nothing called) unless every row has a string orderId and total is a
 * whole number >= 0; otherwise row() for each row in order, and *total. */
bool resp_order_page(const cJSON *page, long *total, resp_order_row_fn row, void *ctx);

/* One product of a GetProductAndSkuIds page; key is its id as listed. */
typedef void (*resp_product_fn)(void *ctx, const char *key, long product_id, const long *sku_ids, size_t n);
/* {data:{"productId":[skuId...]...},range:{total:N}}: false (nothing called)
 * unless every key is a product id (digits, > 0), every SKU id a whole
 * number > 0 and total a whole number >= 0; otherwise product() for each
 * product in order, and *total. */
bool resp_catalog_page(const cJSON *page, long *total, resp_product_fn product, void *ctx);

/* REST-Content-Total: a plain count; -1 when v is NULL or not one. */
long resp_content_total(const char *v);
/* A Master Data document's id when it is a usable one (a string that can go
 * in a _where between quotes), else NULL. */
const char *resp_client_id(const cJSON *doc);

typedef enum { HOOK_ORDER, HOOK_PING, HOOK_BAD } hook_kind;
/* One --from-hooks line. HOOK_ORDER: *event is the parsed event (the caller
 * frees it) and *order_id its OrderId (or orderId), inside *event.
 * HOOK_PING: the hook configuration ping. HOOK_BAD: *reason says why and
 * *json_ok whether the line was JSON at all. */
hook_kind resp_hook_event(const char *text, size_t len, cJSON **event, const char **order_id,
			  const char **reason, bool *json_ok);

/* ---- order Feed v3 (API.md 4.4) ---- */

/* One item of a lot; handle is its handle when that is a non-empty string
 * (what a commit names), else NULL: such an item cannot be committed. */
typedef void (*resp_feed_item_fn)(void *ctx, const cJSON *item, const char *handle);
/* GET /api/orders/feed: [{eventId, handle, domain, state, lastState,
 * orderId, lastChange, currentChange}...]. false (nothing called) unless the
 * answer is an array; otherwise item() for each element in order. */
bool resp_feed_lot(const cJSON *lot, resp_feed_item_fn item, void *ctx);

/* Appends the hook notification (API.md 4.3) a feed item stands for, as one
 * line without '\n': Domain, OrderId, State, LastState, LastChange,
 * CurrentChange from the item's members of those names in any case (those it
 * has, values as they are), Origin {Account, Key} (NULL: null), then EventId
 * when the item has one. false (nothing appended) unless item is an object. */
bool resp_feed_hook_line(buf *out, const cJSON *item, const char *account, const char *key);

/* GET /api/orders/feed/config: queue.visibilityTimeoutInSeconds (in any
 * case) when it is a whole number >= 1, else -1. */
long resp_feed_visibility(const cJSON *config);
/* Whether the configuration VTEX holds is the one want asks for (a body of
 * POST /api/orders/feed/config): the same filter type, the same statuses in
 * any order (none: none), and the same queue times; the retention is read
 * in either casing (MessageRetentionPeriodInSeconds is what is posted,
 * messageRetentionPeriodInSeconds what GET shows). */
bool resp_feed_config_matches(const cJSON *have, const cJSON *want);

/* "HTTP <status>" and, when the body says something, ": " and its first
 * 150 bytes on one line: control characters become spaces and bytes that are
 * not UTF-8 (a character cut at the limit too) become '?', so the reason is
 * always a valid JSON string. out holds at least 200 bytes. */
void resp_error_reason(char *out, size_t outsz, long status, const char *body, size_t len);

#endif
