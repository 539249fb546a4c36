#include "json_text.h"
#include "utf8.h"

#include <stdbool.h>
#include <string.h>

/* s, just after a backslash, spells "u0000". */
static bool escaped_nul(const char *s, size_t left)
{
	return left >= 5 && s[0] == 'u' && memcmp(s + 1, "0000", 4) == 0;
}

const char *json_text_problem(const char *text, size_t len)
{
	bool in_string = false;

	if (!utf8_valid(text, len))
		return "invalid UTF-8";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20) {
			if (in_string)
				return "raw control character in a string";
			if (c != '\t' && c != '\n' && c != '\r')
				return "raw control character";
		} else if (in_string && c == '\\') {
			if (i + 1 < len && escaped_nul(text + i + 1, len - i - 1))
				return "escaped NUL (\\u0000) in a string";
			i++; /* the escaped character; a bad escape is the parser's to refuse */
		} else if (c == '"') {
			in_string = !in_string;
		}
	}
	return NULL;
}
