#include "post.h"
#include "json_path.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

bool url_template_parse(url_template *t, const char *text, const char **err)
{
	memset(t, 0, sizeof *t);
	buf lit = { 0 };
	const char *p = text;
	for (;;) {
		const char *open = strchr(p, '{');
		if (!open) {
			buf_puts(&lit, p);
			break;
		}
		buf_put(&lit, p, (size_t)(open - p));
		const char *close = strchr(open, '}');
		if (!close || close == open + 1) {
			*err = close ? "an empty {} in the URL" : "a { without its } in the URL";
			buf_free(&lit);
			url_template_free(t);
			return false;
		}
		t->lit = xrealloc(t->lit, (t->n + 2) * sizeof *t->lit);
		t->field = xrealloc(t->field, (t->n + 1) * sizeof *t->field);
		t->lit[t->n] = xstrdup(buf_cstr(&lit));
		t->field[t->n] = xstrndup(open + 1, (size_t)(close - open - 1));
		t->n++;
		t->lit[t->n] = NULL;   /* the last piece, set at the end; freeable meanwhile */
		lit.len = 0;
		p = close + 1;
	}
	t->lit = xrealloc(t->lit, (t->n + 1) * sizeof *t->lit);
	t->lit[t->n] = xstrdup(buf_cstr(&lit));
	buf_free(&lit);
	return true;
}

bool url_template_expand(const url_template *t, const cJSON *rec, buf *out, const char **field, const char **why)
{
	for (size_t i = 0; i < t->n; i++) {
		buf_puts(out, t->lit[i]);
		const cJSON *v = json_path_get(rec, t->field[i]);
		if (cJSON_IsString(v)) {
			const char *s = v->valuestring;
			if (!*s || !strcmp(s, ".") || !strcmp(s, "..")) {
				*field = t->field[i];
				*why = "is empty, '.' or '..', which would change the URL's path";
				return false;
			}
			buf_url_escape(out, s);
		} else if (cJSON_IsNumber(v) || cJSON_IsBool(v)) {
			buf num = { 0 };
			json_write(&num, v);
			buf_url_escape(out, buf_cstr(&num));
			buf_free(&num);
		} else {
			*field = t->field[i];
			*why = "is missing, null or not a scalar";
			return false;
		}
	}
	buf_puts(out, t->lit[t->n]);
	buf_cstr(out);
	return true;
}

void url_template_free(url_template *t)
{
	for (size_t i = 0; t->lit && i <= t->n; i++)
		free(t->lit[i]);
	for (size_t i = 0; i < t->n; i++)
		free(t->field[i]);
	free(t->lit);
	free(t->field);
	memset(t, 0, sizeof *t);
}

void key_fields_parse(key_fields *k, const char *spec)
{
	memset(k, 0, sizeof *k);
	if (!spec || !strcmp(spec, "line"))
		return;
	const char *p = spec;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len) {
			k->fields = xrealloc(k->fields, (k->n + 1) * sizeof *k->fields);
			k->fields[k->n++] = xstrndup(p, len);
		}
		p += len + (comma ? 1 : 0);
	}
}

void key_fields_free(key_fields *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->fields[i]);
	free(k->fields);
	memset(k, 0, sizeof *k);
}

void key_material_add(const key_fields *k, const cJSON *rec, const char *line, size_t len, buf *m)
{
	if (!k->n) {
		buf_put(m, line, len);
		buf_putc(m, '\n');
		return;
	}
	for (size_t i = 0; i < k->n; i++) {
		const cJSON *v = json_path_get(rec, k->fields[i]);
		if (v)
			json_write(m, v);
		else
			buf_puts(m, "undefined");
		buf_putc(m, '\x1f');
	}
	buf_putc(m, '\n');
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[d[i] >> 4];
		out[2 * i + 1] = h[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void idempotency_key(const void *material, size_t len, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_Digest(material, len, md, &mdlen, EVP_sha256(), NULL);
	hex(md, 16, out);
}

void hmac_sha256_hex(const char *key, size_t keylen, const void *body, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	HMAC(EVP_sha256(), key, (int)keylen, body, len, md, &mdlen);
	hex(md, 32, out);
}
