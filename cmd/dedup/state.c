#include "state.h"
#include "private_file.h"
#include "exitcode.h"
#include "le.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* Header: magic, u32 spec length, spec, u64 seed, u32 checksum of all before.
 * Entry: u64 hi (version kind in bits 1-2), u64 lo, then a u64 value (number,
 * timestamp) or u16 length and bytes (string) or nothing (keep-first), then a
 * u32 checksum of the entry. Snapshot trailer: END_MAGIC, u64 entry count,
 * u32 checksum; its first byte is even, an entry's (hi bit 0 = 1) is odd. */
static const char MAGIC[8] = "VPDEDUP1";
static const char END_MAGIC[8] = "VPDEDEND";
enum { COMPACT_AT = 16 << 20, MAX_SPEC = 4096 };

struct state {
	char *path, *journal_path, *tmp_path;
	int journal_fd;
	uint64_t seed;
	buf header;
	size_t journal_bytes, snapshot_bytes, compact_at;
};

static void put_header(buf *b, const char *spec, uint64_t seed)
{
	unsigned char n[12];
	size_t start = b->len;
	buf_put(b, MAGIC, sizeof MAGIC);
	le_put32(n, (uint32_t)strlen(spec));
	buf_put(b, n, 4);
	buf_puts(b, spec);
	le_put64(n, seed);
	buf_put(b, n, 8);
	le_put32(n, XXH32(b->data + start, b->len - start, 0));
	buf_put(b, n, 4);
}

void state_entry(buf *b, fp128 fp, const version *v)
{
	unsigned char n[16];
	size_t start = b->len;
	le_put64(n, fp.hi | (uint64_t)v->kind << 1);
	le_put64(n + 8, fp.lo);
	buf_put(b, n, 16);
	switch (v->kind) {
	case VK_NUMBER:
		le_put64(n, double_bits(v->num));
		buf_put(b, n, 8);
		break;
	case VK_TIME:
		le_put64(n, (uint64_t)v->ticks);
		buf_put(b, n, 8);
		break;
	case VK_STRING:
		n[0] = (unsigned char)v->len;
		n[1] = (unsigned char)(v->len >> 8);
		buf_put(b, n, 2);
		buf_put(b, v->str, v->len);
		break;
	default:
		break;
	}
	le_put32(n, XXH32(b->data + start, b->len - start, 0));
	buf_put(b, n, 4);
}

size_t state_entry_key(const char *p, fp128 *fp)
{
	const unsigned char *u = (const unsigned char *)p;
	uint64_t hi = le_get64(u);
	size_t n = 16;
	*fp = fp_make(hi, le_get64(u + 8));
	switch ((enum version_kind)((hi & FP_TAG_MASK) >> 1)) {
	case VK_NUMBER:
	case VK_TIME:
		n += 8;
		break;
	case VK_STRING:
		n += 2 + ((size_t)u[16] | (size_t)u[17] << 8);
		break;
	default:
		break;
	}
	return n + 4;
}

/* A file read whole-entry by whole-entry through stdio. */
typedef struct {
	FILE *f;
	size_t offset;  /* bytes consumed by complete, valid items */
	buf item;
} reader;

static bool read_exact(reader *r, size_t n)
{
	buf_reserve(&r->item, n);
	if (fread(r->item.data + r->item.len, 1, n, r->f) != n)
		return false;
	r->item.len += n;
	return true;
}

static bool checksum_ok(reader *r)
{
	size_t body = r->item.len;
	if (!read_exact(r, 4))
		return false;
	return le_get32((unsigned char *)r->item.data + body) == XXH32(r->item.data, body, 0);
}

enum read_result { READ_OK, READ_END, READ_BAD };

/* Reads the header; READ_END when the file is empty or shorter than one. */
static enum read_result read_header(reader *r, buf *spec, uint64_t *seed)
{
	r->item.len = 0;
	if (!read_exact(r, 12))
		return r->item.len == 0 ? READ_END : READ_BAD;
	if (memcmp(r->item.data, MAGIC, 8) != 0)
		return READ_BAD;
	uint32_t n = le_get32((unsigned char *)r->item.data + 8);
	if (n > MAX_SPEC || !read_exact(r, n + 8))
		return READ_BAD;
	if (!checksum_ok(r))
		return READ_BAD;
	spec->len = 0;
	buf_put(spec, r->item.data + 12, n);
	*seed = le_get64((unsigned char *)r->item.data + 12 + n);
	r->offset += r->item.len;
	return READ_OK;
}

/* Reads one entry into *fp and *v (v->str points into the reader's buffer). */
static enum read_result read_entry(reader *r, bool versioned, fp128 *fp, version *v)
{
	int c = getc(r->f);
	r->item.len = 0;
	if (c == EOF)
		return READ_END;
	ungetc(c, r->f);
	if (!(c & 1))
		return READ_END; /* a snapshot's trailer */
	if (!read_exact(r, 16))
		return READ_BAD;
	unsigned char *p = (unsigned char *)r->item.data;
	uint64_t hi = le_get64(p);
	*fp = fp_make(hi, le_get64(p + 8));
	memset(v, 0, sizeof *v);
	v->kind = (enum version_kind)((hi & FP_TAG_MASK) >> 1);
	if (!versioned && v->kind != VK_NONE)
		return READ_BAD;
	switch (v->kind) {
	case VK_NUMBER:
	case VK_TIME:
		if (!read_exact(r, 8))
			return READ_BAD;
		break;
	case VK_STRING:
		if (!read_exact(r, 2))
			return READ_BAD;
		p = (unsigned char *)r->item.data;
		v->len = (size_t)p[16] | (size_t)p[17] << 8;
		if (!read_exact(r, v->len))
			return READ_BAD;
		break;
	default:
		if (versioned)
			return READ_BAD;
	}
	if (!checksum_ok(r))
		return READ_BAD;
	p = (unsigned char *)r->item.data;
	if (v->kind == VK_NUMBER)
		v->num = bits_double(le_get64(p + 16));
	else if (v->kind == VK_TIME)
		v->ticks = (int64_t)le_get64(p + 16);
	else if (v->kind == VK_STRING)
		v->str = (const char *)p + 18;
	r->offset += r->item.len;
	return READ_OK;
}

static enum read_result read_trailer(reader *r, uint64_t count)
{
	r->item.len = 0;
	if (!read_exact(r, 16) || memcmp(r->item.data, END_MAGIC, 8) != 0 ||
	    le_get64((unsigned char *)r->item.data + 8) != count || !checksum_ok(r) ||
	    getc(r->f) != EOF)
		return READ_BAD;
	return READ_OK;
}

static int fail(const char *msg, const char *path, int code)
{
	log_error(msg, LS("path", path), LS("error", errno ? strerror(errno) : "bad format"));
	return code;
}

/* Loads the snapshot; 0 or an exit code. A missing snapshot is an empty one. */
static int load_snapshot(state *st, const char *spec, seen *s, bool *have_seed)
{
	reader r = { .f = fopen(st->path, "rb") };
	buf file_spec = { 0 };
	uint64_t count = 0;
	fp128 fp;
	version v;
	int rc = 0;

	if (!r.f)
		return errno == ENOENT ? 0 : fail("cannot open the state", st->path, VP_EXIT_IOERR);
	errno = 0;
	if (read_header(&r, &file_spec, &st->seed) != READ_OK) {
		rc = fail("state file damaged (header)", st->path, VP_EXIT_DATAERR);
		goto out;
	}
	if (strlen(spec) != file_spec.len || memcmp(spec, file_spec.data, file_spec.len) != 0) {
		log_error("the state was written for other key or version fields",
			  LS("path", st->path), LS("state", buf_cstr(&file_spec)), LS("now", spec));
		rc = VP_EXIT_CONFIG;
		goto out;
	}
	*have_seed = true;
	enum read_result res;
	while ((res = read_entry(&r, s->versioned, &fp, &v)) == READ_OK) {
		seen_offer(s, fp, &v, SIZE_MAX);
		count++;
	}
	if (res == READ_BAD || read_trailer(&r, count) != READ_OK)
		rc = fail("state file damaged", st->path, VP_EXIT_DATAERR);
	st->snapshot_bytes = r.offset;
out:
	fclose(r.f);
	buf_free(&r.item);
	buf_free(&file_spec);
	return rc;
}

/* Replays the journal, cutting off a torn or damaged tail; 0 or an exit code. */
static int load_journal(state *st, const char *spec, seen *s, bool *have_seed)
{
	int fd = dup(st->journal_fd);
	reader r = { .f = fd >= 0 ? fdopen(fd, "rb") : NULL };
	buf file_spec = { 0 };
	uint64_t seed = 0, count = 0;
	fp128 fp;
	version v;
	int rc = 0;

	if (!r.f)
		return fail("cannot read the state journal", st->journal_path, VP_EXIT_IOERR);
	enum read_result res = read_header(&r, &file_spec, &seed);
	if (res == READ_BAD)
		log_warn("state journal header torn or damaged; ignoring the journal",
			 LS("path", st->journal_path));
	if (res == READ_OK &&
	    (strlen(spec) != file_spec.len || memcmp(spec, file_spec.data, file_spec.len) != 0)) {
		log_error("the state journal was written for other key or version fields",
			  LS("path", st->journal_path), LS("state", buf_cstr(&file_spec)), LS("now", spec));
		rc = VP_EXIT_CONFIG;
		goto out;
	}
	if (res == READ_OK && *have_seed && seed != st->seed) {
		errno = 0;
		rc = fail("state journal does not belong to the snapshot", st->journal_path, VP_EXIT_DATAERR);
		goto out;
	}
	if (res == READ_OK) {
		st->seed = seed;
		*have_seed = true;
		while ((res = read_entry(&r, s->versioned, &fp, &v)) == READ_OK) {
			seen_offer(s, fp, &v, SIZE_MAX);
			count++;
		}
		/* An even first byte mid-journal is damage too, as is a torn entry. */
		if (res != READ_END || getc(r.f) != EOF) {
			log_warn("state journal ends in a torn or damaged entry; ignoring the rest",
				 LS("path", st->journal_path), LI("entries_kept", count));
			res = READ_BAD;
		}
	}
	st->journal_bytes = r.offset;
	if (res != READ_OK && res != READ_END) {
		/* Appends must follow the last good entry. */
		if (ftruncate(st->journal_fd, (off_t)r.offset) < 0)
			rc = fail("cannot truncate the state journal", st->journal_path, VP_EXIT_IOERR);
	}
out:
	fclose(r.f);
	buf_free(&r.item);
	buf_free(&file_spec);
	return rc;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* A fresh journal: empty, then the header. */
static bool reset_journal(state *st)
{
	if (ftruncate(st->journal_fd, 0) < 0 || !write_all(st->journal_fd, st->header.data, st->header.len))
		return false;
	st->journal_bytes = st->header.len;
	return true;
}

static void free_state(state *st)
{
	if (st->journal_fd >= 0)
		close(st->journal_fd);
	free(st->path);
	free(st->journal_path);
	free(st->tmp_path);
	buf_free(&st->header);
	free(st);
}

state *state_open(const char *path, const char *spec, uint64_t *seed, seen *s, int *exit_code)
{
	state *st = xcalloc(1, sizeof *st);
	buf name = { 0 };
	bool have_seed = false;

	st->path = xstrdup(path);
	st->compact_at = COMPACT_AT;
	buf_printf(&name, "%s.journal", path);
	st->journal_path = xstrdup(buf_cstr(&name));
	name.len = 0;
	buf_printf(&name, "%s.tmp", path);
	st->tmp_path = xstrdup(buf_cstr(&name));
	buf_free(&name);

	st->journal_fd = private_open(st->journal_path, O_RDWR | O_APPEND);
	if (st->journal_fd < 0) {
		*exit_code = fail("cannot open the state journal", st->journal_path, VP_EXIT_IOERR);
		goto failed;
	}
	if (flock(st->journal_fd, LOCK_EX | LOCK_NB) < 0) {
		*exit_code = fail("the state is in use by another dedup", st->journal_path,
				  errno == EWOULDBLOCK ? VP_EXIT_TEMPFAIL : VP_EXIT_IOERR);
		goto failed;
	}
	if ((*exit_code = load_snapshot(st, spec, s, &have_seed)) != 0 ||
	    (*exit_code = load_journal(st, spec, s, &have_seed)) != 0)
		goto failed;
	if (!have_seed)
		st->seed = *seed;
	*seed = st->seed;
	put_header(&st->header, spec, st->seed);
	if (st->journal_bytes == 0 && !reset_journal(st)) {
		*exit_code = fail("cannot write the state journal", st->journal_path, VP_EXIT_IOERR);
		goto failed;
	}
	log_info("state loaded", LS("path", path), LI("keys", seen_keys(s)));
	return st;
failed:
	free_state(st);
	return NULL;
}

/* fsync of the directory holding path, so that a rename in it is durable. */
static bool sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = fd >= 0 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ok;
}

bool state_compact(state *st, const seen *s, const keytab *skip)
{
	if (st->journal_bytes == st->header.len && st->snapshot_bytes > 0)
		return true; /* nothing new since the snapshot */
	int fd = private_open(st->tmp_path, O_WRONLY | O_TRUNC);
	buf out = { 0 };
	uint64_t count = 0;
	bool ok = fd >= 0;

	buf_put(&out, st->header.data, st->header.len);
	KEYTAB_EACH(&s->tab, slot) {
		if (skip && keytab_get(skip, keytab_fp(slot)))
			continue;
		version v = seen_slot_version(s, slot);
		state_entry(&out, keytab_fp(slot), &v);
		count++;
		if (out.len >= (1 << 20)) {
			ok = ok && write_all(fd, out.data, out.len);
			out.len = 0;
		}
	}
	unsigned char n[8];
	size_t start = out.len;
	buf_put(&out, END_MAGIC, 8);
	le_put64(n, count);
	buf_put(&out, n, 8);
	le_put32(n, XXH32(out.data + start, out.len - start, 0));
	buf_put(&out, n, 4);
	ok = ok && write_all(fd, out.data, out.len) && fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	ok = ok && rename(st->tmp_path, st->path) == 0 && sync_dir(st->path);
	buf_free(&out);
	if (!ok) {
		log_error("cannot write the state snapshot", LS("path", st->path), LS("error", strerror(errno)));
		unlink(st->tmp_path);
		return false;
	}
	if (!reset_journal(st)) {
		log_error("cannot reset the state journal", LS("path", st->journal_path),
			  LS("error", strerror(errno)));
		return false;
	}
	st->snapshot_bytes = 0;
	struct stat sb;
	if (stat(st->path, &sb) == 0)
		st->snapshot_bytes = (size_t)sb.st_size;
	log_debug("state compacted", LS("path", st->path), LI("keys", count));
	return true;
}

bool state_append(state *st, buf *pending)
{
	if (!pending->len)
		return true;
	if (!write_all(st->journal_fd, pending->data, pending->len)) {
		log_error("cannot append to the state journal", LS("path", st->journal_path),
			  LS("error", strerror(errno)));
		return false;
	}
	st->journal_bytes += pending->len;
	pending->len = 0;
	return true;
}

bool state_sync(state *st)
{
	if (fsync(st->journal_fd) == 0)
		return true;
	log_error("cannot sync the state journal", LS("path", st->journal_path), LS("error", strerror(errno)));
	return false;
}

bool state_compact_due(const state *st)
{
	return st->journal_bytes > st->compact_at && st->journal_bytes > st->snapshot_bytes;
}

void state_compact_at(state *st, size_t bytes)
{
	st->compact_at = bytes;
}

void state_close(state *st)
{
	if (st)
		free_state(st);
}
