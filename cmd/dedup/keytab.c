#include "keytab.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

enum { FIRST_CAP = 1024 };

void keytab_init(keytab *t, bool with_value)
{
	memset(t, 0, sizeof *t);
	t->words = with_value ? 3 : 2;
}

void keytab_free(keytab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

/* lo picks the home slot: hi's top bits are shared by every key of one spill
 * partition (see spill.c), lo's are not. */
static size_t home(const keytab *t, uint64_t lo)
{
	return (size_t)lo & (t->cap - 1);
}

static keytab_slot probe(const keytab *t, fp128 fp)
{
	size_t mask = t->cap - 1;
	for (size_t i = home(t, fp.lo);; i = (i + 1) & mask) {
		uint64_t *s = t->slots + i * t->words;
		if (!s[0] || ((s[0] & ~FP_TAG_MASK) == fp.hi && s[1] == fp.lo))
			return s;
	}
}

keytab_slot keytab_get(const keytab *t, fp128 fp)
{
	if (!t->cap)
		return NULL;
	keytab_slot s = probe(t, fp);
	return s[0] ? s : NULL;
}

static void grow(keytab *t)
{
	keytab old = *t;
	t->cap = old.cap ? old.cap * 2 : FIRST_CAP;
	t->slots = xcalloc(t->cap, t->words * sizeof(uint64_t));
	KEYTAB_EACH(&old, s)
		memcpy(probe(t, keytab_fp(s)), s, t->words * sizeof(uint64_t));
	free(old.slots);
}

keytab_slot keytab_put(keytab *t, fp128 fp, bool *added)
{
	if ((t->count + 1) * 4 > t->cap * 3)
		grow(t);
	keytab_slot s = probe(t, fp);
	*added = !s[0];
	if (*added) {
		s[0] = fp.hi;
		s[1] = fp.lo;
		t->count++;
	}
	return s;
}

size_t keytab_bytes(const keytab *t)
{
	return t->cap * t->words * sizeof(uint64_t);
}

size_t keytab_bytes_to_add(const keytab *t)
{
	if ((t->count + 1) * 4 <= t->cap * 3)
		return keytab_bytes(t);
	return keytab_bytes(t) + (t->cap ? t->cap * 2 : FIRST_CAP) * t->words * sizeof(uint64_t);
}
