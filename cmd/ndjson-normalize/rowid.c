#include "rowid.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void rowid_frame(buf *in, char tag, const void *p, size_t n)
{
	uint8_t len[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
	buf_putc(in, tag);
	buf_put(in, len, sizeof len);
	buf_put(in, p, n);
}

rowid rowid_of(const void *p, size_t n)
{
	XXH128_canonical_t c;
	rowid id;
	XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
	memcpy(id.b, c.digest, sizeof id.b);
	return id;
}

rowid rowid_child(const rowid *parent, uint64_t path_hash, uint64_t idx, uint64_t occurrence)
{
	uint8_t in[40];
	memcpy(in, parent->b, 16);
	put_le64(in + 16, path_hash);
	put_le64(in + 24, idx);
	put_le64(in + 32, occurrence);
	return rowid_of(in, occurrence ? 40 : 32);
}

uint64_t rowid_path_hash(uint64_t parent_path_hash, const char *key, size_t n)
{
	return XXH3_64bits_withSeed(key, n, parent_path_hash);
}

void rowid_hex(const rowid *id, char out[ROWID_HEX_LEN])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[id->b[i] >> 4];
		out[2 * i + 1] = hex[id->b[i] & 15];
	}
}
