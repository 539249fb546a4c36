#include "version.h"
#include "vtime.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* -?digits(.digits)?([eE][+-]?digits)? : what strtod would read, minus its
 * leniencies (spaces, hex, inf, nan). */
static bool is_decimal(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return false;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

const char *version_from_string(const char *s, size_t len, version *out)
{
	memset(out, 0, sizeof *out);
	if (vtime_parse(s, len, &out->ticks)) {
		out->kind = VK_TIME;
		return NULL;
	}
	if (is_decimal(s, len) && len < 64) {
		char tmp[64];
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		out->num = strtod(tmp, NULL);
		/* Overflow to infinity still orders correctly; -0 equals 0. */
		out->num += 0.0;
		out->kind = VK_NUMBER;
		return NULL;
	}
	if (len > VERSION_MAX_STRING)
		return "is a string longer than 65535 bytes";
	out->kind = VK_STRING;
	out->str = s;
	out->len = len;
	return NULL;
}

const char *version_from_json(const cJSON *v, version *out)
{
	memset(out, 0, sizeof *out);
	if (!v)
		return "is missing";
	if (cJSON_IsNumber(v)) {
		out->kind = VK_NUMBER;
		out->num = v->valuedouble + 0.0;
		return NULL;
	}
	if (cJSON_IsString(v))
		return version_from_string(v->valuestring, strlen(v->valuestring), out);
	if (cJSON_IsNull(v))
		return "is null";
	return "is not a number, timestamp or string";
}

int version_cmp(const version *a, const version *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	switch (a->kind) {
	case VK_NUMBER:
		return (a->num > b->num) - (a->num < b->num);
	case VK_TIME:
		return (a->ticks > b->ticks) - (a->ticks < b->ticks);
	case VK_STRING: {
		int c = memcmp(a->str, b->str, a->len < b->len ? a->len : b->len);
		if (c)
			return c < 0 ? -1 : 1;
		return (a->len > b->len) - (a->len < b->len);
	}
	default:
		return 0;
	}
}
