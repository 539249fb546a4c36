#include "text.h"

#include <stdio.h>
#include <string.h>

/* Latin letters with diacritics (UTF-8) and their ASCII folding. */
static const struct {
	const char *utf8, *ascii;
} folds[] = {
	{ "á", "a" }, { "à", "a" }, { "â", "a" }, { "ã", "a" }, { "ä", "a" }, { "å", "a" },
	{ "Á", "a" }, { "À", "a" }, { "Â", "a" }, { "Ã", "a" }, { "Ä", "a" }, { "Å", "a" },
	{ "é", "e" }, { "è", "e" }, { "ê", "e" }, { "ë", "e" }, { "É", "e" }, { "Ê", "e" },
	{ "í", "i" }, { "ì", "i" }, { "î", "i" }, { "ï", "i" }, { "Í", "i" }, { "İ", "i" },
	{ "ó", "o" }, { "ò", "o" }, { "ô", "o" }, { "õ", "o" }, { "ö", "o" }, { "ø", "o" },
	{ "Ó", "o" }, { "Ô", "o" }, { "Õ", "o" }, { "Ö", "o" }, { "Ø", "o" },
	{ "ú", "u" }, { "ù", "u" }, { "û", "u" }, { "ü", "u" }, { "Ú", "u" }, { "Ü", "u" },
	{ "ç", "c" }, { "Ç", "c" }, { "ñ", "n" }, { "Ñ", "n" }, { "ß", "ss" }, { "ł", "l" },
	{ "Ł", "l" }, { "ś", "s" }, { "ş", "s" }, { "đ", "d" }, { "Đ", "d" }, { "ć", "c" },
	{ "ý", "y" }, { "Ý", "y" }, { "ō", "o" }, { "ễ", "e" }, { "œ", "oe" }, { "Œ", "oe" },
	{ "æ", "ae" }, { "Æ", "ae" }, { "ª", "a" }, { "º", "o" },
};

void text_slug(buf *out, const char *s, char sep)
{
	size_t start = out->len;
	int pending = 0;

	while (*s) {
		unsigned char c = (unsigned char)*s;
		const char *rep = NULL;
		char one[2] = { 0 };
		size_t adv = 1;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			one[0] = (char)c;
			rep = one;
		} else if (c >= 'A' && c <= 'Z') {
			one[0] = (char)(c - 'A' + 'a');
			rep = one;
		} else if (c >= 0x80) {
			adv = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			for (size_t i = 0; i < sizeof folds / sizeof *folds; i++) {
				size_t n = strlen(folds[i].utf8);
				if (strncmp(s, folds[i].utf8, n) == 0) {
					rep = folds[i].ascii;
					adv = n;
					break;
				}
			}
			if (!rep) { /* another script: dropped, like a separator */
				pending = out->len > start;
				s += strnlen(s, adv);
				continue;
			}
		}
		if (rep) {
			if (pending && sep)
				buf_putc(out, sep);
			pending = 0;
			buf_puts(out, rep);
		} else {
			pending = out->len > start;
		}
		s += adv;
	}
}

char *text_guid(uint64_t a, uint64_t b, char *out)
{
	a = (a & ~0xF000ULL) | 0x4000ULL;                        /* version 4 */
	b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL; /* variant 10 */
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xFFFF,
		 (unsigned)a & 0xFFFF, (unsigned)(b >> 48), (unsigned long long)(b & 0xFFFFFFFFFFFFULL));
	return out;
}

char *text_hex(uint64_t a, uint64_t b, int n, int upper, char *out)
{
	char tmp[33];
	snprintf(tmp, sizeof tmp, upper ? "%016llX%016llX" : "%016llx%016llx", (unsigned long long)a,
		 (unsigned long long)b);
	memcpy(out, tmp, (size_t)n);
	out[n] = '\0';
	return out;
}
