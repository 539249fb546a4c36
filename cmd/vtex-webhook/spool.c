#include "spool.h"
#include "private_file.h"
#include "buf.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
	unsigned long long epoch;
	int fd;
	off_t size; /* bytes appended and synced (whole lines), or the file's size for an old journal */
} journal;

struct spool {
	char *dir;
	size_t rotate_bytes;
	bool acked;    /* commit only through spool_acknowledge() */
	pthread_mutex_t mu;
	journal *js;   /* oldest first, from the one holding the committed position; the last takes appends */
	size_t nj;
	size_t fj;     /* forwarding is in js[fj] ... */
	off_t fwd_off; /* ... at this offset */
	off_t com_off; /* the committed position, in js[0] */
	int fwd_fd;    /* the "forwarded" file, rewritten in place (without acknowledgements) */
	int lock_fd;   /* DIR/lock, flock'ed while open: one vtex-webhook per spool */
	unsigned long long torn;
	buf chunk;
};

static char *journal_path(const spool *s, unsigned long long epoch)
{
	buf b = { 0 };
	buf_printf(&b, "%s/journal.%016llu.ndjson", s->dir, epoch);
	return (char *)buf_cstr(&b);
}

static void sync_dir(const spool *s)
{
	int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Records the committed position ("EPOCH OFFSET", fixed width). Without
 * acknowledgements one pwrite replaces the record (a crash may leave an older
 * one: lines sent twice, never lost). With them the file is replaced whole
 * and synced, since journals are deleted on the strength of it. */
static bool record_position(spool *s, unsigned long long epoch, off_t off)
{
	char rec[48];
	int n = snprintf(rec, sizeof rec, "%020llu %020lld\n", epoch, (long long)off);
	if (!s->acked) {
		if (pwrite(s->fwd_fd, rec, (size_t)n, 0) == n)
			return true;
		log_warn("cannot record the spool's forwarding position", LS("dir", s->dir),
			 LS("error", strerror(errno)));
		return false;
	}
	buf tmp = { 0 }, path = { 0 };
	buf_printf(&tmp, "%s/forwarded.tmp", s->dir);
	buf_printf(&path, "%s/forwarded", s->dir);
	int fd = private_open(buf_cstr(&tmp), O_WRONLY | O_TRUNC);
	bool ok = fd >= 0 && write(fd, rec, (size_t)n) == n && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	ok = ok && rename(buf_cstr(&tmp), buf_cstr(&path)) == 0;
	if (ok)
		sync_dir(s);
	else
		log_warn("cannot record the spool's acknowledged position; its journals are kept", LS("dir", s->dir),
			 LS("error", strerror(errno)));
	buf_free(&tmp);
	buf_free(&path);
	return ok;
}

/* Deletes js[0..k) (committed to their end; forwarding is past them); the
 * caller holds the lock and moves fj. */
static void drop_journals(spool *s, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		char *path = journal_path(s, s->js[i].epoch);
		close(s->js[i].fd);
		unlink(path);
		free(path);
	}
	memmove(s->js, s->js + k, (s->nj - k) * sizeof *s->js);
	s->nj -= k;
}

static bool push_journal(spool *s, unsigned long long epoch, int fd, off_t size)
{
	s->js = xrealloc(s->js, (s->nj + 1) * sizeof *s->js);
	s->js[s->nj++] = (journal){ .epoch = epoch, .fd = fd, .size = size };
	return true;
}

static int epoch_cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
	return x < y ? -1 : x > y;
}

static bool new_journal(spool *s, unsigned long long epoch)
{
	char *path = journal_path(s, epoch);
	int fd = private_open(path, O_WRONLY | O_EXCL | O_APPEND);
	free(path);
	if (fd < 0)
		return false;
	/* Appends go through this fd; forwarding reads with pread on the same one
	 * would need O_RDWR, so reopen for both. */
	close(fd);
	path = journal_path(s, epoch);
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return false;
	sync_dir(s);
	return push_journal(s, epoch, fd, 0);
}

spool *spool_open(const char *dir, size_t rotate_bytes, bool acked, const char **err)
{
	spool *s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	s->rotate_bytes = rotate_bytes;
	s->acked = acked;
	s->fwd_fd = -1;
	s->lock_fd = -1;
	pthread_mutex_init(&s->mu, NULL);
	if (private_mkdir(dir) != 0) {
		*err = "cannot create the spool directory";
		goto fail;
	}
	buf fpath = { 0 };
	buf_printf(&fpath, "%s/lock", dir);
	s->lock_fd = private_open(buf_cstr(&fpath), O_RDWR);
	buf_free(&fpath);
	if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		*err = s->lock_fd < 0 ? "cannot open the spool's lock file"
				      : "the spool is in use by another vtex-webhook (one process per spool directory)";
		goto fail;
	}
	buf_printf(&fpath, "%s/forwarded", dir);
	s->fwd_fd = private_open(buf_cstr(&fpath), O_RDWR);
	buf_free(&fpath);
	if (s->fwd_fd < 0) {
		*err = "cannot open the spool's position file";
		goto fail;
	}
	unsigned long long pos_epoch = 0;
	long long pos_off = 0;
	char rec[64] = { 0 };
	ssize_t rn = pread(s->fwd_fd, rec, sizeof rec - 1, 0);
	if (rn > 0 && sscanf(rec, "%llu %lld", &pos_epoch, &pos_off) != 2)
		pos_epoch = 0, pos_off = 0; /* unreadable: forward every journal from its start */
	if (acked) { /* the file is replaced, not rewritten in place */
		close(s->fwd_fd);
		s->fwd_fd = -1;
	}

	DIR *d = opendir(dir);
	if (!d) {
		*err = "cannot read the spool directory";
		goto fail;
	}
	unsigned long long *epochs = NULL, maxe = pos_epoch;
	size_t ne = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		unsigned long long e;
		char tail[16];
		if (sscanf(de->d_name, "journal.%llu.%15s", &e, tail) == 2 && strcmp(tail, "ndjson") == 0) {
			epochs = xrealloc(epochs, (ne + 1) * sizeof *epochs);
			epochs[ne++] = e;
		}
	}
	closedir(d);
	if (ne)
		qsort(epochs, ne, sizeof *epochs, epoch_cmp);
	for (size_t i = 0; i < ne; i++) {
		char *path = journal_path(s, epochs[i]);
		if (epochs[i] > maxe)
			maxe = epochs[i];
		if (epochs[i] < pos_epoch) { /* committed before the position moved on */
			unlink(path);
			free(path);
			continue;
		}
		int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
		free(path);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			free(epochs);
			*err = "cannot open a spool journal";
			goto fail;
		}
		if (st.st_size == 0) {
			close(fd);
			path = journal_path(s, epochs[i]);
			unlink(path);
			free(path);
			continue;
		}
		if (s->nj == 0)
			s->fwd_off = epochs[i] == pos_epoch && pos_off >= 0 && pos_off <= st.st_size ? pos_off : 0;
		push_journal(s, epochs[i], fd, st.st_size);
	}
	free(epochs);
	if (s->nj) {
		unsigned long long left = (unsigned long long)(s->js[0].size - s->fwd_off);
		for (size_t i = 1; i < s->nj; i++)
			left += (unsigned long long)s->js[i].size;
		log_info("spool: replaying journals left by an earlier run", LS("dir", dir), LI("journals", s->nj),
			 LI("bytes", left));
	}
	if (!new_journal(s, maxe + 1)) {
		*err = "cannot create a spool journal";
		goto fail;
	}
	if (s->nj == 1)
		s->fwd_off = 0;
	s->com_off = s->fwd_off;
	if (!record_position(s, s->js[0].epoch, s->com_off) && acked) {
		*err = "cannot record the spool's position";
		goto fail;
	}
	*err = NULL;
	return s;
fail:
	spool_close(s);
	return NULL;
}

bool spool_append(spool *s, const char *data, size_t len, bool *broken)
{
	*broken = false;
	pthread_mutex_lock(&s->mu);
	journal *j = &s->js[s->nj - 1];
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(j->fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	bool ok = done == len && fdatasync(j->fd) == 0;
	if (ok) {
		j->size += (off_t)len;
	} else {
		int e = errno;
		if (ftruncate(j->fd, j->size) != 0)
			*broken = true;
		errno = e;
	}
	pthread_mutex_unlock(&s->mu);
	return ok;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			poll(&pf, 1, 100);
		} else if (!(w < 0 && errno == EINTR)) {
			return false;
		}
	}
	return true;
}

/* Without acknowledgements what is forwarded is committed; the caller holds the lock. */
static void forwarded_is_committed(spool *s)
{
	if (s->acked)
		return;
	record_position(s, s->js[s->fj].epoch, s->fwd_off);
	drop_journals(s, s->fj);
	s->fj = 0;
	s->com_off = s->fwd_off;
}

/* Forwarding moves to the start of the next journal; the caller holds the lock. */
static void next_journal(spool *s)
{
	s->fj++;
	s->fwd_off = 0;
	forwarded_is_committed(s);
}

ssize_t spool_forward(spool *s, int fd, size_t max, size_t max_lines, size_t *lines)
{
	*lines = 0;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		journal *j = &s->js[s->fj];
		if (s->fwd_off < j->size)
			break;
		if (s->fj + 1 < s->nj) {
			next_journal(s);
			continue;
		}
		/* Caught up with the current journal: start a fresh one when it is big. */
		if (j->size >= (off_t)s->rotate_bytes && new_journal(s, j->epoch + 1))
			next_journal(s);
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	journal j = s->js[s->fj];
	off_t off = s->fwd_off;
	pthread_mutex_unlock(&s->mu);

	size_t want = (size_t)(j.size - off) < max ? (size_t)(j.size - off) : max;
	s->chunk.len = 0;
	buf_reserve(&s->chunk, want);
	ssize_t got = pread(j.fd, s->chunk.data, want, off);
	if (got <= 0) {
		log_error("cannot read a spool journal", LS("dir", s->dir), LS("error", got < 0 ? strerror(errno) : "short file"));
		errno = EIO;
		return -1;
	}
	size_t n = (size_t)got;
	while (n && s->chunk.data[n - 1] != '\n')
		n--;
	if (n == 0) {
		if (off + got < j.size && want == max)
			return spool_forward(s, fd, max * 2, max_lines, lines); /* a line longer than max */
		/* The end of an old journal without a newline: an append a crash cut short. */
		log_warn("spool: dropping a torn line at the end of a journal (never acknowledged)",
			 LI("epoch", (long long)j.epoch), LI("bytes", got));
		pthread_mutex_lock(&s->mu);
		s->torn += (unsigned long long)got;
		s->fwd_off = j.size;
		pthread_mutex_unlock(&s->mu);
		return spool_forward(s, fd, max, max_lines, lines);
	}
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		if (s->chunk.data[i] == '\n' && ++nl == max_lines) {
			n = i + 1;
			break;
		}
	if (!write_all(fd, s->chunk.data, n))
		return -1;
	*lines = nl;
	pthread_mutex_lock(&s->mu);
	s->fwd_off = off + (off_t)n;
	forwarded_is_committed(s);
	pthread_mutex_unlock(&s->mu);
	return (ssize_t)n;
}

spool_pos spool_forwarded(spool *s)
{
	pthread_mutex_lock(&s->mu);
	spool_pos p = { s->js[s->fj].epoch, (long long)s->fwd_off };
	pthread_mutex_unlock(&s->mu);
	return p;
}

bool spool_acknowledge(spool *s, spool_pos p)
{
	pthread_mutex_lock(&s->mu);
	size_t k = 0;
	while (k < s->fj && s->js[k].epoch < p.epoch)
		k++;
	if (s->js[k].epoch != p.epoch || (k == 0 && p.offset <= (long long)s->com_off)) {
		pthread_mutex_unlock(&s->mu); /* committed already */
		return true;
	}
	off_t off = (off_t)p.offset;
	/* Committed to its end, and forwarding has gone past it: nothing of it is needed. */
	while (k < s->fj && off >= s->js[k].size) {
		k++;
		off = 0;
	}
	unsigned long long epoch = s->js[k].epoch;
	/* Only this thread moves the journals (appends just grow the last one). */
	pthread_mutex_unlock(&s->mu);
	if (!record_position(s, epoch, off))
		return false;
	pthread_mutex_lock(&s->mu);
	drop_journals(s, k);
	s->fj -= k;
	s->com_off = off;
	pthread_mutex_unlock(&s->mu);
	return true;
}

unsigned long long spool_backlog(spool *s)
{
	pthread_mutex_lock(&s->mu);
	unsigned long long left = 0;
	for (size_t i = s->fj; i < s->nj; i++)
		left += (unsigned long long)s->js[i].size;
	left -= (unsigned long long)s->fwd_off;
	pthread_mutex_unlock(&s->mu);
	return left;
}

unsigned long long spool_uncommitted(spool *s)
{
	pthread_mutex_lock(&s->mu);
	unsigned long long left = 0;
	for (size_t i = 0; i < s->nj; i++)
		left += (unsigned long long)s->js[i].size;
	left -= (unsigned long long)s->com_off;
	pthread_mutex_unlock(&s->mu);
	return left;
}

unsigned long long spool_torn_bytes(const spool *s)
{
	return s->torn;
}

void spool_close(spool *s)
{
	if (!s)
		return;
	/* Everything committed: nothing to replay next time. */
	if (s->nj == 1 && s->com_off == s->js[0].size && record_position(s, s->js[0].epoch + 1, 0))
		drop_journals(s, 1);
	for (size_t i = 0; i < s->nj; i++)
		close(s->js[i].fd);
	if (s->fwd_fd >= 0)
		close(s->fwd_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->js);
	buf_free(&s->chunk);
	pthread_mutex_destroy(&s->mu);
	free(s->dir);
	free(s);
}
