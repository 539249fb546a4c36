/* vtex-fetch's order windows (split on millisecond boundaries, inclusive
 * filter covering a half-open window) and its id set.
 * links: cmd/vtex-fetch/idset.c cmd/vtex-fetch/window.c */
#include "vtex-fetch/idset.h"
#include "vtex-fetch/window.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vtime_t at(const char *s)
{
	vtime_t t = 0;
	ck_assert_msg(vtime_parse(s, strlen(s), &t), "refused %s", s);
	return t;
}

START_TEST(split_halves_on_ms_grid)
{
	window w = { at("2024-01-01T00:00:00Z"), at("2024-01-02T00:00:00Z") }, l, r;
	ck_assert(window_split(w, &l, &r));
	ck_assert_int_eq(l.since, w.since);
	ck_assert_int_eq(l.until, at("2024-01-01T12:00:00Z"));
	ck_assert_int_eq(r.since, l.until);
	ck_assert_int_eq(r.until, w.until);
	/* An odd span still splits on a whole millisecond. */
	w = (window){ at("2024-01-01T00:00:00.0000001Z"), at("2024-01-01T00:00:00.0031234Z") };
	ck_assert(window_split(w, &l, &r));
	ck_assert_int_eq(l.until % WINDOW_TICKS_PER_MS, 0);
	ck_assert(l.until > w.since && l.until < w.until);
}
END_TEST

START_TEST(split_stops_at_one_ms)
{
	window l, r;
	window w = { at("2024-01-01T00:00:00.001Z"), at("2024-01-01T00:00:00.002Z") };
	ck_assert(!window_split(w, &l, &r));
	w = (window){ at("2024-01-01T00:00:00.0015Z"), at("2024-01-01T00:00:00.0025Z") };
	ck_assert(window_split(w, &l, &r)); /* crosses the .002 boundary */
	ck_assert(!window_split(l, &l, &r));
}
END_TEST

/* Recursive halving of a day down to slices of about 3 minutes covers the
 * day exactly: no gap, no overlap. */
START_TEST(recursive_split_tiles_the_window)
{
	window stack[64], w = { at("2024-03-01T00:00:00Z"), at("2024-03-02T00:00:00.5Z") }, l, r;
	int n = 0, slices = 0;
	vtime_t covered_until = w.since;
	stack[n++] = w;
	while (n) {
		window s = stack[--n];
		if (s.until - s.since > 180 * VTIME_TICKS_PER_SEC && window_split(s, &l, &r)) {
			stack[n++] = r;
			stack[n++] = l;
			continue;
		}
		ck_assert_int_eq(s.since, covered_until);
		covered_until = s.until;
		slices++;
	}
	ck_assert_int_eq(covered_until, w.until);
	ck_assert_int_ge(slices, 480);
}
END_TEST

START_TEST(filter_covers_the_half_open_window)
{
	char f[128];
	window w = { at("2024-01-01T02:00:00.0004Z"), at("2024-01-02T01:59:59.9991Z") };
	window_filter(w, "creationDate", f, sizeof f);
	ck_assert_str_eq(f, "creationDate:[2024-01-01T02:00:00.000Z TO 2024-01-02T02:00:00.000Z]");
	ck_assert(window_holds(w, w.since));
	ck_assert(!window_holds(w, w.until));
	ck_assert(!window_holds(w, at("2024-01-01T02:00:00.000Z")));
	w = (window){ at("2024-01-01T00:00:00Z"), at("2024-01-01T00:00:01.25Z") };
	window_filter(w, "creationDate", f, sizeof f);
	ck_assert_str_eq(f, "creationDate:[2024-01-01T00:00:00.000Z TO 2024-01-01T00:00:01.250Z]");
}
END_TEST

START_TEST(idset_counts_distinct)
{
	idset s = { 0 };
	char id[32];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 5000; i++) {
			snprintf(id, sizeof id, "%d-01", i);
			ck_assert(idset_add(&s, id) == (round == 0));
		}
	ck_assert_uint_eq(s.len, 5000);
	ck_assert(idset_has(&s, "4999-01"));
	ck_assert(!idset_has(&s, "5000-01"));
	idset_clear(&s);
	ck_assert_uint_eq(s.len, 0);
	ck_assert(idset_add(&s, "1-01"));
	idset_free(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fetch_window");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, split_halves_on_ms_grid);
	tcase_add_test(tc, split_stops_at_one_ms);
	tcase_add_test(tc, recursive_split_tiles_the_window);
	tcase_add_test(tc, filter_covers_the_half_open_window);
	tcase_add_test(tc, idset_counts_distinct);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
