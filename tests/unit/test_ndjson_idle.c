/* ndjson_reader_on_idle: called when the reader would wait for input (an
 * empty pipe), never while input is ready (data in the pipe, a regular file,
 * the end of input). */
#include "ndjson_reader.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	int calls;
	int write_fd;   /* the pipe's write end: the hook feeds one more line, then closes it */
} idle_probe;

static void on_idle(void *ctx)
{
	idle_probe *p = ctx;
	p->calls++;
	if (p->write_fd >= 0) {
		ck_assert_int_eq(write(p->write_fd, "{\"b\":2}\n", 8), 8);
		close(p->write_fd);
		p->write_fd = -1;
	}
}

START_TEST(called_before_waiting_on_an_empty_pipe)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	idle_probe p = { 0, fds[1] };
	ndjson_reader *r = ndjson_reader_open(fds[0], "pipe");
	ndjson_reader_on_idle(r, on_idle, &p);
	ndjson_line l;

	ck_assert_int_eq(write(fds[1], "{\"a\":1}\n", 8), 8);
	ck_assert_int_eq(ndjson_next_line(r, &l), NDJSON_OK);
	ck_assert_str_eq(l.text, "{\"a\":1}");
	ck_assert_int_eq(p.calls, 0); /* data was ready */
	ck_assert_int_eq(ndjson_next_line(r, &l), NDJSON_OK);
	ck_assert_str_eq(l.text, "{\"b\":2}");
	ck_assert_int_eq(p.calls, 1); /* the pipe was empty: idle before the read */
	ck_assert_int_eq(ndjson_next_line(r, &l), NDJSON_EOF);
	ck_assert_int_eq(p.calls, 1); /* a closed pipe is ready (end of input) */
	ndjson_reader_close(r);
	close(fds[0]);
}
END_TEST

START_TEST(never_called_on_a_file)
{
	FILE *f = tmpfile();
	fputs("{\"a\":1}\n{\"b\":2}\n", f);
	fflush(f);
	rewind(f);
	idle_probe p = { 0, -1 };
	ndjson_reader *r = ndjson_reader_open(fileno(f), "file");
	ndjson_reader_on_idle(r, on_idle, &p);
	ndjson_line l;
	while (ndjson_next_line(r, &l) == NDJSON_OK)
		;
	ck_assert_int_eq(p.calls, 0);
	ndjson_reader_close(r);
	fclose(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ndjson_idle");
	TCase *tc = tcase_create("on_idle");
	tcase_add_test(tc, called_before_waiting_on_an_empty_pipe);
	tcase_add_test(tc, never_called_on_a_file);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
