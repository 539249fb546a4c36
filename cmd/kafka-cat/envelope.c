#include "envelope.h"

#include "base64.h"
#include "ndjson_reader.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void kc_bytes_encode(buf *out, kc_bytes b)
{
	if (!b.data) {
		buf_puts(out, "null");
	} else if (!memchr(b.data, '\0', b.len) && utf8_valid(b.data, b.len)) {
		buf_json_string(out, b.data, b.len);
	} else {
		buf_puts(out, "{\"base64\":\"");
		base64_encode(out, b.data, b.len);
		buf_puts(out, "\"}");
	}
}

void kc_envelope_encode(buf *out, const kc_msg *m)
{
	buf_puts(out, "{\"topic\":");
	buf_json_string(out, m->topic ? m->topic : "", m->topic ? m->topic_len : 0);
	buf_puts(out, ",\"partition\":");
	if (m->partition >= 0)
		buf_put_i64(out, m->partition);
	else
		buf_puts(out, "null"); /* none chosen: the partitioner's choice */
	buf_puts(out, ",\"offset\":");
	buf_put_i64(out, m->offset);
	buf_puts(out, ",\"timestamp\":");
	if (m->timestamp >= 0)
		buf_put_i64(out, m->timestamp);
	else
		buf_puts(out, "null");
	buf_puts(out, ",\"key\":");
	kc_bytes_encode(out, m->key);
	buf_puts(out, ",\"headers\":[");
	for (size_t i = 0; i < m->nheaders; i++) {
		if (i)
			buf_putc(out, ',');
		buf_putc(out, '[');
		kc_bytes_encode(out, m->headers[i].name);
		buf_putc(out, ',');
		kc_bytes_encode(out, m->headers[i].value);
		buf_putc(out, ']');
	}
	buf_puts(out, "],\"value\":");
	kc_bytes_encode(out, m->value);
	buf_putc(out, '}');
}

static buf *new_blob(kc_envelope *e)
{
	if (e->nblobs == e->capblobs) {
		e->capblobs = e->capblobs ? e->capblobs * 2 : 4;
		e->blobs = xrealloc(e->blobs, e->capblobs * sizeof *e->blobs);
	}
	e->blobs[e->nblobs] = (buf){ 0 };
	return &e->blobs[e->nblobs++];
}

/* A string, null, or {"base64":"..."} into out. */
static bool get_bytes(kc_envelope *e, const cJSON *v, kc_bytes *out, bool null_ok)
{
	if (!v || cJSON_IsNull(v)) {
		*out = (kc_bytes){ NULL, 0 };
		return null_ok;
	}
	if (cJSON_IsString(v)) {
		*out = (kc_bytes){ v->valuestring, strlen(v->valuestring) };
		return true;
	}
	if (cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1) {
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "base64");
		if (!cJSON_IsString(b))
			return false;
		/* Blobs never move once decoded: each has its own buffer. But the
		 * array of buffers may, so point at the data, not at the buf. */
		buf *blob = new_blob(e);
		if (!base64_decode(blob, b->valuestring, strlen(b->valuestring)))
			return false;
		buf_reserve(blob, 1);
		*out = (kc_bytes){ blob->data, blob->len };
		return true;
	}
	return false;
}

static bool get_int(const cJSON *v, int64_t min, int64_t max, int64_t *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	if (d != floor(d) || d < (double)min || d > (double)max)
		return false;
	*out = (int64_t)d;
	return true;
}

const char *kc_envelope_decode(kc_envelope *e, const char *text, size_t len)
{
	const char *why = NULL;
	cJSON *root = ndjson_parse_object(text, len, &why);
	const cJSON *v;
	int64_t n;

	memset(e, 0, sizeof *e);
	if (!root)
		return why;
	e->json = root;
	e->msg.partition = -1;
	e->msg.offset = -1;
	e->msg.timestamp = -1;

	if ((v = cJSON_GetObjectItemCaseSensitive(root, "topic")) && !cJSON_IsNull(v)) {
		if (!cJSON_IsString(v) || !*v->valuestring) {
			why = "envelope: topic is not a non-empty string";
			goto bad;
		}
		e->msg.topic = v->valuestring;
		e->msg.topic_len = strlen(v->valuestring);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "partition")) && !cJSON_IsNull(v)) {
		if (!get_int(v, 0, INT32_MAX, &n)) {
			why = "envelope: partition is not a whole number >= 0";
			goto bad;
		}
		e->msg.partition = (int32_t)n;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "offset")) && !cJSON_IsNull(v)) {
		if (!get_int(v, -2, INT64_MAX / 2, &n)) {
			why = "envelope: offset is not a whole number";
			goto bad;
		}
		e->msg.offset = n;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "timestamp")) && !cJSON_IsNull(v)) {
		/* 2^53: past it a double no longer holds every millisecond. */
		if (!get_int(v, 0, (int64_t)1 << 53, &n)) {
			why = "envelope: timestamp is not milliseconds since the epoch";
			goto bad;
		}
		e->msg.timestamp = n;
	}
	if (!get_bytes(e, cJSON_GetObjectItemCaseSensitive(root, "key"), &e->msg.key, true)) {
		why = "envelope: key is not a string, null or {\"base64\":...}";
		goto bad;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "value");
	if (!v) {
		why = "envelope: no value";
		goto bad;
	}
	if (!get_bytes(e, v, &e->msg.value, true)) {
		why = "envelope: value is not a string, null or {\"base64\":...}";
		goto bad;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "headers")) && !cJSON_IsNull(v)) {
		if (!cJSON_IsArray(v)) {
			why = "envelope: headers is not an array of [name, value] pairs";
			goto bad;
		}
		size_t nh = (size_t)cJSON_GetArraySize(v), i = 0;
		e->msg.headers = nh ? xcalloc(nh, sizeof *e->msg.headers) : NULL;
		const cJSON *h;
		cJSON_ArrayForEach(h, v) {
			kc_header *kh = &e->msg.headers[i++];
			if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != 2 ||
			    !get_bytes(e, cJSON_GetArrayItem(h, 0), &kh->name, false) ||
			    !get_bytes(e, cJSON_GetArrayItem(h, 1), &kh->value, true)) {
				why = "envelope: a header is not a [name, value] pair";
				goto bad;
			}
		}
		e->msg.nheaders = nh;
	}
	return NULL;
bad:
	kc_envelope_free(e);
	return why;
}

void kc_envelope_free(kc_envelope *e)
{
	cJSON_Delete(e->json);
	for (size_t i = 0; i < e->nblobs; i++)
		buf_free(&e->blobs[i]);
	free(e->blobs);
	free(e->msg.headers);
	memset(e, 0, sizeof *e);
}
