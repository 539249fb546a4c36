/* The small shared pieces: JSON text output, dotted lookup, cJSON's arena
 * (ASan and valgrind check its frees), logging formats, metrics rendering
 * and atomic file, secrets from env and file. */
#include "base64.h"
#include "buf.h"
#include "epoll_set.h"
#include "json_arena.h"
#include "json_path.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "secret.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

START_TEST(json_string_escapes)
{
	buf b = { 0 };
	const char *in = "a\"b\\c\n\t\x01é";
	buf_json_string(&b, in, strlen(in));
	ck_assert_str_eq(buf_cstr(&b), "\"a\\\"b\\\\c\\n\\t\\u0001é\"");
	buf_free(&b);
	/* Long runs go eight bytes at a time: an escape at every offset of a word. */
	for (size_t at = 0; at < 20; at++) {
		char in2[21], want[40];
		memset(in2, 'x', 20);
		in2[20] = '\0';
		in2[at] = at % 3 == 0 ? '"' : at % 3 == 1 ? '\\' : '\x1f';
		const char *esc = at % 3 == 0 ? "\\\"" : at % 3 == 1 ? "\\\\" : "\\u001f";
		snprintf(want, sizeof want, "\"%.*s%s%s\"", (int)at, in2, esc, in2 + at + 1);
		buf_json_string(&b, in2, 20);
		ck_assert_str_eq(buf_cstr(&b), want);
		buf_free(&b);
	}
}
END_TEST

START_TEST(integers_as_printf_writes_them)
{
	buf b = { 0 };
	const int64_t v[] = { 0, 7, -7, 10, 1234567890123, INT64_MAX, INT64_MIN };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char want[24];
		snprintf(want, sizeof want, "%lld", (long long)v[i]);
		buf_put_i64(&b, v[i]);
		ck_assert_str_eq(buf_cstr(&b), want);
		buf_free(&b);
	}
}
END_TEST

START_TEST(base64_both_alphabets)
{
	const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff" };
	const char *std[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy", "+/8=" };
	const char *url[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy", "-_8" };
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		buf a = { 0 }, b = { 0 };
		base64_encode(&a, in[i], strlen(in[i]));
		base64url_encode(&b, in[i], strlen(in[i]));
		ck_assert_str_eq(buf_cstr(&a), std[i]);
		ck_assert_str_eq(buf_cstr(&b), url[i]);
		buf_free(&a);
		buf_free(&b);
	}
}
END_TEST

START_TEST(doubles_round_trip)
{
	buf b = { 0 };
	buf_put_double(&b, 42);
	buf_putc(&b, ' ');
	buf_put_double(&b, 0.1);
	buf_putc(&b, ' ');
	buf_put_double(&b, 666.66);
	buf_putc(&b, ' ');
	buf_put_double(&b, -1.5e300);
	ck_assert_str_eq(buf_cstr(&b), "42 0.1 666.66 -1.5e+300");
	buf_free(&b);
}
END_TEST

START_TEST(dotted_lookup_and_compact_write)
{
	cJSON *o = cJSON_Parse("{\"a\":{\"b\":{\"c\":[1,\"x\",null,true]}},\"a.b\":2}");
	buf b = { 0 };
	ck_assert_ptr_nonnull(json_path_get(o, "a.b.c"));
	ck_assert_ptr_null(json_path_get(o, "a.b.d"));
	ck_assert_ptr_null(json_path_get(o, "a.b.c.d"));
	json_write(&b, json_path_get(o, "a"));
	ck_assert_str_eq(buf_cstr(&b), "{\"b\":{\"c\":[1,\"x\",null,true]}}");
	buf_free(&b);
	cJSON_Delete(o);
}
END_TEST

/* Runs fn(arg) with stderr redirected to a file; returns what it wrote. */
static char *stderr_of(void (*fn)(void *), void *arg)
{
	char path[] = "/tmp/vp-log-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char *out = calloc(1, 4096);
	ck_assert_int_ge(pread(fd, out, 4095, 0), 0);
	close(fd);
	unlink(path);
	return out;
}

static void log_two_lines(void *format)
{
	log_set_format(format);
	log_info("fetched page", LS("entity", "orders"), LI("records", 100), LD("rate", 2.5));
	log_debug("not shown");
}

static char *captured_log(const char *format)
{
	char *out = stderr_of(log_two_lines, (void *)format);
	ck_assert_int_gt(strlen(out), 0);
	return out;
}

static const char arena_doc[] = "{\"a\":[1,2.5,\"x\\n\"],\"b\":{\"c\":null,\"d\":true}}";

static void assert_arena_doc(const cJSON *j)
{
	buf b = { 0 };
	json_write(&b, j);
	ck_assert_str_eq(buf_cstr(&b), arena_doc);
	buf_free(&b);
}

START_TEST(whole_process_arena_reuses_its_memory)
{
	json_arena_install();
	cJSON *j = cJSON_Parse(arena_doc);
	assert_arena_doc(j);
	cJSON_Delete(j);
	json_arena_reset();
	cJSON *k = cJSON_Parse(arena_doc);
	ck_assert_ptr_eq(k, j);
	assert_arena_doc(k);
	json_arena_uninstall();
}
END_TEST

START_TEST(scoped_arena_beside_malloc_trees)
{
	json_arena_install_scoped();
	cJSON *kept = cJSON_CreateObject(); /* before any scope: malloc */
	cJSON_AddStringToObject(kept, "k", "v");

	json_arena_scope_begin();
	cJSON *a = cJSON_Parse(arena_doc);
	json_arena_scope_end();
	cJSON *between = cJSON_CreateString("malloc again"); /* freed for real below */
	assert_arena_doc(a);
	cJSON_Delete(a); /* frees nothing of the arena's */
	cJSON_Delete(between);

	/* The next scope starts over: the same memory serves the next tree. */
	json_arena_scope_begin();
	cJSON *b = cJSON_Parse(arena_doc);
	json_arena_scope_end();
	ck_assert_ptr_eq(b, a);
	assert_arena_doc(b);
	/* A tree bigger than a block spans several, all recognized at delete. */
	buf big = { 0 };
	buf_putc(&big, '[');
	for (int i = 0; i < 100000; i++)
		buf_printf(&big, "%s{\"n\":%d,\"s\":\"%d\"}", i ? "," : "", i, i);
	buf_putc(&big, ']');
	json_arena_scope_begin();
	cJSON *c = cJSON_Parse(buf_cstr(&big));
	json_arena_scope_end();
	ck_assert_int_eq(cJSON_GetArraySize(c), 100000);
	cJSON_Delete(c);
	buf_free(&big);

	ck_assert_str_eq(cJSON_GetObjectItem(kept, "k")->valuestring, "v");
	cJSON_Delete(kept);
	json_arena_uninstall();
}
END_TEST

START_TEST(log_logfmt_and_json)
{
	setenv("VTEX_PIPES_RUN_ID", "run-7", 1);
	log_init("test");
	char *text = captured_log("logfmt");
	ck_assert_ptr_nonnull(strstr(text, " level=info tool=test run_id=run-7 msg=\"fetched page\" entity=orders records=100 rate=2.5\n"));
	ck_assert_ptr_null(strstr(text, "not shown"));
	free(text);
	text = captured_log("json");
	ck_assert_ptr_nonnull(strstr(text, "\"level\":\"info\",\"tool\":\"test\",\"run_id\":\"run-7\",\"msg\":\"fetched page\",\"entity\":\"orders\",\"records\":100,\"rate\":2.5}\n"));
	ck_assert_int_eq(text[0], '{');
	free(text);
	log_set_format("logfmt");
	ck_assert(!log_set_level("loud"));
}
END_TEST

static void log_hostile(void *arg)
{
	(void)arg;
	log_warn("record rejected", LS("reason", "x\rts=2026 level=error msg=forged"), LS("path", "a\x1b[2Jb"),
		  LS("plain", "ok"));
}

/* Values with control characters (\r, ANSI escapes) are quoted and escaped:
 * no forged line, no terminal control. */
START_TEST(log_quotes_control_characters)
{
	log_init("test");
	log_set_format("logfmt");
	char *text = stderr_of(log_hostile, NULL);
	ck_assert_ptr_nonnull(strstr(text, " reason=\"x\\rts=2026 level=error msg=forged\""));
	ck_assert_ptr_nonnull(strstr(text, " path=\"a\\u001b[2Jb\""));
	ck_assert_ptr_nonnull(strstr(text, " plain=ok"));
	ck_assert_ptr_null(strchr(text, '\r'));
	ck_assert_ptr_null(strchr(text, '\x1b'));
	free(text);
}
END_TEST

START_TEST(metrics_render_and_write)
{
	const double bounds[] = { 0.1, 1 };
	metric *in = metrics_counter("vp_records_total", "Records.", "outcome=\"in\"");
	metric *out = metrics_counter("vp_records_total", "Records.", "outcome=\"out\"");
	metric *h = metrics_histogram("vp_latency_seconds", "Latency.", "", bounds, 2);
	ck_assert_ptr_eq(in, metrics_counter("vp_records_total", "Records.", "outcome=\"in\""));
	metric_add(in, 3);
	metric_add(out, 2);
	metric_observe(h, 0.05);
	metric_observe(h, 0.5);
	metric_observe(h, 5);
	size_t len;
	char *text = metrics_render(&len);
	ck_assert_str_eq(text,
			 "# HELP vp_records_total Records.\n# TYPE vp_records_total counter\n"
			 "vp_records_total{outcome=\"in\"} 3\nvp_records_total{outcome=\"out\"} 2\n"
			 "# HELP vp_latency_seconds Latency.\n# TYPE vp_latency_seconds histogram\n"
			 "vp_latency_seconds_bucket{le=\"0.1\"} 1\nvp_latency_seconds_bucket{le=\"1\"} 2\n"
			 "vp_latency_seconds_bucket{le=\"+Inf\"} 3\nvp_latency_seconds_sum 5.55\n"
			 "vp_latency_seconds_count 3\n");
	char dir[] = "/tmp/vp-metrics-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/m.prom", dir);
	ck_assert(metrics_write_file(path));
	FILE *f = fopen(path, "r");
	char *back = calloc(1, len + 1);
	ck_assert_uint_eq(fread(back, 1, len + 1, f), len);
	ck_assert_str_eq(back, text);
	fclose(f);
	unlink(path);
	rmdir(dir);
	free(back);
	free(text);
	metrics_reset();
}
END_TEST

START_TEST(metrics_constant_labels)
{
	metric *in = metrics_counter("vp_records_total", "Records.", "outcome=\"in\"");
	metric *mine = metrics_counter("vp_requests_total", "Requests.", "tool=\"own\",code=\"200\"");
	metric *bare = metrics_gauge("vp_keys", "Keys.", "");
	metrics_const_label("tool", "dedup");
	metrics_const_label("stage", "hooks \"dedup\"");
	metrics_const_label("stage", "hook-dedup"); /* replaces */
	metric_add(in, 1);
	metric_add(mine, 2);
	metric_set(bare, 3);
	size_t len;
	char *text = metrics_render(&len);
	ck_assert_str_eq(text,
			 "# HELP vp_records_total Records.\n# TYPE vp_records_total counter\n"
			 "vp_records_total{tool=\"dedup\",stage=\"hook-dedup\",outcome=\"in\"} 1\n"
			 "# HELP vp_requests_total Requests.\n# TYPE vp_requests_total counter\n"
			 "vp_requests_total{stage=\"hook-dedup\",tool=\"own\",code=\"200\"} 2\n"
			 "# HELP vp_keys Keys.\n# TYPE vp_keys gauge\n"
			 "vp_keys{tool=\"dedup\",stage=\"hook-dedup\"} 3\n");
	free(text);
	metrics_reset();
	metrics_const_label("flow", "a\"b\\c");
	metric_add(metrics_counter("vp_x_total", "X.", ""), 1);
	text = metrics_render(&len);
	ck_assert_ptr_nonnull(strstr(text, "vp_x_total{flow=\"a\\\"b\\\\c\"} 1\n"));
	free(text);
	metrics_reset();
}
END_TEST

struct secret_call { const char *env_name; char *secret; };

static void read_secret(void *arg)
{
	struct secret_call *c = arg;
	const char *err;
	c->secret = secret_read(c->env_name, &err);
}

/* Runs secret_read; returns what it logged. */
static char *secret_log(const char *env_name, char **secret)
{
	struct secret_call c = { env_name, NULL };
	char *out = stderr_of(read_secret, &c);
	*secret = c.secret;
	return out;
}

START_TEST(secret_file_readable_by_others_refused)
{
	char path[] = "/tmp/vp-secret-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_eq(write(fd, "t0ken-value\n", 12), 12);
	close(fd);
	log_init("test");
	unsetenv("VP_TEST_TOKEN");
	setenv("VP_TEST_TOKEN_FILE", path, 1);
	char *s;
	chmod(path, 0600);
	char *logged = secret_log("VP_TEST_TOKEN", &s);
	ck_assert_str_eq(s, "t0ken-value");
	ck_assert_str_eq(logged, "");
	secret_free(s);
	free(logged);
	/* Readable by its group, or by every user: refused, the path named. */
	static const mode_t shared[] = { 0640, 0604, 0644 };
	for (size_t i = 0; i < 3; i++) {
		chmod(path, shared[i]);
		logged = secret_log("VP_TEST_TOKEN", &s);
		ck_assert_ptr_null(s);
		ck_assert_ptr_nonnull(strstr(logged, "level=error"));
		ck_assert_ptr_nonnull(strstr(logged, "readable by its group or by every user"));
		ck_assert_ptr_nonnull(strstr(logged, path));
		ck_assert_ptr_null(strstr(logged, "t0ken-value")); /* the path, never the value */
		free(logged);
	}
	/* ... unless explicitly allowed: then a warning. */
	setenv("VTEX_PIPES_ALLOW_SHARED_SECRET_FILE", "1", 1);
	logged = secret_log("VP_TEST_TOKEN", &s);
	unsetenv("VTEX_PIPES_ALLOW_SHARED_SECRET_FILE");
	ck_assert_str_eq(s, "t0ken-value");
	ck_assert_ptr_nonnull(strstr(logged, "level=warn"));
	secret_free(s);
	free(logged);
	unlink(path);
	unsetenv("VP_TEST_TOKEN_FILE");
}
END_TEST

START_TEST(secrets_from_env_then_file)
{
	const char *err;
	char path[] = "/tmp/vp-secret-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_eq(write(fd, "s3cret\n", 7), 7);
	close(fd);
	chmod(path, 0600);
	unsetenv("VP_TEST_TOKEN");
	unsetenv("VP_TEST_TOKEN_FILE");
	ck_assert_ptr_null(secret_read("VP_TEST_TOKEN", &err));
	ck_assert_ptr_null(err);
	setenv("VP_TEST_TOKEN_FILE", path, 1);
	char *s = secret_read("VP_TEST_TOKEN", &err);
	ck_assert_str_eq(s, "s3cret");
	secret_free(s);
	setenv("VP_TEST_TOKEN", "from-env", 1);
	s = secret_read("VP_TEST_TOKEN", &err);
	ck_assert_str_eq(s, "from-env");
	secret_free(s);
	unlink(path);
	unsetenv("VP_TEST_TOKEN");
	ck_assert_ptr_null(secret_read("VP_TEST_TOKEN", &err));
	ck_assert_ptr_nonnull(err);
	unsetenv("VP_TEST_TOKEN_FILE");
}
END_TEST

/* One request over a plain socket; the whole answer in out. */
static void http_get(const char *url, const char *method, const char *path, buf *out)
{
	unsigned port = (unsigned)atoi(strrchr(url, ':') + 1);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	char req[256];
	int n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", method, path);
	ck_assert_int_eq(write(fd, req, (size_t)n), n);
	char b[4096];
	ssize_t r;
	while ((r = read(fd, b, sizeof b)) > 0)
		buf_put(out, b, (size_t)r);
	close(fd);
}

START_TEST(metrics_served_over_http)
{
	char url[64];
	buf r = { 0 };
	metric *m = metrics_counter("vp_test_served_total", "Served.", "k=\"v\"");
	metric_add(m, 7);
	ck_assert_ptr_null(metrics_http_start("nonsense", url, sizeof url));
	metrics_http *h = metrics_http_start("127.0.0.1:0", url, sizeof url);
	ck_assert_ptr_nonnull(h);
	ck_assert(strncmp(url, "http://127.0.0.1:", 17) == 0 && atoi(url + 17) > 0);
	http_get(url, "GET", "/metrics", &r);
	ck_assert_msg(strstr(buf_cstr(&r), "HTTP/1.1 200") == buf_cstr(&r), "%s", buf_cstr(&r));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&r), "text/plain; version=0.0.4"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&r), "vp_test_served_total{k=\"v\"} 7\n"));
	r.len = 0;
	http_get(url, "GET", "/healthz", &r);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&r), "\r\n\r\nok\n"));
	r.len = 0;
	http_get(url, "POST", "/metrics", &r);
	ck_assert(strncmp(buf_cstr(&r), "HTTP/1.1 405", 12) == 0);
	r.len = 0;
	http_get(url, "GET", "/other", &r);
	ck_assert(strncmp(buf_cstr(&r), "HTTP/1.1 404", 12) == 0);
	/* The same port again: refused. */
	char url2[64], spec[64];
	snprintf(spec, sizeof spec, "127.0.0.1:%s", strrchr(url, ':') + 1);
	ck_assert_ptr_null(metrics_http_start(spec, url2, sizeof url2));
	metrics_http_stop(h);
	metrics_http_stop(NULL);
	buf_free(&r);
	metrics_reset();
}
END_TEST

/* A socket no longer watched stays in the set, silent, until an event
 * comes for it, which takes it out; a forgotten fd is added afresh. */
START_TEST(epoll_set_keeps_unwatched_until_an_event)
{
	epoll_set s;
	int sv[2];
	struct epoll_event ev;
	ck_assert(epoll_set_init(&s));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert(epoll_set_watch(&s, sv[0], EPOLLIN));
	ck_assert(epoll_set_watch(&s, sv[0], EPOLLIN)); /* no change: no system call */
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 0);
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 1);
	ck_assert_int_eq(ev.data.fd, sv[0]);
	ck_assert(!epoll_set_stray(&s, sv[0]));
	ck_assert(epoll_set_watch(&s, sv[0], 0)); /* unwatched, still in the set */
	ck_assert_int_eq(epoll_ctl(s.fd, EPOLL_CTL_ADD, sv[0], &ev), -1);
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 1);
	ck_assert(epoll_set_stray(&s, sv[0])); /* now out */
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 0);
	ck_assert(epoll_set_watch(&s, sv[0], EPOLLIN)); /* back in */
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 1);
	epoll_set_forget(&s, sv[0]);
	close(sv[0]); /* the kernel drops it; its number comes back as another socket */
	close(sv[1]);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert(epoll_set_watch(&s, sv[0], EPOLLIN));
	ck_assert_int_eq(write(sv[1], "y", 1), 1);
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 1);
	ck_assert_int_eq(ev.data.fd, sv[0]);
	epoll_set_remove(&s, sv[0]);
	ck_assert_int_eq(epoll_wait(s.fd, &ev, 1, 0), 0);
	close(sv[0]);
	close(sv[1]);
	epoll_set_free(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("lib");
	tcase_add_test(tc, json_string_escapes);
	tcase_add_test(tc, integers_as_printf_writes_them);
	tcase_add_test(tc, base64_both_alphabets);
	tcase_add_test(tc, doubles_round_trip);
	tcase_add_test(tc, dotted_lookup_and_compact_write);
	tcase_add_test(tc, whole_process_arena_reuses_its_memory);
	tcase_add_test(tc, scoped_arena_beside_malloc_trees);
	tcase_add_test(tc, log_logfmt_and_json);
	tcase_add_test(tc, log_quotes_control_characters);
	tcase_add_test(tc, metrics_render_and_write);
	tcase_add_test(tc, metrics_constant_labels);
	tcase_add_test(tc, secrets_from_env_then_file);
	tcase_add_test(tc, secret_file_readable_by_others_refused);
	tcase_add_test(tc, metrics_served_over_http);
	tcase_add_test(tc, epoll_set_keeps_unwatched_until_an_event);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
