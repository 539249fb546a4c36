#include "commit.h"
#include "buf.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct entry {
	struct entry *next;
	void *owner;
	double deadline;
	bool answered;
	size_t len;       /* with the '\n' */
	size_t start;     /* offset in the batch buffer while being written */
	char line[];
} entry;

typedef struct {
	void *owner;
	int status;
} answer;

struct commitq {
	commit_options o;
	pthread_mutex_t mu;
	pthread_cond_t work, tick, fwd;
	entry *head, *tail;   /* queued, not yet taken by the committer */
	entry **batch;        /* taken: being written */
	size_t nbatch, capbatch;
	size_t pending;       /* not yet answered */
	bool stopping, committer_done, watcher_stop, fwd_stop;
	bool nonblocking;     /* out_fd is O_NONBLOCK */
	_Atomic bool closed;
	double fwd_until;
	pthread_t committer, watcher, forwarder;
	answer *ans;          /* answers collected under the lock, given after it */
	size_t nans, capans;
	buf out;
	metric *m_written, *m_expired, *m_batches, *m_batch_lines, *m_backlog;
};

static void collect(commitq *q, entry *e, int status)
{
	if (e->answered)
		return;
	e->answered = true;
	q->pending--;
	if (q->nans == q->capans) {
		q->capans = q->capans ? q->capans * 2 : 64;
		q->ans = xrealloc(q->ans, q->capans * sizeof *q->ans);
	}
	q->ans[q->nans++] = (answer){ e->owner, status };
	if (status == 503)
		metric_add(q->m_expired, 1);
}

/* Gives the collected answers; called without the lock. Only the thread
 * that collected them gives them: each thread has its own list. */
static void give(commitq *q, answer *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		q->o.answer(a[i].owner, a[i].status, q->o.ctx);
}

/* Moves the collected answers out, under the lock. */
static size_t take_answers(commitq *q, answer **out, size_t *cap)
{
	size_t n = q->nans;
	if (n > *cap) {
		*cap = n;
		*out = xrealloc(*out, n * sizeof **out);
	}
	if (n)
		memcpy(*out, q->ans, n * sizeof **out);
	q->nans = 0;
	return n;
}

/* Answers 503 to every line not answered yet and frees the queued ones; under the lock. */
static void fail_all(commitq *q)
{
	for (size_t i = 0; i < q->nbatch; i++)
		collect(q, q->batch[i], 503);
	while (q->head) {
		entry *e = q->head;
		q->head = e->next;
		collect(q, e, 503);
		free(e);
	}
	q->tail = NULL;
}

static void mark_closed(commitq *q, int err)
{
	if (!atomic_exchange(&q->closed, true))
		log_error("output closed: answering 503 from now on", LS("error", strerror(err)));
}

/* Drops from the batch buffer the lines answered 503 (past their deadline)
 * none of whose bytes went out; under the lock. */
static void drop_expired(commitq *q, size_t next, size_t written)
{
	size_t first = next;
	if (first < q->nbatch && q->batch[first]->start < written)
		first++; /* cut mid-line: it must be finished */
	size_t to = first, pos = first < q->nbatch ? q->batch[first]->start : q->out.len;
	for (size_t i = first; i < q->nbatch; i++) {
		entry *e = q->batch[i];
		if (e->answered) {
			free(e);
			continue;
		}
		memmove(q->out.data + pos, q->out.data + e->start, e->len);
		e->start = pos;
		pos += e->len;
		q->batch[to++] = e;
	}
	q->nbatch = to;
	q->out.len = pos;
}

/* A write to a regular file failed (disk full, I/O error) after part of a
 * line went out: the file is cut back to the end of the last whole line, so
 * no line answered 503 is left half written (the next run's first line would
 * be glued to it). torn: bytes of unfinished lines already written. */
static void cut_torn_line(commitq *q, size_t torn)
{
	struct stat st;
	if (!torn || fstat(q->o.out_fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size < torn)
		return;
	if (ftruncate(q->o.out_fd, st.st_size - (off_t)torn) != 0)
		log_error("cannot cut a half-written line off the output; the next start ends it",
			  LS("error", strerror(errno)));
	else
		log_warn("write failed mid-line: the half-written line was cut off the output", LI("bytes", torn));
}

/* Writes the batch buffer. On a non-blocking output (pipe, socket) each
 * write happens under the lock, after dropping the lines answered 503, so a
 * line answered 503 before any byte of it went out is never written. */
static void write_batch(commitq *q, answer **ans, size_t *capans)
{
	size_t written = 0, next = 0; /* next: first entry not fully written */
	for (;;) {
		pthread_mutex_lock(&q->mu);
		drop_expired(q, next, written);
		if (written >= q->out.len) {
			pthread_mutex_unlock(&q->mu);
			return;
		}
		if (!q->nonblocking)
			pthread_mutex_unlock(&q->mu); /* a file: the write may take a while */
		ssize_t n = write(q->o.out_fd, q->out.data + written, q->out.len - written);
		int err = errno;
		if (!q->nonblocking)
			pthread_mutex_lock(&q->mu);
		if (n > 0) {
			written += (size_t)n;
			while (next < q->nbatch && q->batch[next]->start + q->batch[next]->len <= written) {
				collect(q, q->batch[next], 200);
				metric_add(q->m_written, 1);
				next++;
			}
		} else if (!(n < 0 && (err == EINTR || err == EAGAIN))) {
			if (next < q->nbatch)
				cut_torn_line(q, written - q->batch[next]->start);
			mark_closed(q, n < 0 ? err : EIO);
			fail_all(q);
		}
		size_t na = take_answers(q, ans, capans);
		pthread_mutex_unlock(&q->mu);
		give(q, *ans, na);
		if (atomic_load(&q->closed))
			return;
		if (n < 0 && err == EAGAIN) {
			struct pollfd pf = { .fd = q->o.out_fd, .events = POLLOUT };
			poll(&pf, 1, 50);
		}
	}
}

static void append_batch(commitq *q, answer **ans, size_t *capans)
{
	bool broken = false;
	bool ok = spool_append(q->o.sp, q->out.data, q->out.len, &broken);
	if (!ok)
		log_error("cannot append to the spool journal: answering 503", LS("error", strerror(errno)));
	if (broken)
		mark_closed(q, errno);
	pthread_mutex_lock(&q->mu);
	for (size_t i = 0; i < q->nbatch; i++) {
		if (ok)
			metric_add(q->m_written, 1);
		collect(q, q->batch[i], ok ? 200 : 503);
	}
	if (broken)
		fail_all(q);
	size_t na = take_answers(q, ans, capans);
	if (ok)
		pthread_cond_signal(&q->fwd);
	pthread_mutex_unlock(&q->mu);
	give(q, *ans, na);
}

static void *committer(void *arg)
{
	commitq *q = arg;
	answer *ans = NULL;
	size_t capans = 0;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->work, &q->mu);
		if (!q->head)
			break;
		/* Take the queue: one batch, up to max_batch_bytes. */
		q->out.len = 0;
		while (q->head && (q->out.len == 0 || q->out.len + q->head->len <= q->o.max_batch_bytes)) {
			entry *e = q->head;
			q->head = e->next;
			if (q->nbatch == q->capbatch) {
				q->capbatch = q->capbatch ? q->capbatch * 2 : 256;
				q->batch = xrealloc(q->batch, q->capbatch * sizeof *q->batch);
			}
			e->start = q->out.len;
			buf_put(&q->out, e->line, e->len);
			q->batch[q->nbatch++] = e;
		}
		if (!q->head)
			q->tail = NULL;
		pthread_mutex_unlock(&q->mu);

		metric_add(q->m_batches, 1);
		metric_observe(q->m_batch_lines, (double)q->nbatch);
		if (atomic_load(&q->closed)) {
			pthread_mutex_lock(&q->mu);
			fail_all(q);
			size_t na = take_answers(q, &ans, &capans);
			pthread_mutex_unlock(&q->mu);
			give(q, ans, na);
		} else if (q->o.sp) {
			append_batch(q, &ans, &capans);
		} else {
			write_batch(q, &ans, &capans);
		}
		pthread_mutex_lock(&q->mu);
		for (size_t i = 0; i < q->nbatch; i++)
			free(q->batch[i]);
		q->nbatch = 0;
	}
	q->committer_done = true;
	pthread_cond_broadcast(&q->tick);
	pthread_mutex_unlock(&q->mu);
	free(ans);
	return NULL;
}

/* The oldest line not answered yet (deadlines grow with submission order). */
static entry *oldest_unanswered(commitq *q)
{
	for (size_t i = 0; i < q->nbatch; i++)
		if (!q->batch[i]->answered)
			return q->batch[i];
	return q->head;
}

static void *watcher(void *arg)
{
	commitq *q = arg;
	answer *ans = NULL;
	size_t capans = 0;
	pthread_mutex_lock(&q->mu);
	while (!q->watcher_stop) {
		entry *e = oldest_unanswered(q);
		double now = progress_now();
		if (!e) {
			pthread_cond_wait(&q->tick, &q->mu);
			continue;
		}
		if (e->deadline > now) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			double wait = e->deadline - now + 0.001;
			ts.tv_sec += (time_t)wait;
			ts.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&q->tick, &q->mu, &ts);
			continue;
		}
		/* Past their deadline: 503. Queued ones are dropped unwritten; the
		 * committer drops unstarted ones of its batch. */
		size_t expired = 0;
		for (size_t i = 0; i < q->nbatch; i++)
			if (!q->batch[i]->answered && q->batch[i]->deadline <= now) {
				collect(q, q->batch[i], 503);
				expired++;
			}
		while (q->head && q->head->deadline <= now) {
			entry *h = q->head;
			q->head = h->next;
			collect(q, h, 503);
			free(h);
			expired++;
		}
		if (!q->head)
			q->tail = NULL;
		size_t na = take_answers(q, &ans, &capans);
		pthread_mutex_unlock(&q->mu);
		if (expired)
			log_warn("output stalled past the write deadline: answered 503", LI("requests", expired));
		give(q, ans, na);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	free(ans);
	return NULL;
}

/* The output failed: answer 503 from now on. */
static void forward_failed(commitq *q)
{
	answer *ans = NULL;
	size_t capans = 0;
	mark_closed(q, errno);
	pthread_mutex_lock(&q->mu);
	fail_all(q);
	size_t na = take_answers(q, &ans, &capans);
	pthread_mutex_unlock(&q->mu);
	give(q, ans, na);
	free(ans);
}

static void *forwarder(void *arg)
{
	commitq *q = arg;
	spool_acks *acks = q->o.acks;
	for (;;) {
		metric_set(q->m_backlog, (double)spool_backlog(q->o.sp));
		size_t lines;
		ssize_t n = spool_forward(q->o.sp, q->o.out_fd, 1 << 20, acks ? spool_acks_room(acks) : 0, &lines);
		if (acks && n > 0)
			spool_acks_forwarded(acks, lines);
		/* Between two chunks of whole lines: where a barrier may go. */
		if (n < 0 || (acks && !spool_acks_tick(acks))) {
			forward_failed(q);
			break;
		}
		if (n > 0)
			continue;
		pthread_mutex_lock(&q->mu);
		if (q->fwd_stop) {
			pthread_mutex_unlock(&q->mu);
			if (acks && !spool_acks_last(acks))
				forward_failed(q);
			break;
		}
		long wait_ms = acks ? spool_acks_wait_ms(acks) : 200;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += wait_ms * 1000000L;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&q->fwd, &q->mu, &ts);
		pthread_mutex_unlock(&q->mu);
	}
	return NULL;
}

commitq *commitq_start(const commit_options *o)
{
	static const double sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
	commitq *q = xcalloc(1, sizeof *q);
	q->o = *o;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->tick, NULL);
	pthread_cond_init(&q->fwd, NULL);
	atomic_init(&q->closed, false);
	int fl = fcntl(o->out_fd, F_GETFL);
	q->nonblocking = fl >= 0 && (fl & O_NONBLOCK);
	const char *help = "Hook events by outcome: written (or journalled), or answered 503 unwritten past the deadline.";
	q->m_written = metrics_counter("vtex_pipes_webhook_events_total", help, "outcome=\"written\"");
	q->m_expired = metrics_counter("vtex_pipes_webhook_events_total", help, "outcome=\"503\"");
	q->m_batches = metrics_counter("vtex_pipes_webhook_write_batches_total", "Group-commit batches written.", "");
	q->m_batch_lines = metrics_histogram("vtex_pipes_webhook_batch_lines", "Events per group-commit batch.", "",
					     sizes, sizeof sizes / sizeof *sizes);
	q->m_backlog = metrics_gauge("vtex_pipes_webhook_spool_backlog_bytes", "Journalled bytes not yet forwarded.", "");
	pthread_create(&q->committer, NULL, committer, q);
	pthread_create(&q->watcher, NULL, watcher, q);
	if (q->o.sp)
		pthread_create(&q->forwarder, NULL, forwarder, q);
	return q;
}

bool commitq_submit(commitq *q, const char *line, size_t len, void *owner)
{
	entry *e = xmalloc(sizeof *e + len + 1);
	e->next = NULL;
	e->owner = owner;
	e->answered = false;
	e->deadline = progress_now() + q->o.deadline_s;
	e->len = len + 1;
	memcpy(e->line, line, len);
	e->line[len] = '\n';
	pthread_mutex_lock(&q->mu);
	if (q->stopping || atomic_load(&q->closed)) {
		pthread_mutex_unlock(&q->mu);
		free(e);
		return false;
	}
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	if (q->pending++ == 0)
		pthread_cond_signal(&q->tick);
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	return true;
}

bool commitq_closed(const commitq *q)
{
	return atomic_load(&q->closed);
}

commitq_end commitq_stop(commitq *q, double drain_s)
{
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->committer, NULL);
	pthread_mutex_lock(&q->mu);
	q->watcher_stop = true;
	pthread_cond_broadcast(&q->tick);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->watcher, NULL);
	bool forwarded = true;
	if (q->o.sp) {
		pthread_mutex_lock(&q->mu);
		q->fwd_stop = true;
		pthread_cond_broadcast(&q->fwd);
		pthread_mutex_unlock(&q->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)drain_s + 1;
		if (pthread_timedjoin_np(q->forwarder, NULL, &ts) != 0) {
			/* The output does not take what the journal holds; it stays there for the next run. */
			log_warn("the output did not take the spool's backlog in time; it stays in the journal",
				 LI("bytes", spool_backlog(q->o.sp)));
			forwarded = false;
		}
	}
	commitq_end end = atomic_load(&q->closed) ? COMMITQ_OUT_CLOSED : COMMITQ_STOPPED;
	if (!forwarded)
		return COMMITQ_BACKLOG; /* the forwarder still runs: leave the queue to the process's exit */
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->tick);
	pthread_cond_destroy(&q->fwd);
	free(q->batch);
	free(q->ans);
	buf_free(&q->out);
	free(q);
	return end;
}
