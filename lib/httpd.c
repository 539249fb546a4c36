#include "httpd.h"

#include "buf.h"
#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct httpd {
	struct MHD_Daemon *d;
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

httpd *httpd_start(const httpd_config *c, char *url, size_t urlsz)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!listen_addr_parse(c->listen, &ss, &sl)) {
		log_error("the listen address is not ADDR:PORT or [ADDR6]:PORT", LS("setting", c->setting),
			  LS("listen", c->listen ? c->listen : ""));
		return NULL;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (c->threads)
		flags |= MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (c->tls_cert)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem o[16];
	size_t n = 0;
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_log, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &ss };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, c->timeout_s, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, c->max_connections, NULL };
	if (c->threads) {
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, c->threads, NULL };
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL };
	}
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
		free(h);
		return NULL;
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
	free(h);
}
