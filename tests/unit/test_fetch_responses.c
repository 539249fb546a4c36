/* vtex-fetch's readers of VTEX answers (cmd/vtex-fetch/responses.c), with
 * the inputs fuzz/vtex_responses found or was written for: totals and ids
 * that are not whole numbers in range, REST-Content-Total that is not a
 * count, hook lines, error bodies that are not UTF-8.
 * links: cmd/vtex-fetch/responses.c */
#include "utf8.h"
#include "vtex-fetch/responses.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static buf got;

static void row(void *ctx, const char *id, const vtime_t *created)
{
	(void)ctx;
	char t[VTIME_FORMAT_SIZE];
	buf_printf(&got, "%s@%s;", id, created ? vtime_format(*created, t) : "-");
}

static void product(void *ctx, const char *key, long pid, const long *skus, size_t n)
{
	(void)ctx;
	buf_printf(&got, "%s=%ld:", key, pid);
	for (size_t i = 0; i < n; i++)
		buf_printf(&got, "%ld,", skus[i]);
	buf_putc(&got, ';');
}

/* Parses text as a page; "refused" or the rows seen and the total. */
static const char *page(bool orders, const char *text)
{
	got.len = 0;
	cJSON *j = cJSON_Parse(text);
	long total = -7;
	bool ok = orders ? resp_order_page(j, &total, row, NULL) : resp_catalog_page(j, &total, product, NULL);
	cJSON_Delete(j);
	if (!ok) {
		ck_assert_int_eq(total, -7);
		ck_assert_uint_eq(got.len, 0);
		return "refused";
	}
	buf_printf(&got, "total=%ld", total);
	return buf_cstr(&got);
}

START_TEST(order_pages)
{
	ck_assert_str_eq(page(true, "{\"list\":[{\"orderId\":\"a-01\",\"creationDate\":\"2024-03-01T10:00:00.5+00:00\"},"
				    "{\"orderId\":\"b-01\",\"creationDate\":\"soon\"},{\"orderId\":\"c-01\"}],"
				    "\"paging\":{\"total\":3}}"),
			 "a-01@2024-03-01T10:00:00.5Z;b-01@-;c-01@-;total=3");
	ck_assert_str_eq(page(true, "{\"list\":[],\"paging\":{\"total\":0}}"), "total=0");
	/* Nothing is taken from a page with one bad row. */
	ck_assert_str_eq(page(true, "{\"list\":[{\"orderId\":\"a\"},{\"orderId\":7}],\"paging\":{\"total\":2}}"),
			 "refused");
	/* Totals a cast to long cannot hold (undefined behaviour before), or not counts. */
	ck_assert_str_eq(page(true, "{\"list\":[],\"paging\":{\"total\":1e300}}"), "refused");
	ck_assert_str_eq(page(true, "{\"list\":[],\"paging\":{\"total\":-1}}"), "refused");
	ck_assert_str_eq(page(true, "{\"list\":[],\"paging\":{\"total\":2.5}}"), "refused");
	ck_assert_str_eq(page(true, "{\"list\":[],\"paging\":{\"total\":\"3\"}}"), "refused");
	ck_assert_str_eq(page(true, "{\"list\":[]}"), "refused");
	ck_assert_str_eq(page(true, "[]"), "refused");
	ck_assert_str_eq(page(true, "{\"list\":[],\"paging\":{\"total\":9007199254740992}}"),
			 "total=9007199254740992");
}
END_TEST

START_TEST(catalog_pages)
{
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":[1,2],\"10\":[],\"3\":[30]},\"range\":{\"total\":3}}"),
			 "1=1:1,2,;10=10:;3=3:30,;total=3");
	ck_assert_str_eq(page(false, "{\"data\":{},\"range\":{\"total\":0}}"), "total=0");
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":[1]},\"range\":{\"total\":1e300}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":[1e300]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":[1.5]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":[0]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":[\"2\"]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"1\":2},\"range\":{\"total\":1}}"), "refused");
	/* Keys that strtol took: signs, spaces, zero, too long. */
	ck_assert_str_eq(page(false, "{\"data\":{\"-5\":[1]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"+5\":[1]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\" 5\":[1]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"0\":[1]},\"range\":{\"total\":1}}"), "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"99999999999999999999\":[1]},\"range\":{\"total\":1}}"),
			 "refused");
	ck_assert_str_eq(page(false, "{\"data\":{\"\":[1]},\"range\":{\"total\":1}}"), "refused");
}
END_TEST

START_TEST(scroll_headers_and_ids)
{
	ck_assert_int_eq(resp_content_total("1234"), 1234);
	ck_assert_int_eq(resp_content_total("0"), 0);
	ck_assert_int_eq(resp_content_total("9007199254740992"), 9007199254740992L);
	/* atol took these as 0 or a wrapped number, and the walk ended early. */
	ck_assert_int_eq(resp_content_total("9007199254740993"), -1);
	ck_assert_int_eq(resp_content_total("99999999999999999999999"), -1);
	ck_assert_int_eq(resp_content_total("abc"), -1);
	ck_assert_int_eq(resp_content_total("12abc"), -1);
	ck_assert_int_eq(resp_content_total("-3"), -1);
	ck_assert_int_eq(resp_content_total(""), -1);
	ck_assert_int_eq(resp_content_total(NULL), -1);

	cJSON *d = cJSON_Parse("[{\"id\":\"a1\"},{\"id\":\"a\\\"b\"},{\"id\":5},{}]");
	ck_assert_str_eq(resp_client_id(cJSON_GetArrayItem(d, 0)), "a1");
	ck_assert_ptr_null(resp_client_id(cJSON_GetArrayItem(d, 1)));
	ck_assert_ptr_null(resp_client_id(cJSON_GetArrayItem(d, 2)));
	ck_assert_ptr_null(resp_client_id(cJSON_GetArrayItem(d, 3)));
	cJSON_Delete(d);
}
END_TEST

static hook_kind hook(const char *text, const char **id, const char **reason, bool *json_ok)
{
	static cJSON *ev;
	cJSON_Delete(ev);
	hook_kind k = resp_hook_event(text, strlen(text), &ev, id, reason, json_ok);
	ck_assert(k == HOOK_ORDER ? cJSON_IsObject(ev) : ev == NULL);
	return k;
}

START_TEST(hook_events)
{
	const char *id, *reason;
	bool json_ok;
	ck_assert_int_eq(hook("{\"OrderId\":\"v1-01\",\"State\":\"invoiced\"}", &id, &reason, &json_ok), HOOK_ORDER);
	ck_assert_str_eq(id, "v1-01");
	ck_assert_int_eq(hook("{\"orderId\":\"v2-01\"}", &id, &reason, &json_ok), HOOK_ORDER);
	ck_assert_str_eq(id, "v2-01");
	ck_assert_int_eq(hook("{\"hookConfig\":\"ping\"}", &id, &reason, &json_ok), HOOK_PING);
	ck_assert_int_eq(hook("{\"OrderId\":17}", &id, &reason, &json_ok), HOOK_BAD);
	ck_assert_str_eq(reason, "no OrderId (string) in the event");
	ck_assert(json_ok);
	ck_assert_int_eq(hook("{\"OrderId\":\"\"}", &id, &reason, &json_ok), HOOK_BAD);
	ck_assert_int_eq(hook("{\"OrderId\":", &id, &reason, &json_ok), HOOK_BAD);
	ck_assert_ptr_nonnull(reason);
	ck_assert(!json_ok);
	ck_assert_int_eq(hook("[1]", &id, &reason, &json_ok), HOOK_BAD);
	ck_assert(!json_ok);
	hook("1", &id, &reason, &json_ok); /* frees the last event */
}
END_TEST

START_TEST(error_reasons)
{
	char why[200], body[400];
	resp_error_reason(why, sizeof why, 500, NULL, 0);
	ck_assert_str_eq(why, "HTTP 500");
	resp_error_reason(why, sizeof why, 400, "bad\r\nrequest\0x", 14);
	ck_assert_str_eq(why, "HTTP 400: bad  request x");
	/* Bytes that are not UTF-8 went into the failure record as they were. */
	resp_error_reason(why, sizeof why, 400, "n\xc3\xa3o \x80\xff.", 8);
	ck_assert_str_eq(why, "HTTP 400: n\xc3\xa3o ??.");
	/* A character cut at the 150-byte limit. */
	memset(body, 'a', sizeof body);
	memcpy(body + 149, "\xe2\x82\xac", 3);
	resp_error_reason(why, sizeof why, 429, body, sizeof body);
	ck_assert_uint_eq(strlen(why), strlen("HTTP 429: ") + 150);
	ck_assert_int_eq(why[strlen(why) - 1], '?');
	ck_assert(utf8_valid(why, strlen(why)));
	memcpy(body + 147, "\xe2\x82\xac", 3);
	resp_error_reason(why, sizeof why, 429, body, sizeof body);
	ck_assert_str_eq(why + strlen(why) - 3, "\xe2\x82\xac");
	/* Too small a buffer still ends in a NUL. */
	resp_error_reason(why, 8, 503, "x", 1);
	ck_assert_uint_lt(strlen(why), 8);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fetch_responses");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, order_pages);
	tcase_add_test(tc, catalog_pages);
	tcase_add_test(tc, scroll_headers_and_ids);
	tcase_add_test(tc, hook_events);
	tcase_add_test(tc, error_reasons);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	buf_free(&got);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
