#include "secret.h"
#include "buf.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SECRET_MAX = 64 * 1024 };

static char *strip_newlines(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

char *secret_read_file(const char *path, const char **err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*err = NULL;
	if (fd < 0) {
		*err = "cannot open the secret file";
		log_error("cannot open a secret file", LS("path", path), LS("error", strerror(errno)));
		return NULL;
	}
	/* Group members are other users too: only the owner may read it. */
	if (fstat(fd, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH))) {
		const char *allow = getenv("VTEX_PIPES_ALLOW_SHARED_SECRET_FILE");
		if (!allow || strcmp(allow, "1") != 0) {
			*err = "the secret file is readable by its group or by every user";
			log_error("secret file is readable by its group or by every user; chmod 600 it "
				  "(or VTEX_PIPES_ALLOW_SHARED_SECRET_FILE=1)", LS("path", path));
			close(fd);
			return NULL;
		}
		log_warn("secret file is readable by its group or by every user (allowed by "
			 "VTEX_PIPES_ALLOW_SHARED_SECRET_FILE=1)", LS("path", path));
	}
	char *s = xmalloc(SECRET_MAX + 1);
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, s + len, SECRET_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = "cannot read the secret file";
			log_error("cannot read a secret file", LS("path", path), LS("error", strerror(errno)));
			close(fd);
			secret_free(s);
			return NULL;
		}
		if (n == 0 || (len += (size_t)n) == SECRET_MAX)
			break;
	}
	close(fd);
	s[len] = '\0';
	return strip_newlines(s);
}

char *secret_read(const char *env_name, const char **err)
{
	const char *v = getenv(env_name);
	buf file_var = { 0 };
	char *s = NULL;

	*err = NULL;
	if (v && *v)
		return strip_newlines(xstrdup(v));
	buf_printf(&file_var, "%s_FILE", env_name);
	v = getenv(buf_cstr(&file_var));
	if (v && *v)
		s = secret_read_file(v, err);
	buf_free(&file_var);
	return s;
}

bool secret_equal(const char *given, const char *secret)
{
	if (!given || !secret)
		return false;
	size_t lg = strlen(given), ls = strlen(secret);
	unsigned char diff = (unsigned char)(lg != ls);
	/* Every byte of the presented value is looked at, against the secret's
	 * bytes cycled, so no early exit tells how much matched. */
	for (size_t i = 0; i < lg; i++)
		diff |= (unsigned char)(given[i] ^ secret[ls ? i % ls : 0]);
	return diff == 0 && ls > 0;
}

void secret_wipe(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
}

void secret_free(char *s)
{
	if (!s)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}

char *tls_pem_read(const char *path, bool private_key, const char **err)
{
	char *s = NULL;
	*err = NULL;
	if (private_key) {
		s = secret_read_file(path, err);
	} else {
		FILE *f = fopen(path, "r");
		if (!f) {
			*err = "cannot open the file";
			return NULL;
		}
		buf b = { 0 };
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&b, chunk, n);
		fclose(f);
		buf_putc(&b, '\0');
		s = b.data;
	}
	if (s && !strstr(s, "-----BEGIN ")) {
		*err = "not a PEM file";
		secret_free(s);
		return NULL;
	}
	if (!s && !*err)
		*err = "cannot read the file";
	return s;
}
