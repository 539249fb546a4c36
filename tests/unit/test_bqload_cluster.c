/* bq-load's --cluster spec (cluster.h): which fields cluster each table a
 * load creates, and which specs are refused.
 * links: cmd/bq-load/schema.c cmd/bq-load/cluster.c */
#include "bq-load/cluster.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* The clustering JSON cluster_json writes for table, whose fields are names. */
static char *clustering(const char *spec, const char *table, const char *fields_json)
{
	static char out[512];
	cJSON *names = cJSON_Parse(fields_json), *fields = cJSON_CreateArray(), *n;
	cJSON_ArrayForEach(n, names) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", n->valuestring);
		cJSON_AddItemToArray(fields, f);
	}
	buf b = { 0 };
	cluster_json(&b, spec, table, fields);
	snprintf(out, sizeof out, "%s", b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	cJSON_Delete(names);
	cJSON_Delete(fields);
	return out;
}

START_TEST(default_convention)
{
	const char *order = "[\"_row_id\",\"_root_id\",\"order_id\",\"status\"]";
	ck_assert_str_eq(clustering(CLUSTER_DEFAULT, "orders", order), ",\"clustering\":{\"fields\":[\"order_id\"]}");
	ck_assert_str_eq(clustering(CLUSTER_DEFAULT, "orders__items", order), ",\"clustering\":{\"fields\":[\"_root_id\"]}");
	ck_assert_str_eq(clustering(CLUSTER_DEFAULT, "products__skus", "[\"_root_id\",\"id\"]"),
			 ",\"clustering\":{\"fields\":[\"id\"]}");
	ck_assert_str_eq(clustering(CLUSTER_DEFAULT, "clients", "[\"_root_id\",\"id\"]"),
			 ",\"clustering\":{\"fields\":[\"id\"]}");
	/* No entry for it, or none of its fields: no clustering. */
	ck_assert_str_eq(clustering(CLUSTER_DEFAULT, "rejects", "[\"record\"]"), "");
	ck_assert_str_eq(clustering(CLUSTER_DEFAULT, "orders", "[\"status\"]"), "");
}
END_TEST

START_TEST(entries)
{
	const char *spec = "orders=order_id,status;raw_*=none;a,b,c";
	ck_assert_str_eq(clustering(spec, "orders", "[\"status\",\"order_id\"]"),
			 ",\"clustering\":{\"fields\":[\"order_id\",\"status\"]}");
	ck_assert_str_eq(clustering(spec, "raw_orders", "[\"a\"]"), "");
	ck_assert_str_eq(clustering(spec, "other", "[\"c\",\"a\"]"), ",\"clustering\":{\"fields\":[\"a\",\"c\"]}");
	ck_assert_str_eq(clustering("none", "orders", "[\"none\"]"), "");
	ck_assert_str_eq(clustering("x=a;x=b", "x", "[\"a\",\"b\"]"), ",\"clustering\":{\"fields\":[\"a\"]}");
}
END_TEST

START_TEST(refused_specs)
{
	ck_assert_ptr_null(cluster_spec_error(CLUSTER_DEFAULT));
	ck_assert_ptr_null(cluster_spec_error("none"));
	ck_assert_ptr_null(cluster_spec_error("a,b,c,d"));
	ck_assert_ptr_null(cluster_spec_error("t*=none;x"));
	ck_assert_ptr_nonnull(cluster_spec_error("a,b,c,d,e"));
	ck_assert_ptr_nonnull(cluster_spec_error("=a"));
	ck_assert_ptr_nonnull(cluster_spec_error("t="));
	ck_assert_ptr_nonnull(cluster_spec_error("a,,b"));
	ck_assert_ptr_nonnull(cluster_spec_error("t-x=a"));
	ck_assert_ptr_nonnull(cluster_spec_error("t=a-b"));
	ck_assert_ptr_nonnull(cluster_spec_error("a=b=c"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bqload_cluster");
	TCase *tc = tcase_create("cluster");
	tcase_add_test(tc, default_convention);
	tcase_add_test(tc, entries);
	tcase_add_test(tc, refused_specs);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
