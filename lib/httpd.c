#include "httpd.h"

#include "buf.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct httpd {
	struct MHD_Daemon *d;
	char *socket_path; /* unix:PATH: removed at stop while it is still ours (dev, ino) */
	dev_t dev;
	ino_t ino;
};

bool listen_addr_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = spec ? strrchr(spec, ':') : NULL;
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof host)
		return false;
	size_t hl = (size_t)(colon - spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || colon[1] == '-' || colon[1] == '+' || colon[1] == ' ' || port < 0 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof *s4;
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1;
}

void listen_url(char *url, size_t urlsz, const char *scheme, const char *spec, unsigned port)
{
	const char *colon = strrchr(spec, ':');
	int hl = colon ? (int)(colon - spec) : (int)strlen(spec);
	snprintf(url, urlsz, "%s://%.*s:%u", scheme, hl, spec, port);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libmicrohttpd", LS("detail", msg));
}

/* Whether a server listens on the socket at sa: true when it answers, or
 * when that cannot be told (*why says so). */
static bool socket_live(const struct sockaddr_un *sa, const char **why)
{
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		*why = "cannot create a Unix socket";
		return true;
	}
	int rc = connect(probe, (const struct sockaddr *)sa, sizeof *sa);
	int err = errno;
	close(probe);
	if (rc == 0)
		*why = "another server listens on the socket";
	else if (err != ECONNREFUSED)
		*why = "cannot tell whether a server listens on the socket";
	errno = err;
	return rc == 0 || err != ECONNREFUSED;
}

/* A Unix socket listening at path with mode; -1 (logged) when it cannot be.
 * A socket file nobody listens on (its server died) is replaced; a live one
 * or a file of another kind is left alone. The mode is set before listen():
 * until then every connection is refused. */
static int unix_listen(const char *path, mode_t mode, const char *setting)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		log_error("the socket path is too long", LS("setting", setting), LS("path", path),
			  LI("max_bytes", (long long)sizeof sa.sun_path - 1));
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	const char *why = NULL;
	int fd = -1;
	struct stat st;
	errno = 0;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			why = "the socket path exists and is not a socket";
		else if (!socket_live(&sa, &why) && unlink(path) != 0)
			why = "cannot remove the stale socket";
		else if (!why)
			log_info("stale socket replaced", LS("path", path));
	}
	bool bound = false;
	if (!why && (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		why = "cannot create a Unix socket";
	else if (!why && !(bound = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0))
		why = "cannot bind the socket";
	else if (!why && chmod(path, mode) != 0)
		why = "cannot set the socket's mode";
	else if (!why && listen(fd, 1024) != 0)
		why = "cannot listen on the socket";
	if (why) {
		log_error(why, LS("setting", setting), LS("path", path), LS("error", errno ? strerror(errno) : ""));
		if (bound)
			unlink(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ADDR:PORT or [ADDR6]:PORT into ss, or with socket_mode, unix:PATH into a
 * listening socket (*fd). false, logged, when it is neither or cannot be. */
static bool listen_on(const httpd_config *c, struct sockaddr_storage *ss, int *fd)
{
	socklen_t sl;
	const char *path = c->socket_mode ? http_unix_socket_path(c->listen) : NULL;
	*fd = -1;
	if (path)
		return (*fd = unix_listen(path, c->socket_mode, c->setting)) >= 0;
	if (listen_addr_parse(c->listen, ss, &sl))
		return true;
	log_error(c->socket_mode ? "the listen address is not ADDR:PORT, [ADDR6]:PORT or unix:PATH"
				 : "the listen address is not ADDR:PORT or [ADDR6]:PORT",
		  LS("setting", c->setting), LS("listen", c->listen ? c->listen : ""));
	return false;
}

httpd *httpd_start(const httpd_config *c, char *url, size_t urlsz)
{
	struct sockaddr_storage ss = { 0 };
	int fd = -1;
	if (c->share) {
		const union MHD_DaemonInfo *li = MHD_get_daemon_info(c->share->d, MHD_DAEMON_INFO_LISTEN_FD);
		if (!li || (fd = fcntl(li->listen_fd, F_DUPFD_CLOEXEC, 0)) < 0) {
			log_error("cannot share the listening socket", LS("setting", c->setting), LS("error", strerror(errno)));
			return NULL;
		}
	} else if (!listen_on(c, &ss, &fd)) {
		return NULL;
	}
	bool pool = c->threads && !c->external;
	unsigned flags = MHD_USE_ERROR_LOG | (c->external ? 0 : MHD_USE_INTERNAL_POLLING_THREAD);
	if (pool || c->external)
		flags |= MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (c->tls_cert)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem o[16];
	size_t n = 0;
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_log, NULL };
	if (fd >= 0)
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, fd, NULL };
	else
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &ss };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, c->timeout_s, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, c->max_connections, NULL };
	if (pool)
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, c->threads, NULL };
	if (pool || c->external)
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL };
	if (c->max_per_ip)
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->max_per_ip, NULL };
	if (c->memory_limit)
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)c->memory_limit, NULL };
	if (c->tls_cert) {
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)c->tls_cert };
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)c->tls_key };
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						   (void *)"NORMAL:-VERS-TLS1.0:-VERS-TLS1.1" };
	}
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	static const struct MHD_OptionItem none[] = { { MHD_OPTION_END, 0, NULL } };
	httpd *h = xcalloc(1, sizeof *h);
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, c->handler, c->cls, MHD_OPTION_ARRAY, o, MHD_OPTION_ARRAY,
				c->options ? c->options : none, MHD_OPTION_END);
	if (!h->d) {
		log_error(c->tls_cert ? "cannot listen (address in use or not local, or a bad TLS certificate or key)"
				      : "cannot listen (address in use or not local)",
			  LS("setting", c->setting), LS("listen", c->listen));
		if (fd >= 0 && !c->share) /* the socket itself is libmicrohttpd's once given */
			unlink(http_unix_socket_path(c->listen));
		free(h);
		return NULL;
	}
	if (c->share)
		return h;
	if (fd >= 0) {
		const char *path = http_unix_socket_path(c->listen);
		struct stat st;
		if (stat(path, &st) == 0) {
			h->socket_path = xstrdup(path);
			h->dev = st.st_dev;
			h->ino = st.st_ino;
		}
		snprintf(url, urlsz, "%s", c->listen);
		return h;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	listen_url(url, urlsz, c->tls_cert ? "https" : "http", c->listen, info ? (unsigned)info->port : 0);
	return h;
}

struct MHD_Daemon *httpd_daemon(httpd *h)
{
	return h->d;
}

void httpd_stop(httpd *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	struct stat st;
	if (h->socket_path && stat(h->socket_path, &st) == 0 && st.st_dev == h->dev && st.st_ino == h->ino)
		unlink(h->socket_path);
	free(h->socket_path);
	free(h);
}

void listen_ready_file(const char *path, const char *url)
{
	buf tmp = { 0 };
	buf_printf(&tmp, "%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(buf_cstr(&tmp), "w");
	if (!f || fprintf(f, "%s\n", url) < 0 || fclose(f) != 0 || rename(buf_cstr(&tmp), path) != 0) {
		log_error("cannot write the ready file", LS("path", path), LS("error", strerror(errno)));
		exit(VP_EXIT_IOERR);
	}
	buf_free(&tmp);
}
