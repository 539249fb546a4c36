/* lib/warehouse: --target parsing and names, shared by bq-load and bq-export. */
#include "warehouse.h"

#include <check.h>
#include <stdlib.h>

START_TEST(targets)
{
	wh_target t;
	const char *err = NULL;
	ck_assert(wh_target_parse("duckdb:/tmp/w.duckdb", &t, &err));
	ck_assert_int_eq(t.kind, WH_DUCKDB);
	ck_assert_str_eq(t.duck_path, "/tmp/w.duckdb");
	ck_assert_ptr_null(t.project);
	wh_target_free(&t);
	ck_assert(wh_target_parse("bigquery:proj.gold", &t, &err));
	ck_assert_int_eq(t.kind, WH_BIGQUERY);
	ck_assert_str_eq(t.project, "proj");
	ck_assert_str_eq(t.dataset, "gold");
	wh_target_free(&t);
	ck_assert(wh_target_parse("bigquery:proj", &t, &err));
	ck_assert_str_eq(t.project, "proj");
	ck_assert_ptr_null(t.dataset);
	wh_target_free(&t);
	ck_assert(!wh_target_parse("bigquery:.gold", &t, &err));
	ck_assert(!wh_target_parse("duckdb:", &t, &err));
	ck_assert(!wh_target_parse("mysql:x", &t, &err));
	ck_assert_ptr_nonnull(err);
}
END_TEST

START_TEST(names)
{
	ck_assert(wh_ident_ok("customer_360", 1024));
	ck_assert(wh_ident_ok("_x", 1024));
	ck_assert(!wh_ident_ok("1x", 1024));
	ck_assert(!wh_ident_ok("a-b", 1024));
	ck_assert(!wh_ident_ok("", 1024));
	ck_assert(!wh_ident_ok("abcd", 3));
	ck_assert(wh_ident_ok("abc", 3));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("warehouse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, targets);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
