/* lib/http against a scripted peer in a thread: methods, bodies, headers,
 * per-request callbacks, retry on 5xx with Retry-After, a check that refuses
 * a body, the retry budget, a request that cannot work, and the feed (with
 * its own fd and clock to wait on). The
 * peer answers each connection once, from a script, and records what came. */
#include "buf.h"
#include "http.h"
#include "metrics.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_SCRIPT = 16 };

typedef struct {
	int listen_fd, port;
	const char *answers[MAX_SCRIPT]; /* whole HTTP responses, used in turn */
	int nanswers, served;            /* served: read only after peer_stop */
	buf requests[MAX_SCRIPT];        /* what each connection sent */
	pthread_t thread;
} peer;

static void read_request(int fd, buf *req)
{
	char chunk[4096];
	size_t body_at = 0, want = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n <= 0)
			return;
		buf_put(req, chunk, (size_t)n);
		const char *s = buf_cstr(req);
		const char *end = strstr(s, "\r\n\r\n");
		if (!end)
			continue;
		if (!body_at) {
			body_at = (size_t)(end - s) + 4;
			const char *cl = strcasestr(s, "Content-Length:");
			want = cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
		}
		if (req->len >= body_at + want)
			return;
	}
}

static void *peer_main(void *arg)
{
	peer *p = arg;
	for (int i = 0; i < p->nanswers; i++) {
		int fd = accept(p->listen_fd, NULL, NULL);
		if (fd < 0)
			break;
		read_request(fd, &p->requests[i]);
		ssize_t w = write(fd, p->answers[i], strlen(p->answers[i]));
		(void)w;
		close(fd);
		p->served = i + 1;
	}
	return NULL;
}

static void peer_start(peer *p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(bind(p->listen_fd, (struct sockaddr *)&a, sizeof a) == 0);
	ck_assert(listen(p->listen_fd, 16) == 0);
	getsockname(p->listen_fd, (struct sockaddr *)&a, &len);
	p->port = ntohs(a.sin_port);
	pthread_create(&p->thread, NULL, peer_main, p);
}

static void peer_stop(peer *p)
{
	shutdown(p->listen_fd, SHUT_RDWR);
	close(p->listen_fd);
	pthread_join(p->thread, NULL);
	for (int i = 0; i < MAX_SCRIPT; i++)
		buf_free(&p->requests[i]);
}

#define OK_JSON(body) \
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " \
	body "\r\n\r\n"

typedef struct {
	int calls;
	http_outcome outcome;
	http_error_kind kind;
	long status;
	int attempts;
	char body[256], header[64];
} result;

static void on_done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	(void)req;
	result *r = ctx;
	r->calls++;
	r->outcome = res->outcome;
	r->kind = res->error_kind;
	r->status = res->status;
	r->attempts = res->attempts;
	snprintf(r->body, sizeof r->body, "%s", res->body.data ? res->body.data : "");
	if (!http_response_header(res, "X-Reply", r->header, sizeof r->header))
		r->header[0] = '\0';
}

static http_client *client(int attempts)
{
	http_options o;
	http_options_default(&o);
	o.retry.max_attempts = attempts;
	o.retry.base_s = 0.001;
	o.retry.max_s = 0.01;
	o.timeout_s = 5;
	http_client *c = http_client_new(&o);
	http_client_default_header(c, "X-Default: yes");
	return c;
}

static char *url(const peer *p, const char *path)
{
	static char u[128];
	snprintf(u, sizeof u, "http://127.0.0.1:%d%s", p->port, path);
	return u;
}

START_TEST(post_with_body_and_headers)
{
	peer p = { .nanswers = 1 };
	p.answers[0] = "HTTP/1.1 201 Created\r\nX-Reply: made\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi";
	peer_start(&p);
	http_client *c = client(3);
	result r = { 0 };
	http_request *req = http_request_new("POST", url(&p, "/load?x=1"));
	http_request_header(req, "Content-Type: application/json");
	http_request_body(req, "{\"a\":1}", 7);
	http_request_on_done(req, on_done, &r);
	http_submit(c, req);
	ck_assert(http_client_run(c, NULL, NULL));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.outcome, HTTP_OUTCOME_OK);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.body, "hi");
	ck_assert_str_eq(r.header, "made");
	const char *sent = buf_cstr(&p.requests[0]);
	ck_assert_msg(strncmp(sent, "POST /load?x=1 HTTP/1.1\r\n", 25) == 0, "%s", sent);
	ck_assert(strstr(sent, "\r\nX-Default: yes\r\n"));
	ck_assert(strstr(sent, "\r\nContent-Type: application/json\r\n"));
	ck_assert(strstr(sent, "\r\n\r\n{\"a\":1}"));
	http_client_free(c);
	peer_stop(&p);
}
END_TEST

START_TEST(retries_5xx_then_succeeds)
{
	peer p = { .nanswers = 3 };
	p.answers[0] = "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
	p.answers[1] = "HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
	p.answers[2] = OK_JSON("2") "{}";
	peer_start(&p);
	http_client *c = client(5);
	result r = { 0 };
	http_request *req = http_request_new("PUT", url(&p, "/x"));
	http_request_body(req, "v", 1);
	http_request_on_done(req, on_done, &r);
	http_submit(c, req);
	ck_assert(http_client_run(c, NULL, NULL));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.outcome, HTTP_OUTCOME_OK);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert(strncmp(buf_cstr(&p.requests[2]), "PUT /x ", 7) == 0);
	ck_assert(strstr(buf_cstr(&p.requests[2]), "\r\n\r\nv"));
	http_client_free(c);
	peer_stop(&p);
}
END_TEST

static const char *refuse_short(http_request *req, http_response *res, void *ctx)
{
	(void)req;
	(void)ctx;
	return res->body.len < 4 ? "body too short" : NULL;
}

START_TEST(check_refusal_is_retried_until_budget)
{
	peer p = { .nanswers = 2 };
	p.answers[0] = OK_JSON("1") "{";
	p.answers[1] = OK_JSON("1") "{";
	peer_start(&p);
	http_client *c = client(2);
	result r = { 0 };
	http_request *req = http_request_new("GET", url(&p, "/y"));
	http_request_check(req, refuse_short);
	http_request_on_done(req, on_done, &r);
	http_submit(c, req);
	ck_assert(http_client_run(c, NULL, NULL));
	ck_assert_int_eq(r.outcome, HTTP_OUTCOME_GAVE_UP);
	ck_assert_int_eq(r.kind, HTTP_ERR_CHECK);
	ck_assert_int_eq(r.attempts, 2);
	http_client_free(c);
	peer_stop(&p); /* the peer counts a connection after closing it: join first */
	ck_assert_int_eq(p.served, 2);
}
END_TEST

START_TEST(client_errors_are_not_retried)
{
	peer p = { .nanswers = 1 };
	p.answers[0] = "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
	peer_start(&p);
	http_client *c = client(5);
	result r = { 0 }, bad = { 0 };
	http_request *req = http_request_new("DELETE", url(&p, "/z"));
	http_request_on_done(req, on_done, &r);
	http_submit(c, req);
	req = http_request_new("GET", "ftp://127.0.0.1/nope");
	http_request_on_done(req, on_done, &bad);
	http_submit(c, req);
	ck_assert(http_client_run(c, NULL, NULL));
	ck_assert_int_eq(r.outcome, HTTP_OUTCOME_OK); /* a response; its status is the caller's business */
	ck_assert_int_eq(r.status, 404);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(bad.outcome, HTTP_OUTCOME_FATAL);
	ck_assert_int_eq(bad.kind, HTTP_ERR_REQUEST);
	ck_assert_int_eq(bad.attempts, 1);
	http_client_free(c);
	peer_stop(&p);
}
END_TEST

/* A body past the maximum ends the transfer with a clear error, not retried,
 * and the callback gets no half body. */
START_TEST(response_body_over_the_maximum)
{
	peer p = { .nanswers = 1 };
	p.answers[0] = OK_JSON("20") "{\"a\":\"0123456789ab\"}";
	peer_start(&p);
	http_set_max_body(10);
	http_client *c = client(3);
	http_set_max_body(0);
	result r = { 0 };
	http_request *req = http_request_new("GET", url(&p, "/big"));
	http_request_on_done(req, on_done, &r);
	http_submit(c, req);
	ck_assert(http_client_run(c, NULL, NULL));
	ck_assert_int_eq(r.outcome, HTTP_OUTCOME_FATAL);
	ck_assert_int_eq(r.kind, HTTP_ERR_TOO_LARGE);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_str_eq(r.body, "");
	http_client_free(c);
	peer_stop(&p);
}
END_TEST

/* Which URLs would carry credentials in clear, and which headers are credentials. */
START_TEST(plain_http_and_secret_headers)
{
	ck_assert(http_url_plain_remote("http://crm.example/x"));
	ck_assert(http_url_plain_remote("HTTP://10.0.0.1:80/x"));
	ck_assert(http_url_plain_remote("http://127.0.0.1.evil.example/x"));
	ck_assert(http_url_plain_remote("http://localhostx/"));
	ck_assert(http_url_plain_remote("http://[::2]:80/"));
	ck_assert(http_url_plain_remote("http://127.0.0.1@evil.example/"));
	ck_assert(!http_url_plain_remote("https://crm.example/x"));
	ck_assert(!http_url_plain_remote("http://127.0.0.1:8080/x"));
	ck_assert(!http_url_plain_remote("http://127.9.9.9/"));
	ck_assert(!http_url_plain_remote("http://localhost/x"));
	ck_assert(!http_url_plain_remote("http://LOCALHOST:9"));
	ck_assert(!http_url_plain_remote("http://[::1]:9/x"));
	ck_assert(!http_url_plain_remote("http://user:pw@localhost/x"));
	static const char *const secret[] = { "Authorization", "proxy-authorization", "Cookie", "X-VTEX-API-AppToken",
					      "X-Api-Key", "X-APIKEY", "Client-Secret", "X-Password" };
	for (size_t i = 0; i < sizeof secret / sizeof *secret; i++)
		ck_assert_msg(http_header_is_secret(secret[i], strlen(secret[i])), "%s", secret[i]);
	static const char *const plain[] = { "Content-Type", "Idempotency-Key", "X-Signature", "Accept", "X-Test" };
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		ck_assert_msg(!http_header_is_secret(plain[i], strlen(plain[i])), "%s", plain[i]);
}
END_TEST

START_TEST(network_errors_are_retried)
{
	peer p = { .nanswers = 0 };
	peer_start(&p);
	int port = p.port;
	peer_stop(&p); /* nobody listens there now: connection refused */
	http_client *c = client(3);
	result r = { 0 };
	char u[64];
	snprintf(u, sizeof u, "http://127.0.0.1:%d/", port);
	http_request *req = http_request_new("GET", u);
	http_request_on_done(req, on_done, &r);
	http_submit(c, req);
	ck_assert(http_client_run(c, NULL, NULL));
	ck_assert_int_eq(r.outcome, HTTP_OUTCOME_GAVE_UP);
	ck_assert_int_eq(r.kind, HTTP_ERR_NETWORK);
	ck_assert_int_eq(r.attempts, 3);
	http_client_free(c);
}
END_TEST

typedef struct {
	peer *p;
	int submitted, total;
	result r[4];
} feeder;

static bool feed(http_client *c, size_t room, void *ctx)
{
	feeder *f = ctx;
	while (room-- && f->submitted < f->total) {
		http_request *req = http_request_new("GET", url(f->p, "/f"));
		http_request_on_done(req, on_done, &f->r[f->submitted]);
		http_submit(c, req);
		f->submitted++;
	}
	return f->submitted < f->total;
}

START_TEST(feed_hands_out_work)
{
	peer p = { .nanswers = 4 };
	for (int i = 0; i < 4; i++)
		p.answers[i] = OK_JSON("2") "[]";
	peer_start(&p);
	http_options o;
	http_options_default(&o);
	o.concurrency = 1;
	http_client *c = http_client_new(&o);
	feeder f = { .p = &p, .total = 4 };
	ck_assert(http_client_run(c, feed, &f));
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(f.r[i].calls, 1);
	ck_assert_int_eq(http_client_pending(c), 0);
	http_client_free(c);
	peer_stop(&p);
}
END_TEST

typedef struct {
	int fd, calls, wanted_calls;
	bool got;
} waiter;

/* No requests: the loop only waits, on the pipe or the clock. */
static bool wait_feed(http_client *c, size_t room, void *ctx)
{
	(void)room;
	waiter *w = ctx;
	char b;
	w->calls++;
	if (w->fd >= 0 && read(w->fd, &b, 1) == 1)
		w->got = true;
	http_client_feed_wait(c, w->fd, w->fd >= 0 ? 600000 : 10);
	return w->fd >= 0 ? !w->got : w->calls < w->wanted_calls;
}

static void *write_later(void *arg)
{
	usleep(50000);
	ck_assert_int_eq(write(*(int *)arg, "x", 1), 1);
	return NULL;
}

/* A readable fd wakes the loop at once (the wait is ten minutes, past the
 * test's timeout), and the loop calls feed again within its max_wait_ms (50
 * calls at 10 ms; the default second would pass the timeout too). */
START_TEST(feed_waits_on_fd_and_clock)
{
	http_options o;
	http_options_default(&o);
	http_client *c = http_client_new(&o);
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	waiter w = { .fd = p[0] };
	pthread_t t;
	pthread_create(&t, NULL, write_later, &p[1]);
	ck_assert(http_client_run(c, wait_feed, &w));
	ck_assert(w.got);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	w = (waiter){ .fd = -1, .wanted_calls = 50 };
	ck_assert(http_client_run(c, wait_feed, &w));
	ck_assert_int_eq(w.calls, 50);
	http_client_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_client");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, post_with_body_and_headers);
	tcase_add_test(tc, retries_5xx_then_succeeds);
	tcase_add_test(tc, check_refusal_is_retried_until_budget);
	tcase_add_test(tc, client_errors_are_not_retried);
	tcase_add_test(tc, response_body_over_the_maximum);
	tcase_add_test(tc, plain_http_and_secret_headers);
	tcase_add_test(tc, network_errors_are_retried);
	tcase_add_test(tc, feed_hands_out_work);
	tcase_add_test(tc, feed_waits_on_fd_and_clock);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	metrics_reset();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
