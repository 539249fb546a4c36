#include "state.h"
#include "buf.h"
#include "json_path.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool state_load(state *s, const char *path)
{
	s->path = xstrdup(path);
	s->root = NULL;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (errno != ENOENT) {
			log_error("cannot read the state file", LS("path", path), LS("error", strerror(errno)));
			return false;
		}
		s->root = cJSON_CreateObject();
		return true;
	}
	buf b = { 0 };
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_put(&b, chunk, n);
	bool ok = !ferror(fp);
	fclose(fp);
	s->root = ok ? cJSON_ParseWithLength(b.data ? b.data : "", b.len) : NULL;
	buf_free(&b);
	if (!cJSON_IsObject(s->root)) {
		log_error("the state file is not a JSON object", LS("path", path));
		cJSON_Delete(s->root);
		s->root = NULL;
		return false;
	}
	return true;
}

bool state_get(const state *s, const char *section, const char *key, vtime_t *out)
{
	cJSON *sec = cJSON_GetObjectItemCaseSensitive(s->root, section);
	cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key);
	return cJSON_IsString(v) && vtime_parse(v->valuestring, strlen(v->valuestring), out);
}

void state_set(state *s, const char *section, const char *key, vtime_t t)
{
	char when[40];
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
	buf tmp = { 0 }, text = { 0 };
	buf_printf(&tmp, "%s.tmp.%ld", s->path, (long)getpid());
	json_write(&text, s->root);
	buf_putc(&text, '\n');
	int fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	bool ok = fd >= 0;
	for (size_t off = 0; ok && off < text.len;) {
		ssize_t w = write(fd, text.data + off, text.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += ok ? (size_t)w : 0;
	}
	ok = ok && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	ok = ok && rename(buf_cstr(&tmp), s->path) == 0;
	if (!ok) {
		log_error("cannot write the state file", LS("path", s->path), LS("error", strerror(errno)));
		unlink(buf_cstr(&tmp));
	}
	buf_free(&tmp);
	buf_free(&text);
	return ok;
}

void state_free(state *s)
{
	cJSON_Delete(s->root);
	free(s->path);
	s->root = NULL;
	s->path = NULL;
}
