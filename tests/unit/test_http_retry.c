#include "http_retry.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

static const http_retry_policy policy = { .max_attempts = 7, .base_s = 0.5, .max_s = 30, .retry_after_max_s = 120 };

START_TEST(ceiling_doubles_then_caps)
{
	ck_assert_double_eq_tol(http_backoff_ceiling(&policy, 1), 0.5, 1e-12);
	ck_assert_double_eq_tol(http_backoff_ceiling(&policy, 2), 1.0, 1e-12);
	ck_assert_double_eq_tol(http_backoff_ceiling(&policy, 3), 2.0, 1e-12);
	ck_assert_double_eq_tol(http_backoff_ceiling(&policy, 7), 30.0, 1e-12);
	ck_assert_double_eq_tol(http_backoff_ceiling(&policy, 1000), 30.0, 1e-12);
}
END_TEST

START_TEST(full_jitter_spans_zero_to_ceiling)
{
	ck_assert_double_eq_tol(http_backoff_delay(&policy, 3, 0.0), 0.0, 1e-12);
	ck_assert_double_eq_tol(http_backoff_delay(&policy, 3, 0.5), 1.0, 1e-12);
	ck_assert(http_backoff_delay(&policy, 3, 0.999999) < 2.0);
	/* Uniform draws give a mean near half the ceiling. */
	double sum = 0;
	srand(7);
	for (int i = 0; i < 10000; i++)
		sum += http_backoff_delay(&policy, 4, rand() / ((double)RAND_MAX + 1));
	ck_assert_double_eq_tol(sum / 10000, 2.0, 0.1);
}
END_TEST

START_TEST(retry_after_is_a_floor)
{
	ck_assert_double_eq_tol(http_retry_wait(&policy, 1, 0.5, 3), 3.0, 1e-12);
	ck_assert_double_eq_tol(http_retry_wait(&policy, 6, 0.5, 3), 8.0, 1e-12);
	ck_assert_double_eq_tol(http_retry_wait(&policy, 1, 0.5, -1), 0.25, 1e-12);
	ck_assert_double_eq_tol(http_retry_wait(&policy, 1, 0.0, 3600), 120.0, 1e-12);
}
END_TEST

START_TEST(retry_after_seconds_and_dates)
{
	double s = -1;
	ck_assert(http_parse_retry_after("120", 0, &s));
	ck_assert_double_eq(s, 120);
	ck_assert(http_parse_retry_after(" 0 ", 0, &s));
	ck_assert_double_eq(s, 0);
	/* 1445412480 = Wed, 21 Oct 2015 07:28:00 GMT */
	ck_assert(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 30, &s));
	ck_assert_double_eq(s, 30);
	ck_assert(http_parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", 1445412480 - 5, &s));
	ck_assert_double_eq(s, 5);
	ck_assert(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 99, &s));
	ck_assert_double_eq(s, 0);
	ck_assert(!http_parse_retry_after("soon", 0, &s));
	ck_assert(!http_parse_retry_after("12abc", 0, &s));
	ck_assert(!http_parse_retry_after("", 0, &s));
}
END_TEST

START_TEST(retryable_statuses)
{
	ck_assert(http_status_retryable(429));
	ck_assert(http_status_retryable(500));
	ck_assert(http_status_retryable(502));
	ck_assert(http_status_retryable(503));
	ck_assert(http_status_retryable(504));
	ck_assert(!http_status_retryable(501));
	ck_assert(!http_status_retryable(200));
	ck_assert(!http_status_retryable(400));
	ck_assert(!http_status_retryable(401));
	ck_assert(!http_status_retryable(403));
	ck_assert(!http_status_retryable(404));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_retry");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, ceiling_doubles_then_caps);
	tcase_add_test(tc, full_jitter_spans_zero_to_ceiling);
	tcase_add_test(tc, retry_after_is_a_floor);
	tcase_add_test(tc, retry_after_seconds_and_dates);
	tcase_add_test(tc, retryable_statuses);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
