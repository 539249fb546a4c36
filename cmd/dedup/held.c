#include "held.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>

void held_init(held *h)
{
	memset(h, 0, sizeof *h);
}

void held_free(held *h)
{
	for (size_t i = 0; i < h->n; i++)
		buf_free(&h->s[i].entries);
	free(h->s);
	buf_free(&h->open);
	buf_free(&h->dropped);
	memset(h, 0, sizeof *h);
}

static void drop_stretches(held *h)
{
	for (size_t i = 0; i < h->n; i++) {
		buf_put(&h->dropped, h->s[i].entries.data, h->s[i].entries.len);
		buf_free(&h->s[i].entries);
	}
	h->n = 0;
}

void held_barrier(held *h, const barrier_info *b, buf *release)
{
	if (strcmp(h->run, b->run) != 0) {
		drop_stretches(h);
		strcpy(h->run, b->run);
	}
	if (h->open.len) {
		if (h->n == h->cap) {
			h->cap = h->cap ? 2 * h->cap : 8;
			h->s = xrealloc(h->s, h->cap * sizeof *h->s);
		}
		h->s[h->n++] = (stretch){ b->seq, h->open };
		h->open = (buf){ 0 };
	}
	/* Any held stretch, not only the oldest: seqs only grow in a run, but
	 * nothing is lost by not relying on it. */
	size_t kept = 0;
	for (size_t i = 0; i < h->n; i++) {
		if (h->s[i].seq <= b->committed) {
			buf_put(release, h->s[i].entries.data, h->s[i].entries.len);
			buf_free(&h->s[i].entries);
		} else {
			h->s[kept++] = h->s[i];
		}
	}
	h->n = kept;
}

void held_end(held *h)
{
	drop_stretches(h);
	if (h->open.len)
		buf_put(&h->dropped, h->open.data, h->open.len);
	buf_free(&h->open);
}

size_t held_bytes(const held *h)
{
	size_t n = h->cap * sizeof *h->s + h->open.cap + h->dropped.cap;
	for (size_t i = 0; i < h->n; i++)
		n += h->s[i].entries.cap;
	return n;
}

static void add_keys(const buf *b, keytab *t)
{
	fp128 fp;
	bool added;
	for (size_t off = 0; off < b->len;) {
		off += state_entry_key(b->data + off, &fp);
		keytab_put(t, fp, &added);
	}
}

void held_keys(const held *h, keytab *t)
{
	for (size_t i = 0; i < h->n; i++)
		add_keys(&h->s[i].entries, t);
	add_keys(&h->open, t);
	add_keys(&h->dropped, t);
}
