/* vtex-webhook's pure parts: hook body validation and the NDJSON line, the
 * group-commit queue (answers, deadlines, closed output), the spool journal
 * (append, forward, replay, torn lines, rotation). */
#include "vtex-webhook/commit.h"
#include "vtex-webhook/event.h"
#include "vtex-webhook/spool.h"
#include "barrier.h"
#include "buf.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A hook body shaped like the pipeline's control line (vtex-pipes(7), ACKNOWLEDGEMENTS). */
#define BARRIER_BODY "{ \"vtex_pipes_barrier\" : {\"source\":\"x\",\"run\":\"r\",\"seq\":1,\"committed\":0}," \
		     "\"OrderId\":\"a\",\"State\":\"x\",\"LastChange\":\"2026-01-15\"}"
#define BARRIER_WHY "vtex_pipes_barrier is reserved (the pipeline's acknowledgement barriers)"

static const char *ORDER = "{\"OrderId\":\"v1-01\",\"State\":\"invoiced\",\"LastChange\":\"2026-01-15T17:11:39.2550122Z\"}";

START_TEST(event_kinds)
{
	const char *why;
	ck_assert_int_eq(event_check(ORDER, strlen(ORDER), &why), EVENT_ORDER);
	ck_assert_int_eq(event_check("{\"hookConfig\":\"ping\"}", 21, &why), EVENT_PING);
	static const struct { const char *body, *why; } bad[] = {
		{ "", "body is not JSON" },
		{ "{\"OrderId\":\"a\nb\",\"State\":\"x\",\"LastChange\":\"2026-01-15\"}", "body is not JSON (raw control character)" },
		{ "{\"OrderId\":", "body is not JSON" },
		{ "[1]", "body is not a JSON object" },
		{ "{\"OrderId\":\"a\",\"State\":\"x\",\"LastChange\":\"2026-01-15\"}}", "body is not JSON (text after the object)" },
		{ "{} {}", "body is not JSON (text after the object)" },
		{ "{\"OrderId\":\"a\",\"State\":\"x\",\"OrderId\":\"b\",\"LastChange\":\"2026-01-15\"}", "a field appears twice" },
		{ "{\"hookConfig\":\"pong\"}", "hookConfig is not \"ping\"" },
		{ "{\"State\":\"x\",\"LastChange\":\"2026-01-15T17:11:39Z\"}", "OrderId missing" },
		{ "{\"OrderId\":\"\",\"State\":\"x\",\"LastChange\":\"2026-01-15T17:11:39Z\"}", "OrderId empty" },
		{ "{\"OrderId\":5,\"State\":\"x\",\"LastChange\":\"2026-01-15T17:11:39Z\"}", "OrderId not a string" },
		{ "{\"OrderId\":\"a\",\"LastChange\":\"2026-01-15T17:11:39Z\"}", "State missing" },
		{ "{\"OrderId\":\"a\",\"State\":\"x\"}", "LastChange missing" },
		{ "{\"OrderId\":\"a\",\"State\":\"x\",\"LastChange\":\"soon\"}", "LastChange not a timestamp" },
		{ "{\"OrderId\":\"a\",\"State\":\"x\",\"LastChange\":\"2026-01-15\",\"_received_at\":1}", "_received_at is reserved" },
		{ BARRIER_BODY, BARRIER_WHY },
		/* The same member spelled with an escape, or further on: refused too. */
		{ "{\"vtex\\u005fpipes_barrier\":{},\"OrderId\":\"a\",\"State\":\"x\",\"LastChange\":\"2026-01-15\"}", BARRIER_WHY },
		{ "{\"OrderId\":\"a\",\"State\":\"x\",\"LastChange\":\"2026-01-15\",\"vtex_pipes_barrier\":1}", BARRIER_WHY },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_int_eq(event_check(bad[i].body, strlen(bad[i].body), &why), EVENT_BAD);
		ck_assert_str_eq(why, bad[i].why);
	}
	char longid[EVENT_MAX_FIELD + 80];
	int n = snprintf(longid, sizeof longid, "{\"OrderId\":\"%0*d\",\"State\":\"x\",\"LastChange\":\"2026-01-15\"}",
			 EVENT_MAX_FIELD + 1, 7);
	ck_assert_int_eq(event_check(longid, (size_t)n, &why), EVENT_BAD);
	ck_assert_str_eq(why, "OrderId too long");
}
END_TEST

START_TEST(event_line_keeps_text)
{
	const char *body = " {\n \"OrderId\" : \"v 1\\\"}\" ,\t\"n\": 1.50e3,\r\n \"a\": [ 1, {} ],"
			   "\"State\":\"s\",\"LastChange\":\"2026-01-15\" }\n";
	buf b = { 0 };
	buf_puts(&b, "prefix:");
	event_line(&b, body, strlen(body), "2026-01-15T00:00:00Z");
	ck_assert_str_eq(buf_cstr(&b), "prefix:{\"OrderId\":\"v 1\\\"}\",\"n\":1.50e3,\"a\":[1,{}],\"State\":\"s\","
				       "\"LastChange\":\"2026-01-15\",\"_received_at\":\"2026-01-15T00:00:00Z\"}");
	/* A raw control character inside a string is escaped, so the line stays one line. */
	b.len = 0;
	const char raw[] = "{\"OrderId\":\"a\nb\",\"State\":\"s\",\"LastChange\":\"2026-01-15\"}";
	event_line(&b, raw, strlen(raw), "t");
	ck_assert_ptr_null(memchr(b.data, '\n', b.len));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "a\\u000ab"));
	/* The line keeps the body's text (it is not re-serialized): a body led by
	 * the reserved member would become a barrier line, which is why
	 * event_check refuses it. */
	b.len = 0;
	event_line(&b, BARRIER_BODY, strlen(BARRIER_BODY), "t");
	ck_assert(barrier_is(b.data, b.len));
	buf_free(&b);
}
END_TEST

/* --- group commit --- */

typedef struct {
	pthread_mutex_t mu;
	int status[64];
	int answers;
} answers;

static void on_answer(void *owner, int status, void *ctx)
{
	answers *a = ctx;
	pthread_mutex_lock(&a->mu);
	a->status[(intptr_t)owner] = status;
	a->answers++;
	pthread_mutex_unlock(&a->mu);
}

static int wait_answers(answers *a, int n)
{
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&a->mu);
		int got = a->answers;
		pthread_mutex_unlock(&a->mu);
		if (got >= n)
			return got;
		usleep(10000);
	}
	return -1;
}

static size_t read_all(int fd, char *out, size_t n)
{
	size_t got = 0;
	ssize_t r;
	while (got < n && (r = read(fd, out + got, n - got)) > 0)
		got += (size_t)r;
	return got;
}

START_TEST(commit_writes_then_answers)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	answers a = { .mu = PTHREAD_MUTEX_INITIALIZER };
	commit_options o = { .out_fd = p[1], .deadline_s = 2, .max_batch_bytes = 1 << 20, .answer = on_answer, .ctx = &a };
	commitq *q = commitq_start(&o);
	for (intptr_t i = 0; i < 20; i++) {
		char line[32];
		int n = snprintf(line, sizeof line, "{\"n\":%d}", (int)i);
		ck_assert(commitq_submit(q, line, (size_t)n, (void *)i));
	}
	ck_assert_int_eq(wait_answers(&a, 20), 20);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(a.status[i], 200);
	ck_assert_int_eq(commitq_stop(q, 1), COMMITQ_STOPPED);
	close(p[1]);
	char got[1024];
	size_t n = read_all(p[0], got, sizeof got - 1);
	got[n] = '\0';
	ck_assert(strncmp(got, "{\"n\":0}\n{\"n\":1}\n", 16) == 0);
	int lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += got[i] == '\n';
	ck_assert_int_eq(lines, 20);
	close(p[0]);
}
END_TEST

START_TEST(commit_deadline_on_stalled_pipe)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	/* Fill the pipe so the next write blocks. */
	char junk[4096];
	memset(junk, '\n', sizeof junk);
	while (write(p[1], junk, sizeof junk) > 0)
		;
	while (write(p[1], junk, 1) > 0)
		;
	answers a = { .mu = PTHREAD_MUTEX_INITIALIZER };
	commit_options o = { .out_fd = p[1], .deadline_s = 0.2, .max_batch_bytes = 1 << 20, .answer = on_answer, .ctx = &a };
	commitq *q = commitq_start(&o);
	ck_assert(commitq_submit(q, "{\"a\":1}", 7, (void *)0));
	ck_assert(commitq_submit(q, "{\"a\":2}", 7, (void *)1));
	ck_assert_int_eq(wait_answers(&a, 2), 2);
	ck_assert_int_eq(a.status[0], 503);
	ck_assert_int_eq(a.status[1], 503);
	/* The reader drains the pipe: the lines answered 503 were never written. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	char buf_[1 << 16];
	while (read(p[0], buf_, sizeof buf_) > 0)
		;
	ck_assert(commitq_submit(q, "{\"a\":3}", 7, (void *)2));
	ck_assert_int_eq(wait_answers(&a, 3), 3);
	ck_assert_int_eq(a.status[2], 200);
	ck_assert_int_eq(commitq_stop(q, 1), COMMITQ_STOPPED);
	ssize_t n = read(p[0], buf_, sizeof buf_);
	ck_assert_int_eq(n, 8);
	ck_assert(memcmp(buf_, "{\"a\":3}\n", 8) == 0);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(commit_closed_output)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	answers a = { .mu = PTHREAD_MUTEX_INITIALIZER };
	commit_options o = { .out_fd = p[1], .deadline_s = 2, .max_batch_bytes = 1 << 20, .answer = on_answer, .ctx = &a };
	commitq *q = commitq_start(&o);
	ck_assert(commitq_submit(q, "{}", 2, (void *)0));
	ck_assert_int_eq(wait_answers(&a, 1), 1);
	ck_assert_int_eq(a.status[0], 503);
	ck_assert(commitq_closed(q));
	ck_assert(!commitq_submit(q, "{}", 2, (void *)1)); /* refused: the caller answers 503 */
	ck_assert_int_eq(commitq_stop(q, 1), COMMITQ_OUT_CLOSED);
	close(p[1]);
}
END_TEST

/* --- spool --- */

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/vp-spool.XXXXXX";
	char *d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static void rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int count_journals(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "journal.", 8) == 0;
	closedir(d);
	return n;
}

static size_t forward_all(spool *s, int fd)
{
	size_t total = 0;
	ssize_t n;
	while ((n = spool_forward(s, fd, 64)) > 0)
		total += (size_t)n;
	ck_assert_int_ge(n, 0);
	return total;
}

START_TEST(spool_append_forward_trim)
{
	char *dir = tmpdir();
	const char *err;
	bool broken;
	spool *s = spool_open(dir, 1 << 20, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert(spool_append(s, "{\"a\":1}\n{\"a\":2}\n", 16, &broken));
	ck_assert_uint_eq(spool_backlog(s), 16);
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_uint_eq(forward_all(s, p[1]), 16);
	ck_assert_uint_eq(spool_backlog(s), 0);
	char got[64];
	ck_assert_int_eq(read(p[0], got, sizeof got), 16);
	ck_assert(memcmp(got, "{\"a\":1}\n{\"a\":2}\n", 16) == 0);
	spool_close(s);
	ck_assert_int_eq(count_journals(dir), 0); /* everything forwarded: trimmed */
	s = spool_open(dir, 1 << 20, &err);
	ck_assert_uint_eq(spool_backlog(s), 0);
	spool_close(s);
	close(p[0]);
	close(p[1]);
	rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(spool_replays_after_crash)
{
	char *dir = tmpdir();
	const char *err;
	bool broken;
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	spool *s = spool_open(dir, 1 << 20, &err);
	ck_assert(spool_append(s, "{\"a\":1}\n", 8, &broken));
	ck_assert_int_eq(spool_forward(s, p[1], 1 << 20), 8);
	ck_assert(spool_append(s, "{\"a\":2}\n{\"a\":3}\n", 16, &broken));
	/* A crash: closed with a backlog, so the journal stays as a dead process leaves it. */
	spool_close(s);
	char path[512];
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "journal.", 8) == 0)
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
	closedir(d);
	FILE *f = fopen(path, "a");
	fputs("{\"a\":\"torn", f); /* an append cut short, never acknowledged */
	fclose(f);

	spool *s2 = spool_open(dir, 1 << 20, &err);
	ck_assert_ptr_nonnull(s2);
	ck_assert(spool_append(s2, "{\"a\":4}\n", 8, &broken));
	char got[256];
	ck_assert_int_eq(read(p[0], got, sizeof got), 8);
	size_t n = forward_all(s2, p[1]);
	ck_assert_uint_eq(n, 24);
	ck_assert_int_eq(read(p[0], got, sizeof got), 24);
	ck_assert(memcmp(got, "{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n", 24) == 0);
	ck_assert_uint_eq(spool_torn_bytes(s2), 10);
	ck_assert_int_eq(count_journals(dir), 1); /* the old journal is gone once forwarded */
	spool_close(s2);
	close(p[0]);
	close(p[1]);
	rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(spool_rotates_when_caught_up)
{
	char *dir = tmpdir();
	const char *err;
	bool broken;
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	spool *s = spool_open(dir, 32, &err);
	char got[4096];
	for (int i = 0; i < 10; i++) {
		ck_assert(spool_append(s, "{\"x\":\"0123456789\"}\n", 19, &broken));
		forward_all(s, p[1]);
		ck_assert_int_eq(read(p[0], got, sizeof got), 19);
	}
	ck_assert_int_le(count_journals(dir), 2);
	spool_close(s);
	close(p[0]);
	close(p[1]);
	rmtree(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webhook");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, event_kinds);
	tcase_add_test(tc, event_line_keeps_text);
	tcase_add_test(tc, commit_writes_then_answers);
	tcase_add_test(tc, commit_deadline_on_stalled_pipe);
	tcase_add_test(tc, commit_closed_output);
	tcase_add_test(tc, spool_append_forward_trim);
	tcase_add_test(tc, spool_replays_after_crash);
	tcase_add_test(tc, spool_rotates_when_caught_up);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
