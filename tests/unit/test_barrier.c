/* lib/barrier: the control line's shape, a source's barriers and the
 * acknowledgements a sink writes back through a real FIFO. */
#include "barrier.h"
#include "log.h"
#include "ndjson_writer.h"
#include "progress.h"

#include <check.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(recognizes_only_the_reserved_prefix)
{
	const char *ok = "{\"vtex_pipes_barrier\":{\"source\":\"t\",\"run\":\"ab\",\"seq\":3,\"committed\":2,\"commit\":{}}}";
	barrier_info b;
	ck_assert(barrier_is(ok, strlen(ok)));
	ck_assert(barrier_parse(ok, strlen(ok), &b));
	ck_assert_str_eq(b.run, "ab");
	ck_assert_uint_eq(b.seq, 3);
	ck_assert_uint_eq(b.committed, 2);
	const char *data = "{\"OrderId\":\"1\",\"vtex_pipes_barrier\":1}";
	ck_assert(!barrier_is(data, strlen(data)));
	const char *spaced = "{ \"vtex_pipes_barrier\":{}}";
	ck_assert(!barrier_is(spaced, strlen(spaced)));
	const char *bad = "{\"vtex_pipes_barrier\":{\"run\":\"ab\",\"seq\":0,\"committed\":0}}";
	ck_assert(barrier_is(bad, strlen(bad)));
	ck_assert(!barrier_parse(bad, strlen(bad), &b)); /* seq counts from 1 */
	const char *ahead = "{\"vtex_pipes_barrier\":{\"run\":\"ab\",\"seq\":2,\"committed\":2}}";
	ck_assert(!barrier_parse(ahead, strlen(ahead), &b)); /* committed is before seq */
}
END_TEST

typedef struct {
	unsigned long long seqs[16];
	void *ctxs[16];
	int n;
} done_log;

static void on_done(void *user, unsigned long long seq, void *ctx)
{
	done_log *d = user;
	d->seqs[d->n] = seq;
	d->ctxs[d->n++] = ctx;
}

/* Reads the barrier lines the source wrote to the pipe. */
static int read_lines(int fd, char lines[][512], int max)
{
	static char all[8192];
	ssize_t n = read(fd, all, sizeof all - 1);
	ck_assert_int_gt(n, 0);
	all[n] = 0;
	int k = 0;
	for (char *s = all, *nl; k < max && (nl = strchr(s, '\n')); s = nl + 1) {
		*nl = 0;
		ck_assert_uint_lt(strlen(s), 512);
		memcpy(lines[k++], s, strlen(s) + 1);
	}
	return k;
}

/* A source reading acknowledgements from dir/acks, dir made anew. */
static ack_source *source_in(char *dir, char path[64])
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, 64, "%s/acks", dir);
	const char *err = NULL;
	ack_source *a = ack_source_open(path, "test", BARRIER_POLICY_DEFAULT, &err);
	ck_assert_ptr_nonnull(a);
	return a;
}

static void source_done(ack_source *a, ndjson_writer *w, int read_fd, const char *dir, const char *path)
{
	ack_source_close(a, NULL);
	ndjson_writer_close(w);
	close(read_fd);
	unlink(path);
	rmdir(dir);
}

START_TEST(acknowledgements_come_back_through_a_fifo)
{
	char dir[] = "/tmp/test_barrier.XXXXXX", path[64];
	ack_source *a = source_in(dir, path);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ndjson_writer *w = ndjson_writer_open(p[1], "pipe");
	int c1 = 1, c2 = 2, c3 = 3;
	ack_source_record(a);
	ck_assert_uint_eq(ack_source_emit(a, w, "{\"offsets\":[]}", &c1), 1);
	ck_assert_uint_eq(ack_source_emit(a, w, NULL, &c2), 2);
	ck_assert_uint_eq(ack_source_emit(a, w, NULL, &c3), 3);
	ck_assert_uint_eq(ack_source_pending(a), 3);
	char lines[4][512];
	ck_assert_int_eq(read_lines(p[0], lines, 4), 3);
	ck_assert(strstr(lines[0], "\"commit\":{\"offsets\":[]}") != NULL);

	/* A stale acknowledgement of another run changes nothing. */
	ack_sink *s = ack_sink_new(path);
	const char *stale = "{\"vtex_pipes_barrier\":{\"source\":\"test\",\"run\":\"00\",\"seq\":2,\"committed\":0,\"commit\":{}}}";
	ck_assert(ack_sink_write(s, stale, strlen(stale)));
	/* The second acknowledgement covers the first. */
	ck_assert(ack_sink_write(s, lines[1], strlen(lines[1])));
	done_log d = { 0 };
	ck_assert_int_eq(ack_source_take(a, on_done, &d), 2);
	ck_assert_int_eq(d.n, 2);
	ck_assert_uint_eq(d.seqs[0], 1);
	ck_assert_ptr_eq(d.ctxs[1], &c2);
	ck_assert_uint_eq(ack_source_committed(a), 2);
	ck_assert_uint_eq(ack_source_pending(a), 1);

	/* The next barrier carries the committed seq. */
	ack_source_emit(a, w, NULL, NULL);
	ck_assert_int_eq(read_lines(p[0], lines, 4), 1);
	ck_assert(strstr(lines[0], "\"seq\":4,\"committed\":2") != NULL);
	ck_assert(ack_sink_write(s, lines[0], strlen(lines[0])));
	ck_assert_int_eq(ack_source_drain(a, 1000, on_done, &d, NULL), 1);
	ck_assert_int_eq(d.n, 4);
	ck_assert_uint_eq(ack_sink_count(s), 3);

	ack_sink_free(s);
	source_done(a, w, p[0], dir, path);
}
END_TEST

START_TEST(the_wait_gives_up_only_when_nothing_comes_back)
{
	char dir[] = "/tmp/test_barrier.XXXXXX", path[64];
	ack_source *a = source_in(dir, path);
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ndjson_writer *w = ndjson_writer_open(p[1], "pipe");
	ack_source_emit(a, w, NULL, NULL);
	char lines[4][512];
	ck_assert_int_eq(read_lines(p[0], lines, 4), 1);

	/* Nothing comes back: given up after the idle time, not before. */
	done_log d = { 0 };
	double t0 = progress_now();
	ck_assert_int_eq(ack_source_drain(a, 300, on_done, &d, NULL), 0);
	double took = progress_now() - t0;
	ck_assert(took >= 0.29 && took < 2);
	ck_assert(ack_source_waiting(a, progress_now(), 1, progress_now()));
	ck_assert(!ack_source_waiting(a, t0, 0.2, t0 + 0.25));

	/* A stop asked for ends the wait at once. */
	volatile sig_atomic_t stop = 1;
	t0 = progress_now();
	ck_assert_int_eq(ack_source_drain(a, 5000, on_done, &d, &stop), 0);
	ck_assert(progress_now() - t0 < 1);

	/* A slow pipe draining a backlog: three barriers come back 200 ms apart,
	 * 600 ms in all, longer than the 350 ms idle time; each one that comes
	 * back restarts it, so the wait sees them all. */
	for (int i = 0; i < 3; i++)
		ack_source_emit(a, w, NULL, NULL);
	ck_assert_int_eq(read_lines(p[0], lines, 4), 3);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		ack_sink *s = ack_sink_new(path);
		for (int i = 0; i < 3; i++) {
			usleep(200 * 1000);
			ack_sink_write(s, lines[i], strlen(lines[i]));
		}
		_exit(0);
	}
	t0 = progress_now();
	ck_assert_int_eq(ack_source_drain(a, 350, on_done, &d, NULL), 1);
	ck_assert(progress_now() - t0 >= 0.55);
	ck_assert(!ack_source_waiting(a, 0, 10, progress_now())); /* none pending */
	waitpid(child, NULL, 0);

	source_done(a, w, p[0], dir, path);
}
END_TEST

START_TEST(a_sink_without_source_drops_the_acknowledgement)
{
	char dir[] = "/tmp/test_barrier.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/acks", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ack_sink *s = ack_sink_new(path);
	const char *line = "{\"vtex_pipes_barrier\":{\"run\":\"ab\",\"seq\":1,\"committed\":0}}";
	ck_assert(ack_sink_write(s, line, strlen(line))); /* no reader: not an error, nothing waits */
	ck_assert_uint_eq(ack_sink_count(s), 0);
	ack_sink_free(s);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(the_source_refuses_a_path_that_is_not_a_fifo)
{
	char path[] = "/tmp/test_barrier.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	const char *err = NULL;
	ck_assert_ptr_null(ack_source_open(path, "test", BARRIER_POLICY_DEFAULT, &err));
	ck_assert_ptr_nonnull(err);
	unlink(path);
}
END_TEST

START_TEST(barriers_fall_due_by_time_count_and_keepalive)
{
	char dir[] = "/tmp/test_barrier.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/acks", dir);
	const char *err = NULL;
	barrier_policy pol = { .interval_ms = 100, .records = 3, .keepalive_ms = 1000 };
	ack_source *a = ack_source_open(path, "test", pol, &err);
	ck_assert_ptr_nonnull(a);
	double now = progress_now();
	ck_assert(!ack_source_due(a, now));            /* nothing new, keepalive not due */
	ck_assert(ack_source_due(a, now + 1.01));      /* keepalive */
	ack_source_record(a);
	ck_assert(!ack_source_due(a, now));
	ck_assert(ack_source_due(a, now + 0.11));      /* interval after the first record */
	ack_source_record(a);
	ack_source_record(a);
	ck_assert(ack_source_due(a, now));             /* count */
	ack_source_close(a, NULL);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	log_init("test_barrier");
	Suite *s = suite_create("barrier");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, recognizes_only_the_reserved_prefix);
	tcase_add_test(tc, acknowledgements_come_back_through_a_fifo);
	tcase_add_test(tc, the_wait_gives_up_only_when_nothing_comes_back);
	tcase_add_test(tc, a_sink_without_source_drops_the_acknowledgement);
	tcase_add_test(tc, the_source_refuses_a_path_that_is_not_a_fifo);
	tcase_add_test(tc, barriers_fall_due_by_time_count_and_keepalive);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
