#include "keyspec.h"
#include "json_path.h"
#include "le.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

bool keyspec_init(keyspec *k, const char *key_list, const char *version_field)
{
	memset(k, 0, sizeof *k);
	k->version_field = version_field;
	for (const char *p = key_list;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || p[0] == '.' || p[n - 1] == '.' || memmem(p, n, "..", 2))
			return false;
		k->fields = xrealloc(k->fields, (k->nfields + 1) * sizeof *k->fields);
		k->fields[k->nfields++] = xstrndup(p, n);
		if (!comma)
			break;
		p = comma + 1;
	}
	return true;
}

void keyspec_free(keyspec *k)
{
	for (size_t i = 0; i < k->nfields; i++)
		free(k->fields[i]);
	free(k->fields);
	buf_free(&k->scratch);
}

void keyspec_describe(const keyspec *k, buf *out)
{
	buf_puts(out, "key=");
	for (size_t i = 0; i < k->nfields; i++) {
		if (i)
			buf_putc(out, ',');
		buf_puts(out, k->fields[i]);
	}
	buf_puts(out, " version=");
	buf_puts(out, k->version_field ? k->version_field : "");
}

static void put_u32(buf *b, uint32_t n)
{
	unsigned char p[4];
	le_put32(p, n);
	buf_put(b, p, sizeof p);
}

static const char *refuse(keyspec *k, const char *field, const char *what)
{
	k->scratch.len = 0;
	buf_printf(&k->scratch, "key field %s %s", field, what);
	return buf_cstr(&k->scratch);
}

const char *keyspec_read(keyspec *k, const cJSON *obj, fp128 *fp, version *v)
{
	buf *b = &k->scratch;

	b->len = 0;
	for (size_t i = 0; i < k->nfields; i++) {
		const cJSON *f = json_path_get(obj, k->fields[i]);
		if (!f)
			return refuse(k, k->fields[i], "is missing");
		switch (f->type & 0xFF) {
		case cJSON_String: {
			size_t n = strlen(f->valuestring);
			buf_putc(b, 's');
			put_u32(b, (uint32_t)n);
			buf_put(b, f->valuestring, n);
			break;
		}
		case cJSON_Number: {
			unsigned char p[8];
			le_put64(p, double_bits(f->valuedouble + 0.0)); /* -0 is 0 */
			buf_putc(b, 'n');
			buf_put(b, p, sizeof p);
			break;
		}
		case cJSON_True:
			buf_putc(b, 't');
			break;
		case cJSON_False:
			buf_putc(b, 'f');
			break;
		case cJSON_Array:
		case cJSON_Object: {
			buf_putc(b, 'j');
			size_t at = b->len;
			put_u32(b, 0);
			json_write(b, f);
			le_put32((unsigned char *)b->data + at, (uint32_t)(b->len - at - 4));
			break;
		}
		default:
			return refuse(k, k->fields[i], "is null");
		}
	}
	XXH128_hash_t h = XXH3_128bits_withSeed(b->data, b->len, k->seed);
	*fp = fp_make(h.high64, h.low64);
	if (!k->version_field) {
		memset(v, 0, sizeof *v);
		return NULL;
	}
	const char *why = version_from_json(json_path_get(obj, k->version_field), v);
	if (why) {
		b->len = 0;
		buf_printf(b, "version field %s %s", k->version_field, why);
		return buf_cstr(b);
	}
	return NULL;
}
