#include "state.h"
#include "buf.h"
#include "json_file.h"

#include <stdlib.h>
#include <string.h>

bool state_load(state *s, const char *path)
{
	s->path = xstrdup(path);
	s->root = json_file_load(path);
	if (!s->root) {
		free(s->path);
		s->path = NULL;
	}
	return s->root != NULL;
}

bool state_get(const state *s, const char *section, const char *key, vtime_t *out)
{
	cJSON *sec = cJSON_GetObjectItemCaseSensitive(s->root, section);
	cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key);
	return cJSON_IsString(v) && vtime_parse(v->valuestring, strlen(v->valuestring), out);
}

void state_set(state *s, const char *section, const char *key, vtime_t t)
{
	char when[VTIME_FORMAT_SIZE];
	vtime_format(t, when);
	cJSON *sec = cJSON_GetObjectItemCaseSensitive(s->root, section);
	if (!cJSON_IsObject(sec)) {
		cJSON_DeleteItemFromObjectCaseSensitive(s->root, section);
		sec = cJSON_AddObjectToObject(s->root, section);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(sec, key);
	cJSON_AddStringToObject(sec, key, when);
}

bool state_save(const state *s)
{
	return json_file_save(s->path, s->root);
}

void state_free(state *s)
{
	cJSON_Delete(s->root);
	free(s->path);
	s->root = NULL;
	s->path = NULL;
}
