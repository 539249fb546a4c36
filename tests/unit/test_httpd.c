/* lib/httpd: listen addresses (IPv4, IPv6, port 0 and the port bound,
 * unix:PATH) and a daemon started from them answering over each family. */
#include "buf.h"
#include "http.h"
#include "httpd.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

START_TEST(listen_addresses)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	ck_assert(listen_addr_parse("127.0.0.1:0", &ss, &sl));
	ck_assert_int_eq(ss.ss_family, AF_INET);
	ck_assert_int_eq(sl, sizeof(struct sockaddr_in));
	ck_assert(listen_addr_parse("0.0.0.0:9100", &ss, &sl));
	ck_assert_int_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9100);
	ck_assert(listen_addr_parse("[::1]:8080", &ss, &sl));
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_int_eq(sl, sizeof(struct sockaddr_in6));
	ck_assert_int_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 8080);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr));
	ck_assert(listen_addr_parse("[::]:65535", &ss, &sl));
	const char *bad[] = { "localhost:80", "127.0.0.1", ":80", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
			      "127.0.0.1:+1", "127.0.0.1: 1", "127.0.0.1:8x", "[::1:80", "[]:80", "::1:80", "[127.0.0.1]:80",
			      "1.2.3:80", "", NULL };
	for (size_t i = 0; bad[i]; i++)
		ck_assert_msg(!listen_addr_parse(bad[i], &ss, &sl), "accepted '%s'", bad[i]);
	ck_assert(!listen_addr_parse(NULL, &ss, &sl));
	ck_assert(!listen_addr_parse("unix:/run/x.sock", &ss, &sl));
	ck_assert_str_eq(http_unix_socket_path("unix:/run/x.sock"), "/run/x.sock");
	ck_assert_str_eq(http_unix_socket_path("unix:rel.sock"), "rel.sock");
	ck_assert_ptr_null(http_unix_socket_path("unix:"));
	ck_assert_ptr_null(http_unix_socket_path("127.0.0.1:80"));
	ck_assert_ptr_null(http_unix_socket_path("http://unix:/x"));
	ck_assert_ptr_null(http_unix_socket_path(NULL));
}
END_TEST

START_TEST(listen_urls)
{
	char url[64];
	listen_url(url, sizeof url, "http", "[::1]:0", 4242);
	ck_assert_str_eq(url, "http://[::1]:4242");
	listen_url(url, sizeof url, "https", "127.0.0.1:8080", 8080);
	ck_assert_str_eq(url, "https://127.0.0.1:8080");
}
END_TEST

static enum MHD_Result hello(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			     const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)cls, (void)url, (void)method, (void)version, (void)upload_data, (void)upload_size;
	if (!*con_cls) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(6, (void *)"hello\n", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ok = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ok;
}

/* GET / at url (http://127.0.0.1:P, http://[::1]:P or unix:PATH); the whole answer. */
static void get(const char *url, buf *out)
{
	unsigned port = (unsigned)atoi(strrchr(url, ':') + 1);
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int fd;
	if (http_unix_socket_path(url)) {
		struct sockaddr_un *su = (struct sockaddr_un *)&ss;
		su->sun_family = AF_UNIX;
		snprintf(su->sun_path, sizeof su->sun_path, "%s", http_unix_socket_path(url));
		sl = sizeof *su;
	} else if (strstr(url, "[::1]")) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&ss, sl), 0);
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	ck_assert_int_eq(write(fd, req, sizeof req - 1), (ssize_t)sizeof req - 1);
	char b[1024];
	ssize_t r;
	while ((r = read(fd, b, sizeof b)) > 0)
		buf_put(out, b, (size_t)r);
	close(fd);
}

static void serve_and_get(const char *spec, unsigned threads, const char *url_prefix)
{
	char url[80], again[80], url2[80];
	buf r = { 0 };
	httpd_config c = { .listen = spec, .setting = "--listen", .handler = hello, .threads = threads,
			   .timeout_s = 5, .max_connections = 8 };
	httpd *h = httpd_start(&c, url, sizeof url);
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(httpd_daemon(h));
	size_t pl = strlen(url_prefix);
	ck_assert_msg(strncmp(url, url_prefix, pl) == 0 && atoi(url + pl) > 0, "url %s", url);
	get(url, &r);
	ck_assert_msg(strncmp(buf_cstr(&r), "HTTP/1.1 200", 12) == 0, "%s", buf_cstr(&r));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&r), "\r\n\r\nhello\n"));
	/* The port bound, asked for again: in use, refused. */
	snprintf(again, sizeof again, "%.*s:%s", (int)(strrchr(spec, ':') - spec), spec, strrchr(url, ':') + 1);
	c.listen = again;
	ck_assert_ptr_null(httpd_start(&c, url2, sizeof url2));
	httpd_stop(h);
	buf_free(&r);
}

START_TEST(serves_ipv4_and_ipv6_on_a_free_port)
{
	serve_and_get("127.0.0.1:0", 0, "http://127.0.0.1:");
	serve_and_get("127.0.0.1:0", 2, "http://127.0.0.1:");
	serve_and_get("[::1]:0", 0, "http://[::1]:");
	serve_and_get("[::1]:0", 2, "http://[::1]:");
}
END_TEST

START_TEST(serves_on_a_unix_socket)
{
	char dir[] = "/tmp/vp-httpd-XXXXXX", spec[64], url[80], url2[80];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(spec, sizeof spec, "unix:%s/s", dir);
	const char *path = spec + 5;
	httpd_config c = { .listen = spec, .setting = "--listen", .handler = hello, .threads = 1, .timeout_s = 5,
			   .max_connections = 8 };
	/* Without socket_mode, unix:PATH is no listen address. */
	ck_assert_ptr_null(httpd_start(&c, url, sizeof url));
	/* A stale socket (nobody listening) is replaced. */
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	snprintf(su.sun_path, sizeof su.sun_path, "%s", path);
	int stale = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(stale, (struct sockaddr *)&su, sizeof su), 0);
	close(stale);
	c.socket_mode = 0640;
	httpd *h = httpd_start(&c, url, sizeof url);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(url, spec);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	buf r = { 0 };
	get(url, &r);
	ck_assert_msg(strncmp(buf_cstr(&r), "HTTP/1.1 200", 12) == 0, "%s", buf_cstr(&r));
	/* A live socket is not taken over. */
	ck_assert_ptr_null(httpd_start(&c, url2, sizeof url2));
	ck_assert_int_eq(stat(path, &st), 0);
	httpd_stop(h);
	ck_assert_int_ne(stat(path, &st), 0); /* removed at stop */
	/* A file of another kind is left alone. */
	FILE *f = fopen(path, "w");
	fclose(f);
	ck_assert_ptr_null(httpd_start(&c, url, sizeof url));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	unlink(path);
	rmdir(dir);
	buf_free(&r);
}
END_TEST

typedef struct {
	httpd *h[2];
	volatile bool stop;
} loops;

/* Runs both external daemons, as a server's loop would. */
static void *run_external(void *arg)
{
	loops *l = arg;
	while (!l->stop) {
		struct pollfd p[2];
		for (int i = 0; i < 2; i++) {
			const union MHD_DaemonInfo *in = MHD_get_daemon_info(httpd_daemon(l->h[i]), MHD_DAEMON_INFO_EPOLL_FD);
			p[i] = (struct pollfd){ .fd = in->epoll_fd, .events = POLLIN };
		}
		poll(p, 2, 20);
		for (int i = 0; i < 2; i++)
			MHD_run(httpd_daemon(l->h[i]));
	}
	return NULL;
}

/* Two daemons without threads of their own on one listening socket (the
 * second a share of the first): each answers, on a TCP port as on a Unix
 * socket, whose file only the first removes at its stop. */
START_TEST(external_daemons_share_a_socket)
{
	char dir[] = "/tmp/vp-httpd-XXXXXX", spec[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(spec, sizeof spec, "unix:%s/s", dir);
	const char *specs[] = { "127.0.0.1:0", spec };
	for (int k = 0; k < 2; k++) {
		char url[80], unused[80] = "";
		httpd_config c = { .listen = specs[k], .setting = "--listen", .handler = hello, .external = true,
				   .timeout_s = 5, .max_connections = 8, .socket_mode = 0600 };
		loops l = { 0 };
		ck_assert_ptr_nonnull(l.h[0] = httpd_start(&c, url, sizeof url));
		c.share = l.h[0];
		ck_assert_ptr_nonnull(l.h[1] = httpd_start(&c, unused, sizeof unused));
		ck_assert_str_eq(unused, "");
		pthread_t t;
		pthread_create(&t, NULL, run_external, &l);
		for (int i = 0; i < 4; i++) {
			buf r = { 0 };
			get(url, &r);
			ck_assert_msg(strstr(buf_cstr(&r), "\r\n\r\nhello\n"), "%s", buf_cstr(&r));
			buf_free(&r);
		}
		l.stop = true;
		pthread_join(t, NULL);
		struct stat st;
		httpd_stop(l.h[1]);
		if (k == 1) /* the share leaves the socket file to the first */
			ck_assert_int_eq(stat(spec + 5, &st), 0);
		httpd_stop(l.h[0]);
	}
	struct stat st;
	ck_assert_int_ne(stat(spec + 5, &st), 0);
	rmdir(dir);
}
END_TEST

START_TEST(malformed_address_refused)
{
	char url[80];
	httpd_config c = { .listen = "localhost:80", .setting = "--listen", .handler = hello, .timeout_s = 5,
			   .max_connections = 8 };
	ck_assert_ptr_null(httpd_start(&c, url, sizeof url));
	c.listen = NULL;
	ck_assert_ptr_null(httpd_start(&c, url, sizeof url));
	httpd_stop(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("httpd");
	TCase *tc = tcase_create("httpd");
	tcase_add_test(tc, listen_addresses);
	tcase_add_test(tc, listen_urls);
	tcase_add_test(tc, external_daemons_share_a_socket);
	tcase_add_test(tc, serves_ipv4_and_ipv6_on_a_free_port);
	tcase_add_test(tc, serves_on_a_unix_socket);
	tcase_add_test(tc, malformed_address_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
