#include "http_ratelimit.h"

#include <check.h>
#include <stdlib.h>

START_TEST(unlimited_never_waits)
{
	token_bucket b;
	double wait = -1;
	token_bucket_init(&b, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(token_bucket_take(&b, 0, &wait));
}
END_TEST

START_TEST(burst_then_steady_rate)
{
	token_bucket b;
	double wait = 0;
	token_bucket_init(&b, 100, 0, 0); /* default burst: 10 */
	for (int i = 0; i < 10; i++)
		ck_assert(token_bucket_take(&b, 0, &wait));
	ck_assert(!token_bucket_take(&b, 0, &wait));
	ck_assert_double_eq_tol(wait, 0.01, 1e-9);
	ck_assert(token_bucket_take(&b, 0.01, &wait));
	ck_assert(!token_bucket_take(&b, 0.01, &wait));
}
END_TEST

/* Drive the bucket with a simulated clock that jumps to each wait: over 10 s
 * at 50/s it grants 500 tokens plus the burst, whatever the step pattern. */
START_TEST(rate_holds_over_time)
{
	token_bucket b;
	double now = 0, wait = 0;
	int granted = 0;
	token_bucket_init(&b, 50, 0, 0);
	while (now < 10) {
		if (token_bucket_take(&b, now, &wait))
			granted++;
		else
			now += wait + 0.0003; /* poll timers wake a little late */
	}
	ck_assert_int_ge(granted, 490);
	ck_assert_int_le(granted, 505 + 5);
}
END_TEST

START_TEST(idle_time_saves_only_the_burst)
{
	token_bucket b;
	double wait = 0;
	int granted = 0;
	token_bucket_init(&b, 10, 3, 0);
	while (token_bucket_take(&b, 100, &wait))
		granted++;
	ck_assert_int_eq(granted, 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_ratelimit");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, unlimited_never_waits);
	tcase_add_test(tc, burst_then_steady_rate);
	tcase_add_test(tc, rate_holds_over_time);
	tcase_add_test(tc, idle_time_saves_only_the_burst);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
