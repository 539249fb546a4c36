#include "utf8.h"

#include <stdint.h>
#include <string.h>

bool utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;

	while (s < end) {
		/* ASCII runs, eight bytes at a time. */
		while (end - s >= 8) {
			uint64_t w;
			memcpy(&w, s, 8);
			if (w & 0x8080808080808080ULL)
				break;
			s += 8;
		}
		if (s == end)
			break;
		unsigned c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0) lo = 0xA0;      /* no overlongs */
			if (c == 0xED) hi = 0x9F;      /* no surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0) lo = 0x90;
			if (c == 0xF4) hi = 0x8F;      /* <= U+10FFFF */
		} else
			return false;
		if ((size_t)(end - s) < len || s[1] < lo || s[1] > hi)
			return false;
		for (size_t i = 2; i < len; i++)
			if ((s[i] & 0xC0) != 0x80)
				return false;
		s += len;
	}
	return true;
}
