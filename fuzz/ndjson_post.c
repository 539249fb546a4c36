/* libFuzzer target: ndjson-post's URL template and idempotency keys.
 * links: cmd/ndjson-post
 *
 * The input is a template, a newline, then a record line. Checks: a parsed
 * template expands without reading past its pieces; an expanded URL holds
 * no byte a URL cannot carry unescaped (space, quote, control, non-ASCII);
 * the key is 32 hex digits and the same for the same record. */
#include "ndjson-post/post.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xstrndup((const char *)data, size);
	char *nl = strchr(in, '\n');
	const char *line = nl ? nl + 1 : "{}";
	if (nl)
		*nl = '\0';
	url_template t;
	const char *err = NULL;
	cJSON *rec = cJSON_Parse(line);
	if (url_template_parse(&t, in, &err)) {
		buf out = { 0 };
		const char *missing = NULL, *why = NULL;
		if (rec && url_template_expand(&t, rec, &out, &missing, &why)) {
			/* Only the template's own literal text may carry such bytes. */
			size_t lit = 0;
			for (size_t i = 0; i <= t.n; i++)
				lit += strlen(t.lit[i]);
			size_t odd = 0;
			for (size_t i = 0; i < out.len; i++) {
				unsigned char c = (unsigned char)out.data[i];
				odd += c <= ' ' || c >= 0x7f || c == '"';
			}
			if (odd > lit)
				abort();
		}
		buf_free(&out);
		url_template_free(&t);
	} else if (!err)
		abort();
	key_fields k;
	key_fields_parse(&k, in);
	char a[33], b[33];
	buf m = { 0 };
	key_material_add(&k, rec, line, strlen(line), &m);
	idempotency_key(m.data, m.len, a);
	m.len = 0;
	key_material_add(&k, rec, line, strlen(line), &m);
	idempotency_key(m.data, m.len, b);
	if (strlen(a) != 32 || strcmp(a, b) || strspn(a, "0123456789abcdef") != 32)
		abort();
	buf_free(&m);
	key_fields_free(&k);
	cJSON_Delete(rec);
	free(in);
	return 0;
}
