/* vtex-webhook's pure parts: hook body validation and the NDJSON line, the
 * group-commit queue (answers, deadlines, closed output), the spool journal
 * (append, forward, replay, torn lines, rotation; committed only when
 * acknowledged) and the barriers it writes with --ack-from.
 * links: cmd/vtex-webhook/event.c cmd/vtex-webhook/commit.c cmd/vtex-webhook/spool.c
 * links: cmd/vtex-webhook/acks.c */
#include "vtex-webhook/acks.h"
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
		{ "{\"OrderId\":\"a\nb\",\"State\":\"x\",\"LastChange\":\"2026-01-15\"}", "raw control character in a string" },
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
	size_t lines;
	while ((n = spool_forward(s, fd, 64, 0, &lines)) > 0)
		total += (size_t)n;
	ck_assert_int_ge(n, 0);
	return total;
}

START_TEST(spool_append_forward_trim)
{
	char *dir = tmpdir();
	const char *err;
	bool broken;
	spool *s = spool_open(dir, 1 << 20, false, &err);
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
	s = spool_open(dir, 1 << 20, false, &err);
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
	spool *s = spool_open(dir, 1 << 20, false, &err);
	ck_assert(spool_append(s, "{\"a\":1}\n", 8, &broken));
	size_t lines;
	ck_assert_int_eq(spool_forward(s, p[1], 1 << 20, 0, &lines), 8);
	ck_assert_uint_eq(lines, 1);
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

	spool *s2 = spool_open(dir, 1 << 20, false, &err);
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
	spool *s = spool_open(dir, 32, false, &err);
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

/* The committed position recorded in DIR/forwarded. */
static spool_pos recorded(const char *dir)
{
	char path[512], rec[64] = { 0 };
	spool_pos p = { 0, -1 };
	snprintf(path, sizeof path, "%s/forwarded", dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(rec, sizeof rec, f));
	fclose(f);
	ck_assert_int_eq(sscanf(rec, "%llu %lld", &p.epoch, &p.offset), 2);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	return p;
}

START_TEST(spool_commits_only_when_acknowledged)
{
	char *dir = tmpdir();
	const char *err;
	bool broken;
	size_t lines;
	int p[2];
	char got[256];
	ck_assert_int_eq(pipe(p), 0);
	spool *s = spool_open(dir, 1 << 20, true, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert(spool_append(s, "{\"a\":1}\n{\"a\":2}\n", 16, &broken));
	ck_assert_int_eq(spool_forward(s, p[1], 1 << 20, 1, &lines), 8); /* at most one line */
	ck_assert_uint_eq(lines, 1);
	spool_pos first = spool_forwarded(s);
	ck_assert_int_eq(first.offset, 8);
	ck_assert_uint_eq(forward_all(s, p[1]), 8);
	ck_assert_int_eq(read(p[0], got, sizeof got), 16);
	ck_assert_uint_eq(spool_backlog(s), 0);
	ck_assert_uint_eq(spool_uncommitted(s), 16); /* forwarded, not acknowledged */
	ck_assert_int_eq(recorded(dir).offset, 0);
	/* A crash now: the next run forwards both lines again. */
	spool_close(s);
	ck_assert_int_eq(count_journals(dir), 1);
	s = spool_open(dir, 1 << 20, true, &err);
	ck_assert_uint_eq(forward_all(s, p[1]), 16);
	ck_assert_int_eq(read(p[0], got, sizeof got), 16);
	ck_assert(memcmp(got, "{\"a\":1}\n{\"a\":2}\n", 16) == 0);
	/* The first line acknowledged: recorded; the journal stays. */
	ck_assert(spool_acknowledge(s, first));
	ck_assert_uint_eq(spool_uncommitted(s), 8);
	spool_pos r = recorded(dir);
	ck_assert_uint_eq(r.epoch, first.epoch);
	ck_assert_int_eq(r.offset, 8);
	ck_assert_int_eq(count_journals(dir), 2); /* the replayed one and the new one */
	/* An older position changes nothing. */
	spool_pos zero = { first.epoch, 0 };
	ck_assert(spool_acknowledge(s, zero));
	ck_assert_int_eq(recorded(dir).offset, 8);
	/* Everything acknowledged: the replayed journal is deleted. */
	ck_assert(spool_acknowledge(s, spool_forwarded(s)));
	ck_assert_uint_eq(spool_uncommitted(s), 0);
	ck_assert_int_eq(count_journals(dir), 1);
	spool_close(s);
	ck_assert_int_eq(count_journals(dir), 0);
	s = spool_open(dir, 1 << 20, true, &err);
	ck_assert_uint_eq(forward_all(s, p[1]), 0); /* nothing to replay */
	spool_close(s);
	close(p[0]);
	close(p[1]);
	rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(spool_rotation_waits_for_acknowledgement)
{
	char *dir = tmpdir();
	const char *err;
	bool broken;
	int p[2];
	char got[4096];
	ck_assert_int_eq(pipe(p), 0);
	spool *s = spool_open(dir, 32, true, &err);
	for (int i = 0; i < 5; i++) {
		ck_assert(spool_append(s, "{\"x\":\"0123456789\"}\n", 19, &broken));
		forward_all(s, p[1]);
		ck_assert_int_eq(read(p[0], got, sizeof got), 19);
	}
	/* Rotated as forwarding caught up, but none deleted unacknowledged. */
	ck_assert_int_ge(count_journals(dir), 3);
	ck_assert_uint_eq(spool_uncommitted(s), 5 * 19);
	ck_assert(spool_acknowledge(s, spool_forwarded(s)));
	ck_assert_int_eq(count_journals(dir), 1);
	ck_assert_uint_eq(spool_uncommitted(s), 0);
	spool_close(s);
	close(p[0]);
	close(p[1]);
	rmtree(dir);
	free(dir);
}
END_TEST

/* Forwards everything as the commit queue's forwarder does, a barrier where due. */
static void forward_with_barriers(spool *s, spool_acks *a, int fd)
{
	ssize_t n;
	size_t lines;
	do {
		n = spool_forward(s, fd, 1 << 20, spool_acks_room(a), &lines);
		ck_assert_int_ge(n, 0);
		spool_acks_forwarded(a, lines);
		ck_assert(spool_acks_tick(a));
	} while (n > 0);
}

/* The nth line of text (from 0), without its '\n'. */
static char *nth_line(const char *text, int nth)
{
	for (; nth > 0 && text; nth--)
		text = strchr(text, '\n') ? strchr(text, '\n') + 1 : NULL;
	ck_assert_ptr_nonnull(text);
	return strndup(text, strcspn(text, "\n"));
}

static void send_ack(const char *fifo, const char *line)
{
	int fd = open(fifo, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	ck_assert_int_eq(write(fd, "\n", 1), 1);
	close(fd);
}

START_TEST(acks_barriers_between_lines)
{
	char *dir = tmpdir();
	char sdir[512], fifo[512];
	snprintf(sdir, sizeof sdir, "%s/spool", dir);
	snprintf(fifo, sizeof fifo, "%s/acks", dir);
	const char *err;
	bool broken;
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	spool *s = spool_open(sdir, 1 << 20, true, &err);
	barrier_policy pol = { .interval_ms = 1e9, .records = 2, .keepalive_ms = 1e9 };
	spool_acks *a = spool_acks_open(fifo, pol, s, p[1], &err);
	ck_assert_ptr_nonnull(a);
	struct stat st;
	ck_assert_int_eq(stat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert(spool_append(s, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", 24, &broken));
	forward_with_barriers(s, a, p[1]);
	ck_assert(spool_acks_last(a));
	char out[4096] = { 0 };
	ck_assert_int_gt(read(p[0], out, sizeof out - 1), 0);
	/* Two lines, a barrier (--barrier-records 2), the third line, the last barrier. */
	char *l[5];
	for (int i = 0; i < 5; i++)
		l[i] = nth_line(out, i);
	ck_assert_str_eq(l[0], "{\"a\":1}");
	ck_assert_str_eq(l[1], "{\"a\":2}");
	ck_assert_str_eq(l[3], "{\"a\":3}");
	barrier_info b1, b2;
	ck_assert(barrier_parse(l[2], strlen(l[2]), &b1));
	ck_assert(barrier_parse(l[4], strlen(l[4]), &b2));
	ck_assert_uint_eq(b1.seq, 1);
	ck_assert_uint_eq(b2.seq, 2);
	ck_assert_ptr_nonnull(strstr(l[2], "\"commit\":{\"epoch\":"));
	ck_assert_ptr_nonnull(strstr(l[2], ",\"offset\":16}"));
	ck_assert_ptr_nonnull(strstr(l[4], ",\"offset\":24}"));
	ck_assert_uint_eq(spool_acks_pending(a), 2);
	ck_assert_uint_eq(spool_uncommitted(s), 24);

	/* The first barrier comes back: the first two lines are committed. */
	send_ack(fifo, l[2]);
	ck_assert(!spool_acks_drain(a, 0));
	ck_assert_uint_eq(spool_uncommitted(s), 8);
	ck_assert_int_eq(recorded(sdir).offset, 16);
	/* A line of another run changes nothing. */
	send_ack(fifo, "{\"vtex_pipes_barrier\":{\"source\":\"vtex-webhook\",\"run\":\"other\",\"seq\":2,\"committed\":0}}");
	ck_assert(!spool_acks_drain(a, 0));
	ck_assert_uint_eq(spool_uncommitted(s), 8);
	/* The last one: everything. */
	send_ack(fifo, l[4]);
	ck_assert(spool_acks_drain(a, 5000));
	ck_assert_uint_eq(spool_uncommitted(s), 0);
	ck_assert_int_eq(recorded(sdir).offset, 24);
	spool_acks_close(a);
	spool_close(s);
	ck_assert_int_eq(count_journals(sdir), 0);
	for (int i = 0; i < 5; i++)
		free(l[i]);
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
	tcase_add_test(tc, spool_commits_only_when_acknowledged);
	tcase_add_test(tc, spool_rotation_waits_for_acknowledgement);
	tcase_add_test(tc, acks_barriers_between_lines);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
