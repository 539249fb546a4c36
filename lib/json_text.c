#include "json_text.h"
#include "utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ONES ((uint64_t)0x0101010101010101ULL)
#define HIGHS ((uint64_t)0x8080808080808080ULL)

/* Whether text[at] is inside a string: a cursor that only moves forward, so
 * the bytes before each control character are scanned once in all. */
typedef struct {
	size_t pos;
	bool in_string, escaped;
} string_cursor;

static bool inside_string(string_cursor *c, const char *text, size_t at)
{
	for (; c->pos < at; c->pos++) {
		char ch = text[c->pos];
		if (c->escaped)
			c->escaped = false;
		else if (c->in_string && ch == '\\')
			c->escaped = true;
		else if (ch == '"')
			c->in_string = !c->in_string;
	}
	return c->in_string;
}

/* The rule is checked without following strings byte by byte (quotes come
 * every few bytes: that costs a branch each): control characters are rare,
 * found eight bytes at a time, and only they ask whether they sit in a
 * string; an escaped NUL is found from the backslashes, found with memchr. */
const char *json_text_problem(const char *text, size_t len)
{
	string_cursor cur = { 0 };

	if (!utf8_valid(text, len))
		return "invalid UTF-8";
	for (size_t i = 0; i < len; i++) {
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, text + i, 8);
			if (((w - ONES * 0x20) & ~w & HIGHS) != 0) /* a byte below 0x20 */
				break;
			i += 8;
		}
		if (i == len)
			break;
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20)
			continue;
		if (inside_string(&cur, text, i))
			return "raw control character in a string";
		if (c != '\t' && c != '\n' && c != '\r')
			return "raw control character";
	}
	/* "\u0000" is an escape when an odd number of backslashes ends at its
	 * first one (an even number: an escaped backslash, then text "u0000").
	 * Backslashes are rare in JSON text: memchr finds them fast. */
	for (size_t i = 0, run = 0; i < len; i++) {
		const char *bs = memchr(text + i, '\\', len - i);
		if (!bs)
			break;
		size_t at = (size_t)(bs - text);
		run = at == i && i > 0 ? run + 1 : 1; /* backslashes in a row, this one the last */
		i = at;
		if (run % 2 && len - at >= 6 && memcmp(bs + 1, "u0000", 5) == 0)
			return "escaped NUL (\\u0000) in a string";
	}
	return NULL;
}
