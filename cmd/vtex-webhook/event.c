#include "event.h"
#include "json_text.h"
#include "vtime.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char *string_field(const cJSON *o, const char *name, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	*out = v;
	if (!v)
		return "missing";
	if (!cJSON_IsString(v))
		return "not a string";
	if (!*v->valuestring)
		return "empty";
	if (strlen(v->valuestring) > EVENT_MAX_FIELD)
		return "too long";
	return NULL;
}

event_kind event_check(const char *body, size_t len, const char **why)
{
	/* The rule of every tool's input: UTF-8, no raw control character, no \u0000. */
	if ((*why = json_text_problem(body, len)) != NULL)
		return EVENT_BAD;
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithLengthOpts(body, len, &end, false);
	event_kind k = EVENT_BAD;
	const cJSON *v;

	*why = NULL;
	if (!o) {
		*why = "body is not JSON";
		return EVENT_BAD;
	}
	/* cJSON stops after the first value: anything but whitespace after it is refused. */
	for (; end && end < body + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
			*why = "body is not JSON (text after the object)";
			goto out;
		}
	if (!cJSON_IsObject(o)) {
		*why = "body is not a JSON object";
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "hookConfig");
	if (v) {
		if (cJSON_IsString(v) && strcmp(v->valuestring, "ping") == 0)
			k = EVENT_PING;
		else
			*why = "hookConfig is not \"ping\"";
		goto out;
	}
	/* The pipeline's control line starts with this member (vtex-pipes(7),
	 * ACKNOWLEDGEMENTS): a body holding it could pass for a barrier. */
	if (cJSON_GetObjectItemCaseSensitive(o, "vtex_pipes_barrier")) {
		*why = "vtex_pipes_barrier is reserved (the pipeline's acknowledgement barriers)";
		goto out;
	}
	/* One meaning per body: a repeated field (which one would a reader take?) is refused. */
	int nfields = 0;
	for (const cJSON *a = o->child; a; a = a->next, nfields++) {
		if (nfields >= EVENT_MAX_FIELDS) {
			*why = "too many fields";
			goto out;
		}
		for (const cJSON *b = o->child; b != a; b = b->next)
			if (strcmp(a->string, b->string) == 0) {
				*why = "a field appears twice";
				goto out;
			}
	}
	const char *e;
	if ((e = string_field(o, "OrderId", &v)) != NULL) {
		*why = strcmp(e, "missing") == 0 ? "OrderId missing" : strcmp(e, "empty") == 0 ? "OrderId empty"
			: strcmp(e, "too long") == 0 ? "OrderId too long" : "OrderId not a string";
		goto out;
	}
	if ((e = string_field(o, "State", &v)) != NULL) {
		*why = strcmp(e, "missing") == 0 ? "State missing" : strcmp(e, "empty") == 0 ? "State empty"
			: strcmp(e, "too long") == 0 ? "State too long" : "State not a string";
		goto out;
	}
	if ((e = string_field(o, "LastChange", &v)) != NULL) {
		*why = strcmp(e, "missing") == 0 ? "LastChange missing" : "LastChange not a timestamp";
		goto out;
	}
	vtime_t t;
	if (!vtime_parse(v->valuestring, strlen(v->valuestring), &t)) {
		*why = "LastChange not a timestamp";
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(o, "_received_at")) {
		*why = "_received_at is reserved";
		goto out;
	}
	k = EVENT_ORDER;
out:
	cJSON_Delete(o);
	return k;
}

void event_line(buf *out, const char *body, size_t len, const char *received_at)
{
	static const char hex[] = "0123456789abcdef";
	bool in_string = false, escaped = false;
	size_t start = out->len, last_brace = 0;

	buf_reserve(out, len + 64);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];
		if (in_string) {
			if (escaped) {
				escaped = false;
			} else if (c == '\\') {
				escaped = true;
			} else if (c == '"') {
				in_string = false;
			} else if (c < 0x20) { /* a raw control character would break the line */
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				buf_put(out, u, sizeof u);
				continue;
			}
			buf_putc(out, (char)c);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '"')
			in_string = true;
		if (c == '}')
			last_brace = out->len;
		buf_putc(out, (char)c);
	}
	/* The object's closing brace is the last one written outside a string. */
	out->len = last_brace;
	if (out->len > start + 1)
		buf_putc(out, ',');
	buf_puts(out, "\"_received_at\":");
	buf_json_string(out, received_at, strlen(received_at));
	buf_putc(out, '}');
}
