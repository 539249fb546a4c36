#include "keytab.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

enum { FIRST_CAP = 16 };

void keytab_init(keytab *t, bool with_value)
{
	memset(t, 0, sizeof *t);
	t->words = with_value ? 3 : 2;
}

void keytab_free(keytab *t)
{
	for (unsigned i = 0; i < KEYTAB_SHARDS; i++)
		free(t->shard[i].slots);
	keytab_init(t, t->words == 3);
}

/* lo's top bits pick the shard, its low bits the home slot; hi's top bits are
 * shared by every key of one spill partition (see latest.c), lo's are not. */
static keytab_shard *shard_of(const keytab *t, uint64_t lo)
{
	return (keytab_shard *)&t->shard[lo >> (64 - KEYTAB_SHARD_BITS)];
}

static keytab_slot probe(const keytab_shard *sh, unsigned words, fp128 fp)
{
	size_t mask = sh->cap - 1;
	for (size_t i = (size_t)fp.lo & mask;; i = (i + 1) & mask) {
		uint64_t *s = sh->slots + i * words;
		if (!s[0] || ((s[0] & ~FP_TAG_MASK) == fp.hi && s[1] == fp.lo))
			return s;
	}
}

keytab_slot keytab_get(const keytab *t, fp128 fp)
{
	const keytab_shard *sh = shard_of(t, fp.lo);
	if (!sh->cap)
		return NULL;
	keytab_slot s = probe(sh, t->words, fp);
	return s[0] ? s : NULL;
}

static bool full(const keytab_shard *sh)
{
	return (sh->count + 1) * 4 > sh->cap * 3;
}

static size_t grown_cap(const keytab_shard *sh)
{
	return sh->cap ? sh->cap * 2 : FIRST_CAP;
}

static void grow(keytab *t, keytab_shard *sh)
{
	keytab_shard old = *sh;
	size_t slot = t->words * sizeof(uint64_t);
	sh->cap = grown_cap(&old);
	sh->slots = xcalloc(sh->cap, slot);
	for (uint64_t *s = old.slots; s && s < old.slots + old.cap * t->words; s += t->words)
		if (s[0])
			memcpy(probe(sh, t->words, keytab_fp(s)), s, slot);
	free(old.slots);
	t->bytes += (sh->cap - old.cap) * slot;
}

keytab_slot keytab_put(keytab *t, fp128 fp, bool *added)
{
	keytab_shard *sh = shard_of(t, fp.lo);
	if (full(sh))
		grow(t, sh);
	keytab_slot s = probe(sh, t->words, fp);
	*added = !s[0];
	if (*added) {
		s[0] = fp.hi;
		s[1] = fp.lo;
		sh->count++;
		t->count++;
	}
	return s;
}

size_t keytab_bytes(const keytab *t)
{
	return t->bytes;
}

size_t keytab_bytes_to_add(const keytab *t, fp128 fp)
{
	const keytab_shard *sh = shard_of(t, fp.lo);
	return t->bytes + (full(sh) ? grown_cap(sh) * t->words * sizeof(uint64_t) : 0);
}
