/* NDJSON reader and writer: long lines, CRLF, blank lines, refusals with line
 * numbers, buffered output, and a closed reader (EPIPE) reported, not fatal. */
#include "exitcode.h"
#include "ndjson_reader.h"
#include "ndjson_writer.h"
#include "rejects.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A reader over the bytes in s, fed through a pipe by a thread. */
typedef struct {
	int fd, read_fd;
	const char *data;
	size_t len;
} feeder;

static void *feed(void *arg)
{
	feeder *f = arg;
	size_t off = 0;
	while (off < f->len) {
		ssize_t n = write(f->fd, f->data + off, f->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(f->fd);
	return NULL;
}

static ndjson_reader *reader_over(const char *data, size_t len, pthread_t *th, feeder *f)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	f->fd = p[1];
	f->read_fd = p[0];
	f->data = data;
	f->len = len;
	pthread_create(th, NULL, feed, f);
	return ndjson_reader_open(p[0], "test");
}

static void reader_done(ndjson_reader *r, pthread_t th, feeder *f)
{
	pthread_join(th, NULL);
	ndjson_reader_close(r);
	close(f->read_fd);
}

START_TEST(lines_crlf_blank_and_last_without_newline)
{
	const char *in = "{\"a\":1}\r\n\n   \n{\"b\":2}\n\r\n{\"c\":3}";
	pthread_t th;
	feeder f;
	ndjson_reader *r = reader_over(in, strlen(in), &th, &f);
	ndjson_line l;
	cJSON *o;

	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
	ck_assert_uint_eq(l.lineno, 1);
	ck_assert_str_eq(l.text, "{\"a\":1}");
	ck_assert(!l.unterminated);
	cJSON_Delete(o);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
	ck_assert_uint_eq(l.lineno, 4);
	ck_assert(!l.unterminated);
	cJSON_Delete(o);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
	ck_assert_uint_eq(l.lineno, 6);
	ck_assert(l.unterminated); /* the last line had no '\n' */
	ck_assert_int_eq(cJSON_GetObjectItem(o, "c")->valueint, 3);
	cJSON_Delete(o);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_EOF);
	reader_done(r, th, &f);
}
END_TEST

START_TEST(refusals_name_line_and_reason)
{
	const char *in = "[1,2]\n{\"ok\":true}\n{bad\n\"str\"\n{\"a\":1} x\n";
	pthread_t th;
	feeder f;
	ndjson_reader *r = reader_over(in, strlen(in), &th, &f);
	ndjson_line l;
	cJSON *o;

	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_BAD);
	ck_assert_uint_eq(l.lineno, 1);
	ck_assert_str_eq(l.reason, "not a JSON object");
	ck_assert_ptr_null(o);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
	cJSON_Delete(o);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_BAD);
	ck_assert_uint_eq(l.lineno, 3);
	ck_assert_str_eq(l.reason, "invalid JSON");
	ck_assert_str_eq(l.text, "{bad");
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_BAD);
	ck_assert_str_eq(l.reason, "not a JSON object");
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_BAD);
	ck_assert_str_eq(l.reason, "trailing characters after the JSON value");
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_EOF);
	reader_done(r, th, &f);
}
END_TEST

START_TEST(sixteen_mib_lines)
{
	const size_t big = 16u << 20;
	char *in = malloc(2 * big + 64);
	size_t n = 0;
	for (int rec = 0; rec < 2; rec++) {
		n += (size_t)sprintf(in + n, "{\"k\":\"");
		memset(in + n, rec ? 'y' : 'x', big);
		n += big;
		n += (size_t)sprintf(in + n, "\"}\n");
	}
	pthread_t th;
	feeder f;
	ndjson_reader_set_max_line(32u << 20); /* above the default */
	ndjson_reader *r = reader_over(in, n, &th, &f);
	ndjson_reader_set_max_line(0);
	ndjson_line l;
	cJSON *o;

	for (int rec = 0; rec < 2; rec++) {
		ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
		ck_assert_uint_eq(l.len, big + 8);
		const char *v = cJSON_GetObjectItem(o, "k")->valuestring;
		ck_assert_uint_eq(strlen(v), big);
		ck_assert_int_eq(v[big - 1], rec ? 'y' : 'x');
		cJSON_Delete(o);
	}
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_EOF);
	reader_done(r, th, &f);
	free(in);
}
END_TEST

/* One rule for every tool's input: bad UTF-8, raw control characters and an
 * escaped NUL (cJSON would cut the string at it) are refused with the reason. */
START_TEST(strict_text_rule)
{
	static const struct {
		const char *text, *reason;
	} cases[] = {
		{ "{\"id\":\"x\\u0000evil\"}", "escaped NUL (\\u0000) in a string" },
		{ "{\"a\\u0000b\":1}", "escaped NUL (\\u0000) in a string" },
		{ "{\"id\":\"a\tb\"}", "raw control character in a string" },
		{ "{\"id\":\"a\x1b[31mb\"}", "raw control character in a string" },
		{ "{\"id\":\x01\"a\"}", "raw control character" },
		{ "{\"id\":\"\xff\"}", "invalid UTF-8" },
		{ "{\"id\":\"\xc0\xaf\"}", "invalid UTF-8" },
		{ "{\"id\":\"\xed\xa0\x80\"}", "invalid UTF-8" },
		{ "{\"id\":\"x\\\\u0000\"}", NULL },  /* an escaped backslash, then text */
		{ "{\"id\":\"\\u0001 \\t \\\" é 😀\"}", NULL },
		{ "{\"id\": 1,\t\"b\":2}", NULL },
		{ "{\"id\":\"x\\\\\\u0000\"}", "escaped NUL (\\u0000) in a string" }, /* \\ then \u0000 */
		{ "{\"a\":\"q\\\"\",\t\"b\":\"\\\\\"}", NULL },  /* a tab after an escaped quote */
		{ "{\"a\":\"q\\\",\t\"b\":1}", "raw control character in a string" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *why = NULL;
		cJSON *o = ndjson_parse_object(cases[i].text, strlen(cases[i].text), &why);
		if (cases[i].reason) {
			ck_assert_msg(o == NULL, "case %zu passed", i);
			ck_assert_str_eq(why, cases[i].reason);
		} else {
			ck_assert_msg(o != NULL, "case %zu refused: %s", i, why);
			cJSON_Delete(o);
		}
	}
	/* A NUL byte in the line itself. */
	const char *why = NULL;
	ck_assert_ptr_null(ndjson_parse_object("{\"a\":\"b\0c\"}", 11, &why));
	ck_assert_str_eq(why, "raw control character in a string");
}
END_TEST

/* A line past the maximum is reported with its length and dropped as it is
 * read; the lines around it are unharmed, the last one too without '\n'. */
START_TEST(overlong_lines_dropped_with_length)
{
	size_t big = 3000;
	char *in = malloc(2 * big + 100);
	size_t n = (size_t)sprintf(in, "{\"a\":1}\n{\"k\":\"");
	memset(in + n, 'x', big);
	n += big;
	n += (size_t)sprintf(in + n, "\"}\r\n{\"b\":2}\n");
	memset(in + n, 'y', big);
	n += big;
	pthread_t th;
	feeder f;
	ndjson_reader_set_max_line(1024);
	ndjson_reader *r = reader_over(in, n, &th, &f);
	ndjson_reader_set_max_line(0);
	ndjson_line l;
	cJSON *o;

	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
	cJSON_Delete(o);
	ck_assert_int_eq(ndjson_next_line(r, &l), NDJSON_BAD);
	ck_assert_uint_eq(l.lineno, 2);
	ck_assert_str_eq(l.reason, "line of 3009 bytes, longer than the maximum of 1024 (--max-line)");
	ck_assert_uint_eq(l.len, 1024);
	ck_assert_int_eq(strncmp(l.text, "{\"k\":\"xxx", 9), 0);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_OK);
	ck_assert_uint_eq(l.lineno, 3);
	ck_assert_int_eq(cJSON_GetObjectItem(o, "b")->valueint, 2);
	cJSON_Delete(o);
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_BAD);
	ck_assert_uint_eq(l.lineno, 4);
	ck_assert(l.unterminated);
	ck_assert_str_eq(l.reason, "line of 3000 bytes, longer than the maximum of 1024 (--max-line)");
	ck_assert_int_eq(ndjson_next_object(r, &l, &o), NDJSON_EOF);
	reader_done(r, th, &f);
	free(in);
}
END_TEST

/* One rule for which exit code wins (exitcode.h). Rejects that cannot be
 * written end a run with 74, never 1: tests/vtex-fetch/72-state-rejects.sh. */
START_TEST(exit_code_rule)
{
	static const int order[] = { 0, 1, 75, 69, 65, 74, 70, 78, 64 };
	size_t n = sizeof order / sizeof *order;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = order[i > j ? i : j];
			ck_assert_int_eq(vp_exit_worst(order[i], order[j]), want);
		}
}
END_TEST


static int failures_seen, failure_errno;
static void note_failure(ndjson_writer *w, int err, void *ctx)
{
	(void)w;
	(void)ctx;
	failures_seen++;
	failure_errno = err;
}

START_TEST(writer_buffers_and_flushes)
{
	int p[2];
	char got[64] = { 0 };
	ck_assert_int_eq(pipe(p), 0);
	ndjson_writer *w = ndjson_writer_open(p[1], "pipe");
	ndjson_write_line(w, "{\"a\":1}", 7);
	buf *b = ndjson_line_buf(w);
	buf_puts(b, "{\"b\":");
	buf_json_string(b, "x\"\n", 3);
	buf_putc(b, '}');
	ndjson_end_line(w);
	/* Nothing reaches the pipe before a flush. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	ck_assert_int_lt(read(p[0], got, sizeof got), 0);
	ck_assert(ndjson_writer_flush(w));
	ssize_t n = read(p[0], got, sizeof got - 1);
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(got, "{\"a\":1}\n{\"b\":\"x\\\"\\n\"}\n");
	ck_assert_uint_eq(ndjson_writer_lines(w), 2);
	ck_assert_uint_eq(ndjson_writer_bytes(w), (unsigned long long)n);
	ck_assert(ndjson_writer_close(w));
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(writer_reports_closed_reader)
{
	int p[2];
	vp_ignore_sigpipe();
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	ndjson_writer *w = ndjson_writer_open(p[1], "pipe");
	ndjson_writer_on_failure(w, note_failure, NULL);
	failures_seen = 0;
	ndjson_write_line(w, "{}", 2);
	ck_assert(!ndjson_writer_flush(w));
	ck_assert_int_eq(failures_seen, 1);
	ck_assert_int_eq(failure_errno, EPIPE);
	/* Once failed, it stays failed without calling the handler again. */
	ck_assert(!ndjson_writer_close(w));
	ck_assert_int_eq(failures_seen, 1);
	close(p[1]);
}
END_TEST

/* A rejects file: one line per refusal, the record kept as JSON (or as a
 * string when it was not JSON), extra members after the reason. */
START_TEST(rejects_lines_with_extra_members)
{
	char path[] = "/tmp/vp-rejects-XXXXXX", got[512] = { 0 };
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	rejects *r = rejects_open(path, "t");
	ck_assert_ptr_nonnull(r);
	rejects_add(r, "-", 3, "bad", "{\"a\":1}", 7, true);
	rejects_add_with(r, "in", 4, "two rules", "\"rules\":[\"x\",\"y\"]", "{\"b\":2}", 7, true);
	rejects_add_with(r, "in", 5, "not json", NULL, "oops\"", 5, false);
	ck_assert_uint_eq(rejects_count(r), 3);
	ck_assert(rejects_close(r));
	ssize_t n = read(fd, got, sizeof got - 1);
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(got,
			 "{\"tool\":\"t\",\"source\":\"-\",\"line\":3,\"reason\":\"bad\",\"record\":{\"a\":1}}\n"
			 "{\"tool\":\"t\",\"source\":\"in\",\"line\":4,\"reason\":\"two rules\",\"rules\":[\"x\",\"y\"],"
			 "\"record\":{\"b\":2}}\n"
			 "{\"tool\":\"t\",\"source\":\"in\",\"line\":5,\"reason\":\"not json\",\"raw\":\"oops\\\"\"}\n");
	close(fd);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ndjson");
	TCase *tc = tcase_create("io");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lines_crlf_blank_and_last_without_newline);
	tcase_add_test(tc, refusals_name_line_and_reason);
	tcase_add_test(tc, sixteen_mib_lines);
	tcase_add_test(tc, strict_text_rule);
	tcase_add_test(tc, overlong_lines_dropped_with_length);
	tcase_add_test(tc, exit_code_rule);
	tcase_add_test(tc, writer_buffers_and_flushes);
	tcase_add_test(tc, writer_reports_closed_reader);
	tcase_add_test(tc, rejects_lines_with_extra_members);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
