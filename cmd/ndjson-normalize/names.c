#include "names.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

enum { CHUNK = 64 * 1024, FIRST_BUCKETS = 256 };

/* Nodes, names and their strings live in chunks freed all at once. */
typedef struct chunk {
	struct chunk *prev;
	size_t used, cap;
	_Alignas(max_align_t) char data[];
} chunk;

struct nm_cache {
	chunk *mem;
	nm_node **nodes;   /* root table and field nodes by (parent, key) */
	size_t nnodes, node_buckets;
	nm_name **names;   /* by text */
	size_t nnames, name_buckets;
	nm_name *links[NM_LINKS];
	size_t bytes;      /* held in chunks */
	buf tmp;
};

static void *alloc(nm_cache *c, size_t n)
{
	n = (n + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	if (!c->mem || c->mem->cap - c->mem->used < n) {
		size_t cap = n > CHUNK ? n : CHUNK;
		chunk *k = xmalloc(sizeof *k + cap);
		k->prev = c->mem;
		k->used = 0;
		k->cap = cap;
		c->mem = k;
		c->bytes += cap;
	}
	void *p = c->mem->data + c->mem->used;
	c->mem->used += n;
	return p;
}

static char *copy(nm_cache *c, const char *s, size_t n)
{
	char *p = alloc(c, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Doubles a chained table's buckets once it holds as many entries as buckets. */
#define GROW(c, table, count, nbuckets, type)                                      \
	do {                                                                       \
		if ((c)->count < (c)->nbuckets)                                   \
			break;                                                     \
		size_t nb = (c)->nbuckets * 2;                                     \
		type **t = xcalloc(nb, sizeof *t);                                 \
		for (size_t i = 0; i < (c)->nbuckets; i++) {                      \
			for (type *e = (c)->table[i], *nx; e; e = nx) {            \
				nx = e->next;                                      \
				e->next = t[e->hash & (nb - 1)];                   \
				t[e->hash & (nb - 1)] = e;                         \
			}                                                          \
		}                                                                  \
		free((c)->table);                                                  \
		(c)->table = t;                                                    \
		(c)->nbuckets = nb;                                                \
	} while (0)

static nm_name *intern(nm_cache *c, const char *text, size_t n)
{
	uint64_t h = XXH3_64bits(text, n);
	nm_name *e;

	for (e = c->names[h & (c->name_buckets - 1)]; e; e = e->next)
		if (e->hash == h && e->len == n && memcmp(e->text, text, n) == 0)
			return e;
	GROW(c, names, nnames, name_buckets, nm_name);
	e = alloc(c, sizeof *e);
	memset(e, 0, sizeof *e);
	e->text = copy(c, text, n);
	e->len = n;
	e->hash = h;
	/* Names hold only [a-z0-9_], so the key needs no escaping. */
	e->key_len = n + 4;
	char *k = alloc(c, e->key_len + 1);
	k[0] = ',';
	k[1] = '"';
	memcpy(k + 2, text, n);
	memcpy(k + 2 + n, "\":", 3);
	e->key = k;
	e->next = c->names[h & (c->name_buckets - 1)];
	c->names[h & (c->name_buckets - 1)] = e;
	c->nnames++;
	return e;
}

static void start(nm_cache *c)
{
	static const char *const links[NM_LINKS] = { "_table", "_row_id", "_parent_row_id", "_root_id", "_idx" };
	c->node_buckets = c->name_buckets = FIRST_BUCKETS;
	c->nodes = xcalloc(c->node_buckets, sizeof *c->nodes);
	c->names = xcalloc(c->name_buckets, sizeof *c->names);
	for (int i = 0; i < NM_LINKS; i++)
		c->links[i] = intern(c, links[i], strlen(links[i]));
}

nm_cache *nm_cache_new(void)
{
	nm_cache *c = xcalloc(1, sizeof *c);
	start(c);
	return c;
}

static void drop(nm_cache *c)
{
	while (c->mem) {
		chunk *k = c->mem;
		c->mem = k->prev;
		free(k);
	}
	free(c->nodes);
	free(c->names);
	c->nnodes = c->nnames = c->bytes = 0;
}

void nm_cache_clear(nm_cache *c)
{
	drop(c);
	start(c);
}

void nm_cache_free(nm_cache *c)
{
	if (!c)
		return;
	drop(c);
	buf_free(&c->tmp);
	free(c);
}

size_t nm_cache_bytes(const nm_cache *c)
{
	return c->bytes + (c->node_buckets + c->name_buckets) * sizeof(void *);
}

nm_name *nm_link(nm_cache *c, enum nm_link which)
{
	return c->links[which];
}

static nm_node *new_node(nm_cache *c, nm_node *parent, const char *key, size_t n, uint64_t h)
{
	nm_node *e = alloc(c, sizeof *e);
	memset(e, 0, sizeof *e);
	e->parent = parent;
	e->key = copy(c, key, n);
	e->key_len = n;
	e->hash = h;
	GROW(c, nodes, nnodes, node_buckets, nm_node);
	e->next = c->nodes[h & (c->node_buckets - 1)];
	c->nodes[h & (c->node_buckets - 1)] = e;
	c->nnodes++;
	return e;
}

static nm_node *find_node(nm_cache *c, const nm_node *parent, const char *key, size_t n, uint64_t h)
{
	for (nm_node *e = c->nodes[h & (c->node_buckets - 1)]; e; e = e->next)
		if (e->hash == h && e->parent == parent && e->key_len == n && memcmp(e->key, key, n) == 0)
			return e;
	return NULL;
}

/* Table nodes are made here only; field nodes always have a parent. */
static void make_table(nm_cache *c, nm_node *t, const char *name, size_t n)
{
	t->table = intern(c, name, n);
	c->tmp.len = 0;
	buf_puts(&c->tmp, "{\"_table\":\"");
	buf_put(&c->tmp, name, n);
	buf_puts(&c->tmp, "\",\"_row_id\":\"");
	t->row_prefix = copy(c, c->tmp.data, c->tmp.len);
	t->row_prefix_len = c->tmp.len;
}

nm_node *nm_table(nm_cache *c, const char *name)
{
	size_t n = strlen(name);
	uint64_t h = XXH3_64bits(name, n);
	nm_node *t = find_node(c, NULL, name, n, h);
	if (!t) {
		t = new_node(c, NULL, name, n, h);
		make_table(c, t, name, n);
	}
	return t;
}

nm_node *nm_field(nm_cache *c, nm_node *parent, nm_node *prev, const char *key, size_t n)
{
	nm_node *guess = prev ? prev->next_seen : parent->first_seen;
	nm_node *f;

	if (guess && guess->key_len == n && memcmp(guess->key, key, n) == 0)
		return guess;
	uint64_t h = XXH3_64bits_withSeed(key, n, (uint64_t)(uintptr_t)parent);
	f = find_node(c, parent, key, n, h);
	if (!f) {
		f = new_node(c, parent, key, n, h);
		f->path_hash = XXH3_64bits_withSeed(key, n, parent->path_hash);
		c->tmp.len = 0;
		if (!parent->table) {
			buf_put(&c->tmp, parent->col->text, parent->col->len);
			buf_put(&c->tmp, "__", 2);
		}
		nm_snake(&c->tmp, key, n);
		f->col = intern(c, c->tmp.data, c->tmp.len);
	}
	if (prev)
		prev->next_seen = f;
	else
		parent->first_seen = f;
	return f;
}

nm_node *nm_child_table(nm_cache *c, nm_node *row_table, nm_node *field)
{
	if (!field->child) {
		nm_node *t = alloc(c, sizeof *t);
		memset(t, 0, sizeof *t);
		c->tmp.len = 0;
		buf_put(&c->tmp, row_table->table->text, row_table->table->len);
		buf_put(&c->tmp, "__", 2);
		buf_put(&c->tmp, field->col->text, field->col->len);
		/* make_table reuses tmp: keep the name elsewhere first. */
		char *name = copy(c, c->tmp.data, c->tmp.len);
		make_table(c, t, name, strlen(name));
		field->child = t;
	}
	return field->child;
}

nm_name *nm_alt(nm_cache *c, const nm_name *base, unsigned k)
{
	c->tmp.len = 0;
	buf_put(&c->tmp, base->text, base->len);
	buf_printf(&c->tmp, "_%u", k);
	return intern(c, c->tmp.data, c->tmp.len);
}

static bool is_upper(unsigned char ch) { return ch >= 'A' && ch <= 'Z'; }
static bool is_lower(unsigned char ch) { return ch >= 'a' && ch <= 'z'; }
static bool is_digit(unsigned char ch) { return ch >= '0' && ch <= '9'; }

void nm_snake(buf *out, const char *key, size_t n)
{
	const unsigned char *s = (const unsigned char *)key;
	size_t start = out->len;

	buf_reserve(out, 2 * n + 2);
	char *o = out->data + out->len, *o0 = o;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];
		if (is_upper(ch)) {
			bool after_word = i > 0 && (is_lower(s[i - 1]) || is_digit(s[i - 1]));
			bool ends_acronym = i > 0 && is_upper(s[i - 1]) && i + 1 < n && is_lower(s[i + 1]);
			if ((after_word || ends_acronym) && o > o0 && o[-1] != '_')
				*o++ = '_';
			*o++ = (char)(ch - 'A' + 'a');
		} else if (is_lower(ch) || is_digit(ch)) {
			*o++ = (char)ch;
		} else if (o == o0 || o[-1] != '_') {
			*o++ = '_';
		}
	}
	if (o - o0 > 1 && o[-1] == '_')
		o--;
	if (o == o0)
		*o++ = '_';
	out->len = (size_t)(o - out->data);
	if (is_digit((unsigned char)out->data[start])) {
		memmove(out->data + start + 1, out->data + start, out->len - start);
		out->data[start] = '_';
		out->len++;
	}
}
