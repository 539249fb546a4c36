#include "barrier.h"
#include "private_file.h"

#include "exitcode.h"
#include "log.h"
#include "ndjson_writer.h"
#include "progress.h"
#include "rejects.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

bool barrier_parse(const char *text, size_t len, barrier_info *b)
{
	if (!barrier_is(text, len))
		return false;
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "vtex_pipes_barrier");
	const cJSON *run = cJSON_GetObjectItemCaseSensitive(o, "run");
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	const cJSON *committed = cJSON_GetObjectItemCaseSensitive(o, "committed");
	bool ok = cJSON_IsString(run) && strlen(run->valuestring) < sizeof b->run && cJSON_IsNumber(seq) &&
		  seq->valuedouble >= 1 && seq->valuedouble < JSON_SAFE_INT_LIMIT && cJSON_IsNumber(committed) &&
		  committed->valuedouble >= 0 && committed->valuedouble < seq->valuedouble;
	if (ok) {
		strcpy(b->run, run->valuestring);
		b->seq = (unsigned long long)seq->valuedouble;
		b->committed = (unsigned long long)committed->valuedouble;
	}
	cJSON_Delete(root);
	return ok;
}

void barrier_forward(ndjson_writer *out, rejects *rej, const char *line, size_t len)
{
	if (!rejects_sync(rej)) {
		log_error("cannot write the rejects file out before a barrier");
		exit(VP_EXIT_IOERR);
	}
	ndjson_write_line(out, line, len);
	ndjson_writer_flush(out);
}

/* ---- source ---- */

typedef struct {
	unsigned long long seq;
	double at;
	void *ctx;
} pending_barrier;

struct ack_source {
	int fd;
	const char *source;
	char run[33];
	barrier_policy policy;
	unsigned long long seq, committed;
	unsigned long uncovered;   /* records written since the last barrier */
	double first_uncovered;    /* when the first of them was written */
	double last_emit;
	double last_back;          /* when a barrier last came back */
	pending_barrier *pending;  /* oldest first */
	size_t npending, cappending;
	double last_stall_log;
	buf in;                    /* a partial acknowledgement line */
};

ack_source *ack_source_open(const char *path, const char *source, barrier_policy policy, const char **err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT || mkfifo(path, 0600) != 0) {
			*err = "cannot create the acknowledgement FIFO";
			return NULL;
		}
	} else if (!S_ISFIFO(st.st_mode)) {
		errno = EINVAL;
		*err = "the acknowledgement path is not a FIFO";
		return NULL;
	}
	/* Read-write: a FIFO opened so never reports end-of-file when its
	 * writers come and go, and the open does not wait for one. */
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*err = "cannot open the acknowledgement FIFO";
		return NULL;
	}
	ack_source *a = xcalloc(1, sizeof *a);
	a->fd = fd;
	a->source = source;
	a->policy = policy;
	unsigned char r[16];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		/* No entropy source: pid and time still tell runs apart. */
		snprintf(a->run, sizeof a->run, "%08lx%016llx", (unsigned long)getpid(),
			 (unsigned long long)(progress_now() * 1e6));
	} else {
		for (size_t i = 0; i < sizeof r; i++)
			snprintf(a->run + 2 * i, 3, "%02x", r[i]);
	}
	a->last_emit = progress_now();
	return a;
}

int ack_source_fd(const ack_source *a)
{
	return a->fd;
}

void ack_source_record(ack_source *a)
{
	if (a->uncovered++ == 0)
		a->first_uncovered = progress_now();
}

bool ack_source_due(const ack_source *a, double now)
{
	return ack_source_due_in_ms(a, now) == 0;
}

int ack_source_due_in_ms(const ack_source *a, double now)
{
	double due;
	if (a->uncovered >= a->policy.records)
		return 0;
	if (a->uncovered)
		due = a->first_uncovered + a->policy.interval_ms / 1000 - now;
	else
		due = a->last_emit + a->policy.keepalive_ms / 1000 - now;
	return due <= 0 ? 0 : (int)(due * 1000) + 1;
}

unsigned long long ack_source_emit(ack_source *a, ndjson_writer *w, const char *commit, void *ctx)
{
	unsigned long long seq = ++a->seq;
	buf *b = ndjson_line_buf(w);
	buf_puts(b, BARRIER_PREFIX "{\"source\":");
	buf_json_string(b, a->source, strlen(a->source));
	buf_printf(b, ",\"run\":\"%s\",\"seq\":%llu,\"committed\":%llu,\"commit\":%s}}", a->run, seq, a->committed,
		   commit ? commit : "{}");
	ndjson_end_line(w);
	if (a->npending == a->cappending) {
		a->cappending = a->cappending ? 2 * a->cappending : 16;
		a->pending = xrealloc(a->pending, a->cappending * sizeof *a->pending);
	}
	a->last_emit = progress_now();
	a->pending[a->npending++] = (pending_barrier){ seq, a->last_emit, ctx };
	a->uncovered = 0;
	ndjson_writer_flush(w);
	return seq;
}

/* Every pending barrier up to seq is acknowledged. */
static int acknowledge(ack_source *a, unsigned long long seq, ack_done_fn done, void *user)
{
	size_t n = 0;
	while (n < a->npending && a->pending[n].seq <= seq)
		n++;
	for (size_t i = 0; i < n; i++)
		done(user, a->pending[i].seq, a->pending[i].ctx);
	memmove(a->pending, a->pending + n, (a->npending - n) * sizeof *a->pending);
	a->npending -= n;
	if (n && seq > a->committed)
		a->committed = seq;
	if (n)
		a->last_back = progress_now();
	return (int)n;
}

static int take_line(ack_source *a, const char *line, size_t len, ack_done_fn done, void *user)
{
	barrier_info b;
	if (!barrier_parse(line, len, &b)) {
		log_warn("acknowledgement FIFO: a line that is not a barrier, ignored", LI("bytes", len));
		return 0;
	}
	if (strcmp(b.run, a->run) != 0 || b.seq > a->seq) {
		log_debug("acknowledgement of another run, ignored", LS("run", b.run), LI("seq", b.seq));
		return 0;
	}
	return acknowledge(a, b.seq, done, user);
}

int ack_source_take(ack_source *a, ack_done_fn done, void *user)
{
	int acked = 0;
	char chunk[8192];
	for (;;) {
		ssize_t n = read(a->fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			log_error("cannot read acknowledgements", LS("error", n < 0 ? strerror(errno) : "end of file"));
			return -1;
		}
		buf_put(&a->in, chunk, (size_t)n);
	}
	size_t start = 0;
	for (size_t i = 0; i < a->in.len; i++) {
		if (a->in.data[i] != '\n')
			continue;
		acked += take_line(a, a->in.data + start, i - start, done, user);
		start = i + 1;
	}
	if (start) {
		memmove(a->in.data, a->in.data + start, a->in.len - start);
		a->in.len -= start;
	}
	return acked;
}

/* When the wait began or a barrier last came back, whichever is later: the
 * idle time counts from there. */
static double idle_since(const ack_source *a, double since)
{
	return a->last_back > since ? a->last_back : since;
}

int ack_source_drain(ack_source *a, int idle_ms, ack_done_fn done, void *user, const volatile sig_atomic_t *stop)
{
	double since = progress_now();
	while (a->npending) {
		double now = progress_now();
		if (!ack_source_waiting(a, since, idle_ms / 1000.0, now) || (stop && *stop))
			return 0;
		double left = idle_since(a, since) + idle_ms / 1000.0 - now;
		struct pollfd p = { .fd = a->fd, .events = POLLIN };
		/* In short slices: a stop does not wait the rest out. */
		int r = poll(&p, 1, left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR) {
			log_error("cannot wait for acknowledgements", LS("error", strerror(errno)));
			return -1;
		}
		if (r > 0 && ack_source_take(a, done, user) < 0)
			return -1;
	}
	return 1;
}

bool ack_source_waiting(const ack_source *a, double since, double idle_s, double now)
{
	return a->npending && now < idle_since(a, since) + idle_s;
}

size_t ack_source_pending(const ack_source *a)
{
	return a->npending;
}

/* How long the oldest pending barrier has waited (s). */
static double oldest_age(const ack_source *a, double now)
{
	return a->npending ? now - a->pending[0].at : 0;
}

unsigned long long ack_source_committed(const ack_source *a)
{
	return a->committed;
}

void ack_source_check_stalled(ack_source *a, double now)
{
	double age = oldest_age(a, now);
	if (age < 60 || now - a->last_stall_log < 60)
		return;
	a->last_stall_log = now;
	log_warn("no acknowledgement for over a minute: nothing is committed until one comes back "
		 "(is the sink started with --ack-to, and does every stage pass barriers on?)",
		 LD("waited_s", age), LI("pending", a->npending));
}

void ack_source_close(ack_source *a, void (*drop)(void *ctx))
{
	if (!a)
		return;
	for (size_t i = 0; i < a->npending; i++)
		if (drop)
			drop(a->pending[i].ctx);
	close(a->fd);
	free(a->pending);
	buf_free(&a->in);
	free(a);
}

/* ---- sink ---- */

struct ack_sink {
	char *path;
	int fd;
	unsigned long long count;
	bool warned;
};

ack_sink *ack_sink_new(const char *path)
{
	ack_sink *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->fd = -1;
	return s;
}

static bool sink_open(ack_sink *s)
{
	/* Non-blocking, so a FIFO with no source on it fails (ENXIO) at once
	 * instead of waiting; writes then block as usual. */
	s->fd = private_open(s->path, O_WRONLY | O_APPEND | O_NONBLOCK);
	if (s->fd < 0)
		return false;
	int fl = fcntl(s->fd, F_GETFL);
	if (fl >= 0)
		fcntl(s->fd, F_SETFL, fl & ~O_NONBLOCK);
	return true;
}

bool ack_sink_write(ack_sink *s, const char *line, size_t len)
{
	if (s->fd < 0 && !sink_open(s)) {
		if (errno == ENXIO) {
			if (!s->warned)
				log_warn("no source reads the acknowledgement FIFO: acknowledgement dropped",
					 LS("path", s->path));
			s->warned = true;
			return true;
		}
		log_error("cannot open the acknowledgement output", LS("path", s->path), LS("error", strerror(errno)));
		return false;
	}
	buf b = { 0 };
	buf_put(&b, line, len);
	buf_putc(&b, '\n');
	size_t off = 0;
	bool ok = true;
	while (off < b.len) {
		ssize_t n = write(s->fd, b.data + off, b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EPIPE) { /* the source went away; a new one may open the FIFO */
				if (!s->warned)
					log_warn("the source closed the acknowledgement FIFO: acknowledgement dropped",
						 LS("path", s->path));
				s->warned = true;
			} else {
				log_error("cannot write the acknowledgement", LS("path", s->path),
					  LS("error", strerror(errno)));
				ok = false;
			}
			close(s->fd);
			s->fd = -1;
			break;
		}
		off += (size_t)n;
	}
	if (off == b.len) {
		s->count++;
		s->warned = false;
	}
	buf_free(&b);
	return ok;
}

unsigned long long ack_sink_count(const ack_sink *s)
{
	return s->count;
}

void ack_sink_free(ack_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	free(s);
}
