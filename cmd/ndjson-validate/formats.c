#include "formats.h"
#include "buf.h"
#include "vtime.h"

#include <math.h>
#include <string.h>

static const char *const names[] = { "email", "guid", "vtex-order-id", "numeric-id", "timestamp" };

vformat format_find(const char *name)
{
	for (int i = 0; i < FMT_NONE; i++)
		if (strcmp(names[i], name) == 0)
			return (vformat)i;
	return FMT_NONE;
}

const char *format_name(vformat f)
{
	return f < FMT_NONE ? names[f] : "?";
}

const char *format_names(void)
{
	return "email, guid, vtex-order-id, numeric-id, timestamp";
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_alnum(char c) { return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z'); }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* Not RFC 5322 (which allows quoted spaces and comments): what a store can
 * mail. Local part 1-64 bytes of anything but spaces, controls, '@' and
 * "(),:;<>[\]", no leading, trailing or double dot; domain 1-253 bytes of
 * labels (letters, digits, '-', UTF-8) separated by dots, at least two labels,
 * none empty or starting or ending with '-'. */
bool format_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || strchr(at + 1, '@'))
		return false;
	size_t local = (size_t)(at - s);
	if (local < 1 || local > 64 || s[0] == '.' || at[-1] == '.')
		return false;
	for (const char *p = s; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || strchr("(),:;<>[\\]\"", c) || (c == '.' && p[1] == '.'))
			return false;
	}
	const char *d = at + 1;
	size_t dlen = strlen(d), labels = 0, len = 0;
	if (dlen < 3 || dlen > 253)
		return false;
	for (const char *p = d;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.' || c == '\0') {
			if (len == 0 || len > 63 || p[-1] == '-')
				return false;
			labels++;
			len = 0;
			if (!c)
				break;
			continue;
		}
		if (c == '-' && len == 0)
			return false;
		if (!(is_alnum((char)c) || c == '-' || c >= 0x80))
			return false;
		len++;
	}
	return labels >= 2;
}

bool format_guid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!is_hex(*s))
				return false;
		if (g < 4 && *s++ != '-')
			return false;
	}
	return *s == '\0';
}

/* "1172452900788-01", "v52277740atmc-01" (v, the sequence, the account's
 * letters), "SCP-880102018018-01" (an affiliate's prefix on a fulfillment
 * order). The number is 6 to 20 digits; the suffix two digits. */
bool format_order_id(const char *s)
{
	const char *p = s;
	/* An affiliate prefix: 1-10 letters or digits and '-', before a numeric order id. */
	const char *dash = strchr(s, '-');
	if (dash && dash - s <= 10 && strchr(dash + 1, '-')) {
		for (p = s; p < dash; p++)
			if (!is_alnum(*p))
				return false;
		if (p == s)
			return false;
		p = dash + 1;
		if (!is_digit(*p))
			return false;
	}
	if (*p == 'v') {
		const char *q = ++p;
		while (is_digit(*p))
			p++;
		if (p == q)
			return false;
		q = p;
		while (is_lower(*p))
			p++;
		if (p == q)
			return false;
	} else {
		const char *q = p;
		while (is_digit(*p))
			p++;
		if (p - q < 6 || p - q > 20)
			return false;
	}
	return p[0] == '-' && is_digit(p[1]) && is_digit(p[2]) && p[3] == '\0';
}

/* 1 to 19 digits, not starting with 0. */
bool format_digits_id(const char *s)
{
	size_t n = 0;
	if (*s == '0')
		return false;
	for (; is_digit(s[n]); n++)
		;
	return n >= 1 && n <= 19 && s[n] == '\0';
}

bool format_check(vformat f, const cJSON *v)
{
	if (f == FMT_NUMERIC_ID && cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		return d >= 1 && d <= JSON_SAFE_INT_LIMIT && floor(d) == d;
	}
	if (!cJSON_IsString(v))
		return false;
	const char *s = v->valuestring;
	switch (f) {
	case FMT_EMAIL: return format_email(s);
	case FMT_GUID: return format_guid(s);
	case FMT_ORDER_ID: return format_order_id(s);
	case FMT_NUMERIC_ID: return format_digits_id(s);
	case FMT_TIMESTAMP: {
		vtime_t t;
		return vtime_parse(s, strlen(s), &t);
	}
	case FMT_NONE: break;
	}
	return false;
}
