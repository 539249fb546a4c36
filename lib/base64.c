#include "base64.h"

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void encode(buf *out, const void *data, size_t len, const char *alphabet, bool pad)
{
	const unsigned char *p = data;
	buf_reserve(out, (len + 2) / 3 * 4);
	char *o = out->data + out->len;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		if (i + 1 < len)
			*o++ = alphabet[(v >> 6) & 63];
		else if (pad)
			*o++ = '=';
		if (pad)
			*o++ = '=';
	}
	out->len = (size_t)(o - out->data);
}

void base64_encode(buf *out, const void *data, size_t len)
{
	encode(out, data, len, std_alphabet, true);
}

void base64url_encode(buf *out, const void *data, size_t len)
{
	encode(out, data, len, url_alphabet, false);
}

static int value_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

bool base64_decode(buf *out, const char *s, size_t n)
{
	size_t start = out->len;
	if (n % 4)
		return false;
	buf_reserve(out, n / 4 * 3);
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			unsigned char c = (unsigned char)s[i + j];
			if (c == '=' && i + 4 == n && j >= 2 && (j == 3 || s[i + 3] == '=')) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad || (v[j] = value_of(c)) < 0) {
				out->len = start;
				return false;
			}
		}
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		/* Canonical: the bits padding drops must be zero. */
		if ((pad == 1 && (w & 0xFF)) || (pad == 2 && (w & 0xFFFF))) {
			out->len = start;
			return false;
		}
		out->data[out->len++] = (char)(w >> 16);
		if (pad < 2)
			out->data[out->len++] = (char)(w >> 8);
		if (pad < 1)
			out->data[out->len++] = (char)w;
	}
	return true;
}
