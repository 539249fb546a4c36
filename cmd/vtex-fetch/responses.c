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
