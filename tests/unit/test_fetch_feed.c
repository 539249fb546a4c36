/* vtex-fetch's readers of the order Feed v3 (cmd/vtex-fetch/responses.c):
 * a lot and its handles, the hook-shaped line each event becomes (VTEX's own
 * example lot, tests/fixtures/vtex-fetch/orders-feed-items.json, and odd
 * items), the visibility timeout of a configuration and whether the
 * configuration VTEX holds is the one asked for.
 * links: cmd/vtex-fetch/responses.c */
#include "vtex-fetch/responses.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static buf got;

static void item(void *ctx, const cJSON *it, const char *handle)
{
	(void)it;
	int *calls = ctx;
	(*calls)++;
	buf_printf(&got, "%s;", handle ? handle : "-");
}

/* The handles of a lot ("-" for none) or "refused". */
static const char *lot(const char *text)
{
	got.len = 0;
	cJSON *j = cJSON_Parse(text);
	int calls = 0;
	bool ok = resp_feed_lot(j, item, &calls);
	cJSON_Delete(j);
	if (!ok) {
		ck_assert_int_eq(calls, 0);
		return "refused";
	}
	return buf_cstr(&got);
}

/* The hook line of an item, or "refused". */
static const char *line(const char *text, const char *account, const char *key)
{
	got.len = 0;
	cJSON *j = cJSON_Parse(text);
	ck_assert_ptr_nonnull(j);
	bool ok = resp_feed_hook_line(&got, j, account, key);
	cJSON_Delete(j);
	if (!ok) {
		ck_assert_uint_eq(got.len, 0);
		return "refused";
	}
	return buf_cstr(&got);
}

static cJSON *example(void)
{
	FILE *f = fopen("tests/fixtures/vtex-fetch/orders-feed-items.json", "r");
	ck_assert_msg(f, "run from the repository's root");
	char text[8192];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	ck_assert_uint_lt(n, sizeof text);
	cJSON *j = cJSON_ParseWithLength(text, n);
	ck_assert_ptr_nonnull(j);
	return j;
}

START_TEST(vtex_example_lot)
{
	cJSON *j = example();
	int calls = 0;
	got.len = 0;
	ck_assert(resp_feed_lot(j, item, &calls));
	ck_assert_int_eq(calls, 1);
	const char *handle = cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "handle")->valuestring;
	ck_assert_uint_gt(strlen(handle), 1000); /* a JWT: what a commit names, never written */
	ck_assert_uint_eq(got.len, strlen(handle) + 1);
	ck_assert(memcmp(got.data, handle, strlen(handle)) == 0);
	got.len = 0;
	ck_assert(resp_feed_hook_line(&got, cJSON_GetArrayItem(j, 0), "partnerslatam", "vtexappkey-partnerslatam-RMBJMS"));
	ck_assert_str_eq(buf_cstr(&got),
			 "{\"Domain\":\"Fulfillment\",\"OrderId\":\"953712004126-01\",\"State\":\"ready-for-handling\","
			 "\"LastState\":\"window-to-cancel\",\"LastChange\":\"2019-08-12T20:54:01.134057Z\","
			 "\"CurrentChange\":\"2019-08-12T20:54:23.7153839Z\","
			 "\"Origin\":{\"Account\":\"partnerslatam\",\"Key\":\"vtexappkey-partnerslatam-RMBJMS\"},"
			 "\"EventId\":\"ED423DDED4C1AE580CADAC1A4D02DA3F\"}");
	cJSON_Delete(j);
}
END_TEST

START_TEST(lots_and_handles)
{
	ck_assert_str_eq(lot("[]"), "");
	ck_assert_str_eq(lot("[{\"handle\":\"a\"},{\"handle\":\"b\",\"orderId\":\"x-01\"}]"), "a;b;");
	/* Items that cannot be committed are still handed on, without a handle. */
	ck_assert_str_eq(lot("[{\"handle\":\"\"},{\"handle\":7},{},1,null,{\"handle\":\"c\"}]"), "-;-;-;-;-;c;");
	ck_assert_str_eq(lot("{\"handle\":\"a\"}"), "refused");
	ck_assert_str_eq(lot("null"), "refused");
	ck_assert_str_eq(lot("\"[]\""), "refused");
}
END_TEST

START_TEST(hook_lines)
{
	/* Only the members the event has; no account: null. */
	ck_assert_str_eq(line("{\"orderId\":\"1-01\",\"state\":\"invoiced\",\"handle\":\"h\"}", NULL, "k"),
			 "{\"OrderId\":\"1-01\",\"State\":\"invoiced\",\"Origin\":{\"Account\":null,\"Key\":\"k\"}}");
	ck_assert_str_eq(line("{\"handle\":\"h\"}", "a", NULL), "{\"Origin\":{\"Account\":\"a\",\"Key\":null}}");
	/* Values as they came (the gate judges them), names in any case, in the hook's order. */
	ck_assert_str_eq(line("{\"currentChange\":null,\"OrderId\":5,\"DOMAIN\":\"Marketplace\",\"eventid\":[1]}", "a", "k"),
			 "{\"Domain\":\"Marketplace\",\"OrderId\":5,\"CurrentChange\":null,"
			 "\"Origin\":{\"Account\":\"a\",\"Key\":\"k\"},\"EventId\":[1]}");
	/* Strings are written back escaped, on one line. */
	ck_assert_str_eq(line("{\"orderId\":\"a\\nb\\\"c\\u00e3\"}", "a\"b", "k"),
			 "{\"OrderId\":\"a\\nb\\\"c\xc3\xa3\",\"Origin\":{\"Account\":\"a\\\"b\",\"Key\":\"k\"}}");
	ck_assert_str_eq(line("[1]", "a", "k"), "refused");
	ck_assert_str_eq(line("\"x\"", "a", "k"), "refused");
}
END_TEST

static long visibility(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	long v = resp_feed_visibility(j);
	cJSON_Delete(j);
	return v;
}

START_TEST(visibility_timeout)
{
	ck_assert_int_eq(visibility("{\"queue\":{\"visibilityTimeoutInSeconds\":250,"
				    "\"messageRetentionPeriodInSeconds\":345600},\"quantity\":3}"), 250);
	ck_assert_int_eq(visibility("{\"queue\":{\"VisibilityTimeoutInSeconds\":30}}"), 30);
	ck_assert_int_eq(visibility("{\"queue\":{\"visibilityTimeoutInSeconds\":0}}"), -1);
	ck_assert_int_eq(visibility("{\"queue\":{\"visibilityTimeoutInSeconds\":2.5}}"), -1);
	ck_assert_int_eq(visibility("{\"queue\":{\"visibilityTimeoutInSeconds\":1e300}}"), -1);
	ck_assert_int_eq(visibility("{\"queue\":{\"visibilityTimeoutInSeconds\":\"250\"}}"), -1);
	ck_assert_int_eq(visibility("{\"queue\":{}}"), -1);
	ck_assert_int_eq(visibility("[]"), -1);
}
END_TEST

static bool matches(const char *have, const char *want)
{
	cJSON *h = cJSON_Parse(have), *w = cJSON_Parse(want);
	ck_assert_ptr_nonnull(w);
	bool m = resp_feed_config_matches(h, w);
	cJSON_Delete(h);
	cJSON_Delete(w);
	return m;
}

#define WANT_ALL "{\"filter\":{\"type\":\"FromWorkflow\"},\"queue\":{\"visibilityTimeoutInSeconds\":250," \
		 "\"MessageRetentionPeriodInSeconds\":345600}}"
#define WANT_TWO "{\"filter\":{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\",\"canceled\"]}," \
		 "\"queue\":{\"visibilityTimeoutInSeconds\":250,\"MessageRetentionPeriodInSeconds\":345600}}"
#define HAVE(filter, vis, ret) "{\"filter\":" filter ",\"queue\":{\"visibilityTimeoutInSeconds\":" #vis \
			       ",\"messageRetentionPeriodInSeconds\":" #ret "},\"quantity\":0}"

START_TEST(configuration_held)
{
	/* What GET shows (camelCase retention) against what is posted. */
	ck_assert(matches(HAVE("{\"type\":\"FromWorkflow\"}", 250, 345600), WANT_ALL));
	ck_assert(matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":[]}", 250, 345600), WANT_ALL));
	ck_assert(matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":null}", 250, 345600), WANT_ALL));
	ck_assert(matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":[\"canceled\",\"invoiced\"]}", 250, 345600),
			  WANT_TWO));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\"]}", 250, 345600), WANT_TWO));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\",\"invoice\"]}", 250, 345600),
			   WANT_TWO));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\",\"invoiced\"]}", 250, 345600),
			   WANT_TWO));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\"]}", 250, 345600), WANT_ALL));
	ck_assert(!matches(HAVE("{\"type\":\"FromOrders\",\"expression\":\"value > 100\"}", 250, 345600), WANT_ALL));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\",\"expression\":\"x\"}", 250, 345600), WANT_ALL));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\"}", 30, 345600), WANT_ALL));
	ck_assert(!matches(HAVE("{\"type\":\"FromWorkflow\"}", 250, 1209600), WANT_ALL));
	ck_assert(!matches("{\"filter\":{\"type\":\"FromWorkflow\"}}", WANT_ALL));
	ck_assert(!matches("not json", WANT_ALL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fetch_feed");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, vtex_example_lot);
	tcase_add_test(tc, lots_and_handles);
	tcase_add_test(tc, hook_lines);
	tcase_add_test(tc, visibility_timeout);
	tcase_add_test(tc, configuration_held);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	buf_free(&got);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
