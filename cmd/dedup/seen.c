#include "seen.h"
#include "le.h"

#include <stdint.h>
#include <string.h>

/* Compaction of the string arena starts once this much of it is garbage. */
enum { GARBAGE_MIN = 1 << 20 };

void seen_init(seen *s, bool versioned)
{
	memset(s, 0, sizeof *s);
	s->versioned = versioned;
	keytab_init(&s->tab, versioned);
}

void seen_free(seen *s)
{
	keytab_free(&s->tab);
	buf_free(&s->strings);
}

size_t seen_bytes(const seen *s)
{
	return keytab_bytes(&s->tab) + s->strings.cap;
}

size_t seen_keys(const seen *s)
{
	return s->tab.count;
}

/* A string version's slot value: offset << 16 | length. */
version seen_slot_version(const seen *s, const keytab_slot slot)
{
	version v = { .kind = s->versioned ? (enum version_kind)keytab_tag(slot) : VK_NONE };
	switch (v.kind) {
	case VK_NUMBER:
		v.num = bits_double(slot[2]);
		break;
	case VK_TIME:
		v.ticks = (int64_t)slot[2];
		break;
	case VK_STRING:
		v.str = s->strings.data + (slot[2] >> 16);
		v.len = slot[2] & 0xFFFF;
		break;
	default:
		break;
	}
	return v;
}

bool seen_is_new(const seen *s, fp128 fp, const version *v)
{
	keytab_slot slot = keytab_get(&s->tab, fp);
	if (!slot)
		return true;
	if (!s->versioned)
		return false;
	version old = seen_slot_version(s, slot);
	return version_cmp(v, &old) > 0;
}

/* Rewrites the arena with only the strings that slots point to. */
static void compact_strings(seen *s)
{
	buf live = { 0 };
	KEYTAB_EACH(&s->tab, slot) {
		if (keytab_tag(slot) != VK_STRING)
			continue;
		size_t len = slot[2] & 0xFFFF;
		uint64_t off = live.len;
		buf_put(&live, s->strings.data + (slot[2] >> 16), len);
		slot[2] = off << 16 | len;
	}
	buf_free(&s->strings);
	s->strings = live;
	s->garbage = 0;
}

static void store(seen *s, keytab_slot slot, const version *v)
{
	if (!s->versioned)
		return;
	if (keytab_tag(slot) == VK_STRING)
		s->garbage += slot[2] & 0xFFFF;
	keytab_set_tag(slot, v->kind);
	switch (v->kind) {
	case VK_NUMBER:
		slot[2] = double_bits(v->num);
		break;
	case VK_TIME:
		slot[2] = (uint64_t)v->ticks;
		break;
	case VK_STRING:
		slot[2] = (uint64_t)s->strings.len << 16 | v->len;
		buf_put(&s->strings, v->str, v->len);
		break;
	default:
		slot[2] = 0;
	}
	if (s->garbage > GARBAGE_MIN && s->garbage * 2 > s->strings.len)
		compact_strings(s);
}

/* Bytes added at the peak of appending v's string (buf_reserve doubles the
 * arena when full, holding old and new arrays while it copies). */
static size_t string_growth(const seen *s, const version *v)
{
	size_t want = s->strings.len + v->len + 1;
	if (!s->versioned || v->kind != VK_STRING || want <= s->strings.cap)
		return 0;
	size_t cap = s->strings.cap ? s->strings.cap : 256;
	while (cap < want)
		cap *= 2;
	return cap;
}

enum seen_verdict seen_offer(seen *s, fp128 fp, const version *v, size_t limit)
{
	keytab_slot slot = keytab_get(&s->tab, fp);
	if (slot) {
		if (!s->versioned)
			return SEEN_OLD;
		version old = seen_slot_version(s, slot);
		if (version_cmp(v, &old) <= 0)
			return SEEN_OLD;
		if (limit != SIZE_MAX && seen_bytes(s) + string_growth(s, v) > limit)
			return SEEN_FULL;
		store(s, slot, v);
		return SEEN_NEW;
	}
	if (limit != SIZE_MAX &&
	    keytab_bytes_to_add(&s->tab, fp) + s->strings.cap + string_growth(s, v) > limit)
		return SEEN_FULL;
	bool added;
	slot = keytab_put(&s->tab, fp, &added);
	store(s, slot, v);
	return SEEN_NEW;
}
