#include "json_file.h"
#include "private_file.h"
#include "buf.h"
#include "json_path.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

cJSON *json_file_load(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (errno != ENOENT) {
			log_error("cannot read the state file", LS("path", path), LS("error", strerror(errno)));
			return NULL;
		}
		return cJSON_CreateObject();
	}
	buf b = { 0 };
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_put(&b, chunk, n);
	bool ok = !ferror(fp);
	fclose(fp);
	cJSON *root = ok ? cJSON_ParseWithLength(b.data ? b.data : "", b.len) : NULL;
	buf_free(&b);
	if (!cJSON_IsObject(root)) {
		log_error("the state file is not a JSON object", LS("path", path));
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

bool json_file_save(const char *path, const cJSON *root)
{
	buf tmp = { 0 }, text = { 0 };
	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	json_write(&text, root);
	buf_putc(&text, '\n');
	int fd = private_open(buf_cstr(&tmp), O_WRONLY | O_TRUNC);
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
	ok = ok && rename(buf_cstr(&tmp), path) == 0;
	if (!ok) {
		log_error("cannot write the state file", LS("path", path), LS("error", strerror(errno)));
		unlink(buf_cstr(&tmp));
	}
	buf_free(&tmp);
	buf_free(&text);
	return ok;
}
