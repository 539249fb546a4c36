#include "json_path.h"

#include <string.h>

cJSON *json_path_get(const cJSON *obj, const char *path)
{
	const cJSON *cur = obj;

	while (cur && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		const cJSON *child;

		if (!cJSON_IsObject(cur))
			return NULL;
		for (child = cur->child; child; child = child->next)
			if (child->string && strncmp(child->string, path, n) == 0 && child->string[n] == '\0')
				break;
		cur = child;
		path += n + (dot ? 1 : 0);
	}
	return (cJSON *)cur;
}

void json_write(buf *b, const cJSON *v)
{
	const cJSON *c;

	switch (v->type & 0xFF) {
	case cJSON_NULL:
		buf_puts(b, "null");
		break;
	case cJSON_False:
		buf_puts(b, "false");
		break;
	case cJSON_True:
		buf_puts(b, "true");
		break;
	case cJSON_Number:
		buf_put_double(b, v->valuedouble);
		break;
	case cJSON_String:
		buf_json_string(b, v->valuestring, strlen(v->valuestring));
		break;
	case cJSON_Raw:
		buf_puts(b, v->valuestring);
		break;
	case cJSON_Array:
		buf_putc(b, '[');
		for (c = v->child; c; c = c->next) {
			json_write(b, c);
			if (c->next)
				buf_putc(b, ',');
		}
		buf_putc(b, ']');
		break;
	case cJSON_Object:
		buf_putc(b, '{');
		for (c = v->child; c; c = c->next) {
			buf_json_string(b, c->string, strlen(c->string));
			buf_putc(b, ':');
			json_write(b, c);
			if (c->next)
				buf_putc(b, ',');
		}
		buf_putc(b, '}');
		break;
	default:
		buf_puts(b, "null");
	}
}
