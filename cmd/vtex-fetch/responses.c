#include "responses.h"
#include "buf.h"
#include "json_path.h"
#include "ndjson_reader.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool resp_whole(const cJSON *n, double min, long *out)
{
	if (!cJSON_IsNumber(n))
		return false;
	double d = n->valuedouble;
	if (!(d >= min && d <= RESP_MAX_COUNT) || d != floor(d))
		return false;
	*out = (long)d;
	return true;
}

bool resp_order_page(const cJSON *page, long *total, resp_order_row_fn row, void *ctx)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(page, "list");
	long t;
	if (!cJSON_IsArray(list) || !resp_whole(json_path_get(page, "paging.total"), 0, &t))
		return false;
	const cJSON *r;
	cJSON_ArrayForEach(r, list)
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "orderId")))
			return false;
	*total = t;
	cJSON_ArrayForEach(r, list) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "orderId");
		const cJSON *cd = cJSON_GetObjectItemCaseSensitive(r, "creationDate");
		vtime_t when;
		bool has = cJSON_IsString(cd) && vtime_parse(cd->valuestring, strlen(cd->valuestring), &when);
		row(ctx, id->valuestring, has ? &when : NULL);
	}
	return true;
}

/* A count or id as text: digits only, at most RESP_MAX_COUNT. */
static bool count_text(const char *s, long *out)
{
	long v = 0;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > (long)RESP_MAX_COUNT)
			return false;
	}
	*out = v;
	return true;
}

/* A product id as a key: a count > 0. */
static bool product_key(const char *s, long *out)
{
	return count_text(s, out) && *out > 0;
}

bool resp_catalog_page(const cJSON *page, long *total, resp_product_fn product, void *ctx)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(page, "data");
	long t, id;
	if (!cJSON_IsObject(data) || !resp_whole(json_path_get(page, "range.total"), 0, &t))
		return false;
	const cJSON *p, *s;
	cJSON_ArrayForEach(p, data) {
		if (!product_key(p->string, &id) || !cJSON_IsArray(p))
			return false;
		cJSON_ArrayForEach(s, p)
			if (!resp_whole(s, 1, &id))
				return false;
	}
	*total = t;
	cJSON_ArrayForEach(p, data) {
		size_t n = (size_t)cJSON_GetArraySize(p), i = 0;
		long *skus = xcalloc(n ? n : 1, sizeof *skus);
		cJSON_ArrayForEach(s, p)
			resp_whole(s, 1, &skus[i++]);
		product_key(p->string, &id);
		product(ctx, p->string, id, skus, n);
		free(skus);
	}
	return true;
}

long resp_content_total(const char *v)
{
	long n;
	return count_text(v, &n) ? n : -1;
}

const char *resp_client_id(const cJSON *doc)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	if (!cJSON_IsString(id) || strchr(id->valuestring, '"'))
		return NULL;
	return id->valuestring;
}

hook_kind resp_hook_event(const char *text, size_t len, cJSON **event, const char **order_id,
			  const char **reason, bool *json_ok)
{
	*event = NULL;
	*order_id = NULL;
	*json_ok = false;
	cJSON *ev = ndjson_parse_object(text, len, reason);
	if (!ev)
		return HOOK_BAD;
	if (cJSON_GetObjectItemCaseSensitive(ev, "hookConfig")) {
		cJSON_Delete(ev);
		return HOOK_PING;
	}
	cJSON *id = cJSON_GetObjectItemCaseSensitive(ev, "OrderId");
	if (!id)
		id = cJSON_GetObjectItemCaseSensitive(ev, "orderId");
	if (!cJSON_IsString(id) || !*id->valuestring) {
		*reason = "no OrderId (string) in the event";
		*json_ok = true;
		cJSON_Delete(ev);
		return HOOK_BAD;
	}
	*event = ev;
	*order_id = id->valuestring;
	return HOOK_ORDER;
}

/* Bytes of the UTF-8 character that starts with c (1 for a stray byte). */
static size_t char_len(unsigned char c)
{
	return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void resp_error_reason(char *out, size_t outsz, long status, const char *body, size_t len)
{
	enum { SHOWN = 150 };
	int n = snprintf(out, outsz, "HTTP %ld", status);
	if (n < 0 || (size_t)n >= outsz)
		return;
	size_t o = (size_t)n, limit = len < SHOWN ? len : SHOWN;
	if (!len || o + 2 + SHOWN >= outsz)
		return;
	out[o++] = ':';
	out[o++] = ' ';
	for (size_t i = 0; i < limit;) {
		unsigned char c = (unsigned char)body[i];
		size_t k = char_len(c);
		if (c >= 0x80 && (k == 1 || i + k > limit || !utf8_valid(body + i, k))) {
			out[o++] = '?';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = ' ';
			i++;
		} else {
			memcpy(out + o, body + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
}

bool resp_feed_lot(const cJSON *lot, resp_feed_item_fn item, void *ctx)
{
	if (!cJSON_IsArray(lot))
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, lot) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "handle");
		item(ctx, it, cJSON_IsString(h) && *h->valuestring ? h->valuestring : NULL);
	}
	return true;
}

/* A member in any case (the feed spells them camelCase, the hook
 * PascalCase), when the item has it. */
static void hook_member(buf *out, const cJSON *item, const char *name, bool *first)
{
	const cJSON *v = cJSON_GetObjectItem(item, name);
	if (!v)
		return;
	if (!*first)
		buf_putc(out, ',');
	*first = false;
	buf_json_string(out, name, strlen(name));
	buf_putc(out, ':');
	json_write(out, v);
}

static void string_or_null(buf *out, const char *s)
{
	if (s)
		buf_json_string(out, s, strlen(s));
	else
		buf_puts(out, "null");
}

bool resp_feed_hook_line(buf *out, const cJSON *item, const char *account, const char *key)
{
	static const char *const names[] = { "Domain", "OrderId", "State", "LastState", "LastChange", "CurrentChange" };
	if (!cJSON_IsObject(item))
		return false;
	bool first = true;
	buf_putc(out, '{');
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		hook_member(out, item, names[i], &first);
	buf_puts(out, first ? "\"Origin\":{\"Account\":" : ",\"Origin\":{\"Account\":");
	string_or_null(out, account);
	buf_puts(out, ",\"Key\":");
	string_or_null(out, key);
	buf_putc(out, '}');
	first = false;
	hook_member(out, item, "EventId", &first);
	buf_putc(out, '}');
	return true;
}

long resp_feed_visibility(const cJSON *config)
{
	long v;
	const cJSON *queue = cJSON_GetObjectItemCaseSensitive(config, "queue");
	return resp_whole(cJSON_GetObjectItem(queue, "visibilityTimeoutInSeconds"), 1, &v) ? v : -1;
}

/* Every string of a is one of b's. */
static bool all_in(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;
	cJSON_ArrayForEach(x, a) {
		bool found = false;
		cJSON_ArrayForEach(y, b)
			found |= cJSON_IsString(x) && cJSON_IsString(y) && strcmp(x->valuestring, y->valuestring) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Two status lists as sets: absent, null and [] all mean "every status". */
static bool same_statuses(const cJSON *a, const cJSON *b)
{
	const cJSON *la = cJSON_IsArray(a) && cJSON_GetArraySize(a) ? a : NULL;
	const cJSON *lb = cJSON_IsArray(b) && cJSON_GetArraySize(b) ? b : NULL;
	return all_in(la, lb) && all_in(lb, la);
}

static bool same_number(const cJSON *a, const cJSON *b)
{
	return cJSON_IsNumber(a) && cJSON_IsNumber(b) && a->valuedouble == b->valuedouble;
}

bool resp_feed_config_matches(const cJSON *have, const cJSON *want)
{
	const cJSON *hf = cJSON_GetObjectItemCaseSensitive(have, "filter");
	const cJSON *wf = cJSON_GetObjectItemCaseSensitive(want, "filter");
	const cJSON *ht = cJSON_GetObjectItemCaseSensitive(hf, "type");
	const cJSON *wt = cJSON_GetObjectItemCaseSensitive(wf, "type");
	const cJSON *hq = cJSON_GetObjectItemCaseSensitive(have, "queue");
	const cJSON *wq = cJSON_GetObjectItemCaseSensitive(want, "queue");
	return cJSON_IsString(ht) && cJSON_IsString(wt) && strcmp(ht->valuestring, wt->valuestring) == 0 &&
	       !cJSON_GetObjectItemCaseSensitive(hf, "expression") &&
	       same_statuses(cJSON_GetObjectItemCaseSensitive(hf, "status"),
			     cJSON_GetObjectItemCaseSensitive(wf, "status")) &&
	       same_number(cJSON_GetObjectItem(hq, "visibilityTimeoutInSeconds"),
			   cJSON_GetObjectItem(wq, "visibilityTimeoutInSeconds")) &&
	       same_number(cJSON_GetObjectItem(hq, "messageRetentionPeriodInSeconds"),
			   cJSON_GetObjectItem(wq, "messageRetentionPeriodInSeconds"));
}
