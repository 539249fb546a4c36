/* vtex-gateway's pure part: a request's class by its path, its endpoint (ids
 * as '*') for the per-endpoint budget, and the config file over VTEX's figures.
 * links: cmd/vtex-gateway/classes.c */
#include "vtex-gateway/classes.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(class_by_path)
{
	ck_assert_int_eq(gw_class_of("/api/oms/pvt/orders"), GW_OMS);
	ck_assert_int_eq(gw_class_of("/api/oms/pvt/orders/1234567890-01"), GW_OMS);
	ck_assert_int_eq(gw_class_of("/API/OMS/pvt/orders"), GW_OMS); /* VTEX matches paths case-insensitively */
	ck_assert_int_eq(gw_class_of("/api/catalog/pvt/product/101"), GW_CATALOG);
	ck_assert_int_eq(gw_class_of("/api/catalog_system/pvt/sku/stockkeepingunitids"), GW_CATALOG);
	ck_assert_int_eq(gw_class_of("/pricing/prices/1002"), GW_PRICING);
	ck_assert_int_eq(gw_class_of("/api/dataentities/CL/scroll"), GW_MD_SCROLL);
	ck_assert_int_eq(gw_class_of("/api/dataentities/CL/search"), GW_MASTERDATA);
	ck_assert_int_eq(gw_class_of("/api/orders/feed"), GW_ORDERS);
	ck_assert_int_eq(gw_class_of("/api/omsx"), GW_OTHER);
	ck_assert_int_eq(gw_class_of("/"), GW_OTHER);
	ck_assert_str_eq(gw_class_name(GW_MD_SCROLL), "md_scroll");
}
END_TEST

START_TEST(endpoint_ids_as_star)
{
	char e[64];
	gw_endpoint_of("/api/catalog/pvt/product/101", e, sizeof e);
	ck_assert_str_eq(e, "/api/catalog/pvt/product/*");
	gw_endpoint_of("/api/catalog_system/pvt/sku/stockkeepingunitbyid/1002", e, sizeof e);
	ck_assert_str_eq(e, "/api/catalog_system/pvt/sku/stockkeepingunitbyid/*");
	gw_endpoint_of("/api/catalog/pvt/product/101/specification", e, sizeof e);
	ck_assert_str_eq(e, "/api/catalog/pvt/product/*/specification");
	gw_endpoint_of("/api/catalog/pvt/product/10a", e, sizeof e);
	ck_assert_str_eq(e, "/api/catalog/pvt/product/10a");
	gw_endpoint_of("/a//b", e, sizeof e);
	ck_assert_str_eq(e, "/a//b");
	gw_endpoint_of("/abcdefghijklmnopqrstuvwxyz", e, 8); /* cut, never past the end */
	ck_assert_str_eq(e, "/abcdef");
}
END_TEST

static const char *write_config(const char *json)
{
	static char path[] = "/tmp/test_gateway_XXXXXX";
	strcpy(path, "/tmp/test_gateway_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	return path;
}

START_TEST(config_over_defaults)
{
	gw_class_cfg c[GW__CLASSES];
	const char *why = NULL;
	gw_classes_default(c);
	ck_assert(c[GW_OMS].budget == 6000 && c[GW_OMS].window == 60 && c[GW_OMS].pause == 60);
	ck_assert(c[GW_CATALOG].budget == 45000 && c[GW_CATALOG].endpoint_budget == 15000);
	ck_assert_uint_eq(c[GW_MD_SCROLL].concurrency, 10);
	const char *p = write_config("{\"oms\":{\"budget\":50,\"window\":5},\"md_scroll\":{\"concurrency\":3}}");
	ck_assert(gw_classes_load(c, p, &why));
	unlink(p);
	ck_assert(c[GW_OMS].budget == 50 && c[GW_OMS].window == 5 && c[GW_OMS].pause == 60);
	ck_assert_uint_eq(c[GW_MD_SCROLL].concurrency, 3);
	ck_assert(c[GW_CATALOG].budget == 45000);
	static const char *const bad[] = {
		"{\"omz\":{}}", "{\"oms\":{\"budget\":-1}}", "{\"oms\":{\"window\":0}}", "{\"oms\":{\"concurrency\":0}}",
		"{\"oms\":{\"budget\":\"many\"}}", "{\"oms\":{\"bugdet\":5}}", "{\"oms\":5}", "[1]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		gw_classes_default(c);
		p = write_config(bad[i]);
		why = NULL;
		ck_assert_msg(!gw_classes_load(c, p, &why) && why, "accepted %s", bad[i]);
		unlink(p);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gateway");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, class_by_path);
	tcase_add_test(tc, endpoint_ids_as_star);
	tcase_add_test(tc, config_over_defaults);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
