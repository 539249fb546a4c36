/* libFuzzer target: how vtex-fetch reads VTEX's answers.
 * links: cmd/vtex-fetch
 *
 * The first byte picks the answer; the rest is it:
 *   0 an OMS order list page     {list:[{orderId,creationDate}],paging:{total}}
 *   1 a GetProductAndSkuIds page {data:{"id":[sku...]},range:{total}}
 *   2 a Master Data scroll answer: header lines, a blank line, the body
 *     (REST-Content-Total, X-VTEX-MD-TOKEN, [{id,...}...])
 *   3 a hook event line (orders --from-hooks)
 *   4 an error answer: two bytes of status, then the body
 *   5 an order detail, product, SKU or price body: what fetch_check_json
 *     accepts and fetch_emit writes
 *   6 an order feed lot (vtex-fetch feed) and the hook lines of its events
 *   7 two feed configurations, a line apart: the one VTEX holds, the one asked for
 * Checks: totals and ids taken are whole and in range, a refused page calls
 * nothing, header values carry no line break, a refused hook line says why,
 * an error reason is one line of valid UTF-8, a record written back reads
 * back to the same text, a feed event's line is one JSON object with its
 * Origin and a handle is never empty, a visibility timeout is a whole
 * number of seconds, and two configurations without an expression match
 * either way round or neither. */
#include "vtex-fetch/fetch.h"
#include "vtex-fetch/responses.h"
#include "json_path.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t calls;

static void on_row(void *ctx, const char *order_id, const vtime_t *created)
{
	(void)ctx;
	char t[VTIME_FORMAT_SIZE];
	if (!order_id)
		abort();
	if (created)
		vtime_format(*created, t);
	calls++;
}

static void on_product(void *ctx, const char *key, long product_id, const long *sku_ids, size_t n)
{
	(void)ctx;
	if (!key || product_id <= 0 || product_id > (long)RESP_MAX_COUNT)
		abort();
	for (size_t i = 0; i < n; i++)
		if (sku_ids[i] <= 0 || sku_ids[i] > (long)RESP_MAX_COUNT)
			abort();
	calls++;
}

static void header_value_ok(const char *v)
{
	if (strchr(v, '\n') || (*v == ' ' || *v == '\t'))
		abort();
}

static void scroll(const char *d, size_t n)
{
	const char *blank = memmem(d, n, "\n\n", 2);
	size_t hl = blank ? (size_t)(blank - d) + 1 : n;
	http_response res = { .headers = { (char *)d, hl, hl } };
	char v[4096] = "";
	long total = resp_content_total(http_response_header(&res, "REST-Content-Total", v, sizeof v) ? v : NULL);
	if (total < -1 || total > (long)RESP_MAX_COUNT)
		abort();
	header_value_ok(v);
	if (http_response_header(&res, "X-VTEX-MD-TOKEN", v, sizeof v)) {
		header_value_ok(v);
		buf b = { 0 };
		fetch_urlencode(&b, v);
		for (size_t i = 0; i < b.len; i++)
			if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%", b.data[i]))
				abort();
		buf_free(&b);
	}
	if (!blank)
		return;
	cJSON *body = cJSON_ParseWithLength(blank + 2, n - hl - 1);
	const cJSON *docs = cJSON_IsArray(body) ? body : NULL, *doc;
	cJSON_ArrayForEach(doc, docs) {
		const char *id = resp_client_id(doc);
		if (id && strchr(id, '"'))
			abort();
	}
	cJSON_Delete(body);
}

static void hook(const char *d, size_t n)
{
	cJSON *ev;
	const char *id, *reason = NULL;
	bool json_ok;
	switch (resp_hook_event(d, n, &ev, &id, &reason, &json_ok)) {
	case HOOK_BAD:
		if (!reason || ev)
			abort();
		break;
	case HOOK_PING:
		if (ev)
			abort();
		break;
	case HOOK_ORDER:
		if (!cJSON_IsObject(ev) || !id || !*id)
			abort();
		cJSON_Delete(ev);
		break;
	}
}

static void error_body(const char *d, size_t n)
{
	if (n < 2)
		return;
	long status = (unsigned char)d[0] << 8 | (unsigned char)d[1];
	char why[200];
	resp_error_reason(why, sizeof why, status, d + 2, n - 2);
	size_t len = strnlen(why, sizeof why);
	if (len == sizeof why || !utf8_valid(why, len))
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)why[i] < 0x20 || why[i] == 0x7f)
			abort();
}

static void feed_item(void *ctx, const cJSON *item, const char *handle)
{
	(void)ctx;
	if (handle && !*handle)
		abort();
	buf b = { 0 };
	bool ok = resp_feed_hook_line(&b, item, calls & 1 ? "acct" : NULL, "key");
	if (ok != cJSON_IsObject(item) || (!ok && b.len))
		abort();
	if (ok) {
		cJSON *back = cJSON_ParseWithLength(b.data, b.len);
		if (!cJSON_IsObject(back) || memchr(b.data, '\n', b.len) ||
		    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(back, "Origin")))
			abort();
		cJSON_Delete(back);
	}
	buf_free(&b);
	calls++;
}

static void feed_lot(const char *d, size_t n)
{
	cJSON *lot = cJSON_ParseWithLength(d, n);
	bool ok = resp_feed_lot(lot, feed_item, NULL);
	if (ok ? calls != (size_t)cJSON_GetArraySize(lot) : calls != 0)
		abort();
	long v = resp_feed_visibility(lot);
	if (v != -1 && (v < 1 || v > (long)RESP_MAX_COUNT))
		abort();
	cJSON_Delete(lot);
}

static bool has_expression(const cJSON *cfg)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "filter"), "expression");
}

static void feed_configs(const char *d, size_t n)
{
	const char *nl = memchr(d, '\n', n);
	if (!nl)
		return;
	cJSON *a = cJSON_ParseWithLength(d, (size_t)(nl - d));
	cJSON *b = cJSON_ParseWithLength(nl + 1, n - (size_t)(nl - d) - 1);
	bool ab = resp_feed_config_matches(a, b), ba = resp_feed_config_matches(b, a);
	if (!has_expression(a) && !has_expression(b) && ab != ba)
		abort();
	if (ab && resp_feed_visibility(a) != resp_feed_visibility(b))
		abort();
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* What fetch_emit writes reads back to the same text. */
static void record(const char *d, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(d, n);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return;
	}
	buf a = { 0 }, b = { 0 };
	json_write(&a, j);
	cJSON *back = cJSON_ParseWithLength(a.data, a.len);
	if (!cJSON_IsObject(back) || memchr(a.data, '\n', a.len))
		abort();
	json_write(&b, back);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	buf_free(&a);
	buf_free(&b);
	cJSON_Delete(back);
	cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *d = (const char *)data + 1;
	size_t n = size - 1;
	long total = -1;
	calls = 0;
	switch (data[0] % 8) {
	case 0:
	case 1: {
		cJSON *page = cJSON_ParseWithLength(d, n);
		bool ok = data[0] % 8 == 0 ? resp_order_page(page, &total, on_row, NULL)
					   : resp_catalog_page(page, &total, on_product, NULL);
		if (ok ? total < 0 || total > (long)RESP_MAX_COUNT : calls != 0 || total != -1)
			abort();
		if (ok && calls != (size_t)cJSON_GetArraySize(
					  cJSON_GetObjectItemCaseSensitive(page, data[0] % 8 == 0 ? "list" : "data")))
			abort();
		cJSON_Delete(page);
		break;
	}
	case 2: scroll(d, n); break;
	case 3: hook(d, n); break;
	case 4: error_body(d, n); break;
	case 5: record(d, n); break;
	case 6: feed_lot(d, n); break;
	case 7: feed_configs(d, n); break;
	}
	return 0;
}
