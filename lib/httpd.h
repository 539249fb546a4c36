/* A libmicrohttpd daemon the way every server of the suite starts one
 * (vtex-webhook, vtex-sandbox, vtex-gateway, lib/metrics_http): the listen
 * address (ADDR:PORT, [ADDR6]:PORT, port 0 for a free one; unix:PATH where
 * the server allows it), IPv4 and IPv6, libmicrohttpd's own messages into lib/log (debug), connection limits and
 * timeouts, TLS, start and stop. Each server keeps only its handlers. */
#ifndef VP_HTTPD_H
#define VP_HTTPD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* "ADDR:PORT" or "[ADDR6]:PORT" (numeric addresses, port 0 to 65535) into
 * a socket address. false when spec is neither. */
bool listen_addr_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len);
/* "scheme://ADDR:PORT" for spec's address and the port actually bound. */
void listen_url(char *url, size_t urlsz, const char *scheme, const char *spec, unsigned port);
/* Writes url and a newline to path through a temporary file and a rename,
 * so a reader sees the whole URL or no file (--ready-file); exits 74 when
 * it cannot. */
void listen_ready_file(const char *path, const char *url);

typedef struct {
	const char *listen;   /* ADDR:PORT, [ADDR6]:PORT; unix:PATH when socket_mode is set */
	const char *setting;  /* what the address is called in error lines: "--listen" */
	MHD_AccessHandlerCallback handler;
	void *cls;
	/* 0: one thread for a few clients (a metrics scraper); N: a pool of N
	 * threads on epoll whose handlers may suspend connections, and a
	 * listen backlog for bursts. */
	unsigned threads;
	/* No thread of its own (threads unused): the server's loop calls
	 * MHD_run when the epoll fd (MHD_DAEMON_INFO_EPOLL_FD) is readable or
	 * MHD_get_timeout runs out; handlers may suspend connections; the
	 * backlog as with threads. */
	bool external;
	/* Another httpd whose listening socket this one serves too (a dup:
	 * listen and socket_mode unused, the URL left as it is), so that a
	 * few external loops share one address. */
	struct httpd *share;
	unsigned timeout_s, max_connections;
	unsigned max_per_ip;  /* 0: no limit per client address */
	size_t memory_limit;  /* per connection; 0: libmicrohttpd's default */
	const char *tls_cert, *tls_key; /* PEM text, or NULL: plain HTTP */
	/* unix:PATH is accepted only when set: the socket file gets this mode
	 * (its directory's permissions apply too); a stale socket there (nobody
	 * listening) is replaced, a live one or a file of another kind is not. */
	mode_t socket_mode;
	const struct MHD_OptionItem *options; /* the server's own (callbacks), up to MHD_OPTION_END; or NULL */
} httpd_config;

typedef struct httpd httpd;

/* Listens and serves; NULL (the reason logged) when the address is
 * malformed or cannot be bound. url gets the address callers use:
 * http(s)://ADDR:PORT with the port bound, or unix:PATH. */
httpd *httpd_start(const httpd_config *c, char *url, size_t urlsz);
struct MHD_Daemon *httpd_daemon(httpd *h);
/* Closes the listener and every connection; removes the socket file it
 * created (unless another server has replaced it since). NULL is fine. */
void httpd_stop(httpd *h);

#endif
