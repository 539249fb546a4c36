#include "latest.h"
#include "buf.h"
#include "keytab.h"
#include "le.h"
#include "log.h"
#include "spillfile.h"

#include <stdlib.h>
#include <string.h>

enum {
	FANOUT = 16,       /* partitions per spill, chosen by 4 bits of fp.hi */
	MAX_LEVEL = 15,    /* hi bits 63..4; deeper partitions are reduced in memory */
	MERGE_FANIN = 64,  /* runs merged at once */
	GARBAGE_MIN = 1 << 20,
};

/* A key's current winner; its text, then its version string, in the arena. */
typedef struct {
	fp128 fp;
	uint64_t first, ord, value, off;
	uint32_t len, vlen;
	enum version_kind kind;
} winner;

/* The records held in memory: winners in first-seen order, indexed by key. */
typedef struct {
	keytab tab;       /* value: index into w */
	winner *w;
	size_t n, cap;
	buf arena;
	size_t garbage;
} lset;

/* One reduction in progress: a set, and the partitions it spilled to. */
typedef struct {
	lset set;
	unsigned level;
	FILE *parts[FANOUT];
	bool spilled;
} agg;

struct latest {
	bool versioned;
	size_t limit, peak;
	const char *tmpdir;
	agg top;
	FILE **runs;
	size_t nruns;
	unsigned spills;
};

static version winner_version(const lset *s, const winner *w)
{
	version v = { .kind = w->kind, .len = w->vlen };
	if (w->kind == VK_NUMBER)
		v.num = bits_double(w->value);
	else
		v.ticks = (int64_t)w->value;
	v.str = s->arena.data + w->off + w->len;
	return v;
}

static lrec winner_rec(const lset *s, const winner *w)
{
	return (lrec){ .first = w->first, .ord = w->ord, .fp = w->fp, .v = winner_version(s, w),
		       .text = s->arena.data + w->off, .len = w->len };
}

static void set_free(lset *s)
{
	keytab_free(&s->tab);
	free(s->w);
	buf_free(&s->arena);
	memset(s, 0, sizeof *s);
	keytab_init(&s->tab, true);
}

static size_t set_bytes(const lset *s)
{
	return keytab_bytes(&s->tab) + s->cap * sizeof(winner) + s->arena.cap;
}

/* Bytes held at the peak of adding r as a new key (every array that must
 * double held twice while it is copied). */
static size_t set_bytes_to_add(const lset *s, const lrec *r)
{
	size_t b = keytab_bytes_to_add(&s->tab, r->fp) + s->cap * sizeof(winner) + s->arena.cap;
	if (s->n == s->cap)
		b += (s->cap ? s->cap * 2 : 1024) * sizeof(winner);
	size_t want = s->arena.len + r->len + r->v.len + 1;
	if (want > s->arena.cap) {
		size_t cap = s->arena.cap ? s->arena.cap : 256;
		while (cap < want)
			cap *= 2;
		b += cap;
	}
	return b;
}

static void store(lset *s, winner *w, const lrec *r)
{
	w->fp = r->fp;
	w->ord = r->ord;
	w->kind = r->v.kind;
	w->value = r->v.kind == VK_NUMBER ? double_bits(r->v.num) : (uint64_t)r->v.ticks;
	w->off = s->arena.len;
	w->len = (uint32_t)r->len;
	w->vlen = (uint32_t)r->v.len;
	buf_put(&s->arena, r->text, r->len);
	if (r->v.len)
		buf_put(&s->arena, r->v.str, r->v.len);
}

static void compact_arena(lset *s)
{
	buf live = { 0 };
	for (size_t i = 0; i < s->n; i++) {
		winner *w = &s->w[i];
		uint64_t off = live.len;
		buf_put(&live, s->arena.data + w->off, (size_t)w->len + w->vlen);
		w->off = off;
	}
	buf_free(&s->arena);
	s->arena = live;
	s->garbage = 0;
}

/* Whether r should replace w as its key's latest record. */
static bool newer(bool versioned, const lset *s, const lrec *r, const winner *w)
{
	if (!versioned)
		return r->ord > w->ord;
	version wv = winner_version(s, w);
	int c = version_cmp(&r->v, &wv);
	return c > 0 || (c == 0 && r->ord < w->ord);
}

static void set_add(lset *s, bool versioned, const lrec *r)
{
	bool added;
	keytab_slot slot = keytab_put(&s->tab, r->fp, &added);
	if (added) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->w = xrealloc(s->w, s->cap * sizeof *s->w);
		}
		slot[2] = s->n;
		winner *w = &s->w[s->n++];
		w->first = r->first;
		store(s, w, r);
		return;
	}
	winner *w = &s->w[slot[2]];
	if (r->first < w->first)
		w->first = r->first;
	if (!newer(versioned, s, r, w))
		return;
	s->garbage += (size_t)w->len + w->vlen;
	store(s, w, r);
	if (s->garbage > GARBAGE_MIN && s->garbage * 2 > s->arena.len)
		compact_arena(s);
}

static unsigned part_of(fp128 fp, unsigned level)
{
	return (unsigned)(fp.hi >> (60 - 4 * level)) & (FANOUT - 1);
}

/* Moves what the set holds into the partitions, and empties it. */
static void spill(latest *l, agg *a)
{
	if (!a->spilled) {
		for (unsigned i = 0; i < FANOUT; i++)
			a->parts[i] = spill_create(l->tmpdir);
		a->spilled = true;
	}
	for (size_t i = 0; i < a->set.n; i++) {
		lrec r = winner_rec(&a->set, &a->set.w[i]);
		spill_write(a->parts[part_of(r.fp, a->level)], &r);
	}
	log_debug("spilled", LI("level", a->level), LI("keys", a->set.n));
	l->spills++;
	set_free(&a->set);
}

static void agg_add(latest *l, agg *a, const lrec *r)
{
	/* Spill rather than pass the limit, unless nothing smaller can be had. */
	if (a->set.n > 0 && a->level < MAX_LEVEL && set_bytes_to_add(&a->set, r) > l->limit)
		spill(l, a);
	set_add(&a->set, l->versioned, r);
	size_t b = set_bytes(&a->set);
	if (b > l->peak)
		l->peak = b;
}

static int by_first(const void *x, const void *y)
{
	const winner *a = x, *b = y;
	return (a->first > b->first) - (a->first < b->first);
}

static void agg_init(agg *a, unsigned level)
{
	memset(a, 0, sizeof *a);
	a->level = level;
	keytab_init(&a->set.tab, true);
}

static void reduce_file(latest *l, FILE *f, unsigned level);

/* Ends a reduction: its winners become one more sorted run, or, when it
 * spilled, each partition is reduced in turn. */
static void agg_finish(latest *l, agg *a)
{
	if (a->spilled) {
		spill(l, a);
		for (unsigned i = 0; i < FANOUT; i++) {
			reduce_file(l, a->parts[i], a->level + 1);
			fclose(a->parts[i]);
		}
		return;
	}
	if (a->set.n == 0)
		return;
	qsort(a->set.w, a->set.n, sizeof *a->set.w, by_first);
	FILE *run = spill_create(l->tmpdir);
	for (size_t i = 0; i < a->set.n; i++) {
		lrec r = winner_rec(&a->set, &a->set.w[i]);
		spill_write(run, &r);
	}
	spill_rewind(run);
	set_free(&a->set);
	l->runs = xrealloc(l->runs, (l->nruns + 1) * sizeof *l->runs);
	l->runs[l->nruns++] = run;
}

static void reduce_file(latest *l, FILE *f, unsigned level)
{
	agg a;
	lrec r;
	buf hold = { 0 };

	spill_rewind(f);
	agg_init(&a, level);
	while (spill_read(f, &r, &hold))
		agg_add(l, &a, &r);
	buf_free(&hold);
	agg_finish(l, &a);
	keytab_free(&a.set.tab);
}

/* Merges runs by first-seen position, into a new run (out) or to emit. */
typedef struct {
	FILE *f;
	lrec r;
	buf hold;
} cursor;

static void sift_down(cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, a = 2 * i + 1, b = a + 1;
		if (a < n && h[a]->r.first < h[m]->r.first)
			m = a;
		if (b < n && h[b]->r.first < h[m]->r.first)
			m = b;
		if (m == i)
			return;
		cursor *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void merge(FILE **runs, size_t n, FILE *out, latest_emit emit, void *ctx)
{
	cursor *c = xcalloc(n, sizeof *c);
	cursor **heap = xcalloc(n, sizeof *heap);
	size_t live = 0;

	for (size_t i = 0; i < n; i++) {
		c[i].f = runs[i];
		if (spill_read(c[i].f, &c[i].r, &c[i].hold))
			heap[live++] = &c[i];
	}
	for (size_t i = live; i-- > 0;)
		sift_down(heap, live, i);
	while (live) {
		cursor *top = heap[0];
		if (out)
			spill_write(out, &top->r);
		else
			emit(ctx, top->r.text, top->r.len, top->r.fp, &top->r.v);
		if (!spill_read(top->f, &top->r, &top->hold))
			heap[0] = heap[--live];
		sift_down(heap, live, 0);
	}
	for (size_t i = 0; i < n; i++) {
		buf_free(&c[i].hold);
		fclose(runs[i]);
	}
	free(c);
	free(heap);
}

latest *latest_new(bool versioned, size_t limit, const char *tmpdir)
{
	latest *l = xcalloc(1, sizeof *l);
	l->versioned = versioned;
	l->limit = limit;
	l->tmpdir = tmpdir;
	agg_init(&l->top, 0);
	return l;
}

void latest_add(latest *l, uint64_t ord, fp128 fp, const version *v, const char *text, size_t len)
{
	lrec r = { .first = ord, .ord = ord, .fp = fp, .v = *v, .text = text, .len = len };
	agg_add(l, &l->top, &r);
}

void latest_finish(latest *l, latest_emit emit, void *ctx)
{
	if (!l->top.spilled) {
		/* Everything fit: winners are in first-seen order already. */
		lset *s = &l->top.set;
		for (size_t i = 0; i < s->n; i++) {
			lrec r = winner_rec(s, &s->w[i]);
			emit(ctx, r.text, r.len, r.fp, &r.v);
		}
		return;
	}
	agg_finish(l, &l->top);
	log_info("spilled to disk", LI("spills", l->spills), LI("runs", l->nruns),
		 LI("bytes", spill_bytes_written()));
	while (l->nruns > MERGE_FANIN) {
		FILE *out = spill_create(l->tmpdir);
		size_t rest = l->nruns - MERGE_FANIN;
		merge(l->runs + rest, MERGE_FANIN, out, NULL, NULL);
		spill_rewind(out);
		l->runs[rest] = out;
		l->nruns = rest + 1;
	}
	merge(l->runs, l->nruns, NULL, emit, ctx);
	l->nruns = 0;
}

size_t latest_keys(const latest *l)
{
	return l->top.set.n;
}

unsigned latest_spills(const latest *l)
{
	return l->spills;
}

size_t latest_peak_bytes(const latest *l)
{
	return l->peak;
}

void latest_free(latest *l)
{
	if (!l)
		return;
	set_free(&l->top.set);
	keytab_free(&l->top.set.tab);
	for (size_t i = 0; i < l->nruns; i++)
		fclose(l->runs[i]);
	free(l->runs);
	free(l);
}
