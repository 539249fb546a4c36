#include "vtime.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static vtime_t parse(const char *s)
{
	vtime_t t = 0;
	ck_assert_msg(vtime_parse(s, strlen(s), &t), "refused %s", s);
	return t;
}

START_TEST(fraction_digits_0_to_7)
{
	ck_assert_int_eq(parse("2024-01-02T03:04:05Z"), parse("2024-01-02T03:04:05.0000000Z"));
	ck_assert_int_eq(parse("2024-01-02T03:04:05.1Z") - parse("2024-01-02T03:04:05Z"), 1000000);
	ck_assert_int_eq(parse("2024-01-02T03:04:05.1234567Z") - parse("2024-01-02T03:04:05Z"), 1234567);
	ck_assert_int_eq(parse("2024-02-04T20:09:43.899958+00:00") - parse("2024-02-04T20:09:43Z"), 8999580);
}
END_TEST

START_TEST(ordering_across_zones)
{
	vtime_t a = parse("2024-01-02T03:04:05.12Z");
	vtime_t b = parse("2024-01-02T03:04:05.1234567Z");
	vtime_t c = parse("2024-01-02T00:04:06-03:00");
	ck_assert(a < b);
	ck_assert(b < c);
	ck_assert_int_eq(parse("2024-01-02T05:04:05+02:00"), parse("2024-01-02T03:04:05Z"));
	ck_assert_int_eq(parse("2020-01-06T00:00:00"), parse("2020-01-06T00:00:00Z"));
	ck_assert_int_eq(parse("2020-01-06"), parse("2020-01-06T00:00:00Z"));
	ck_assert_int_eq(parse("1970-01-01T00:00:00Z"), 0);
}
END_TEST

START_TEST(refuses_malformed)
{
	const char *bad[] = { "", "2024-13-01T00:00:00Z", "2024-02-30", "2024-01-02T03:04",
			      "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05.12345678Z",
			      "2024-01-02T03:04:05Zjunk", "2024-01-02T03:04:05+3", "hello" };
	vtime_t t;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(!vtime_parse(bad[i], strlen(bad[i]), &t), "accepted %s", bad[i]);
}
END_TEST

START_TEST(format_round_trip)
{
	char out[VTIME_FORMAT_SIZE];
	ck_assert_str_eq(vtime_format(parse("2024-01-02T00:04:06.1200000-03:00"), out),
			 "2024-01-02T03:04:06.12Z");
	ck_assert_str_eq(vtime_format(parse("2019-08-14T17:11:39.2550122Z"), out),
			 "2019-08-14T17:11:39.2550122Z");
	ck_assert_str_eq(vtime_format(0, out), "1970-01-01T00:00:00Z");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vtime");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, fraction_digits_0_to_7);
	tcase_add_test(tc, ordering_across_zones);
	tcase_add_test(tc, refuses_malformed);
	tcase_add_test(tc, format_round_trip);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
