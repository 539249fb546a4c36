/* kafka-cat's pure parts: option parsing (modes, conflicts, env fallbacks,
 * -X/-F properties, the acknowledgement options), offset specs, the -J
 * envelope (encode, decode, round trip of binary and null fields, refusals),
 * lib/base64, and the producer's settled-message tracker that decides when a
 * barrier goes back. (fuzz/kafkacat_envelope fuzzes the decoder.)
 * links: cmd/kafka-cat/opts.c cmd/kafka-cat/envelope.c cmd/kafka-cat/settle.c tests/unit/child.c */
#include "base64.h"
#include "child.h"
#include "kafka-cat/envelope.h"
#include "kafka-cat/opts.h"
#include "kafka-cat/settle.h"
#include "log.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parses a NULL-terminated argument list (a usage error exits 64). */
static void parse(kc_opts *o, const char **args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = "kafka-cat";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	memset(o, 0, sizeof *o);
	cli_init(&o->cli, "kafka-cat");
	kc_parse_args(o, argc, argv);
}

static void parse_in_child(void *args)
{
	kc_opts o;
	parse(&o, args);
}

#define PARSE_OK(o, ...)                                                     \
	do {                                                                 \
		const char *a_[] = { __VA_ARGS__, NULL };                    \
		parse(o, a_);                                                \
	} while (0)
/* A usage error (exit 64) whose message holds needle. */
#define PARSE_ERR(needle, ...)                                               \
	do {                                                                 \
		const char *a_[] = { __VA_ARGS__, NULL };                    \
		char e_[1024];                                               \
		ck_assert_int_eq(child_exit(parse_in_child, a_, e_, sizeof e_), 64);         \
		ck_assert_msg(strstr(e_, needle), "wanted '%s', got '%s'", needle, e_); \
	} while (0)

START_TEST(producer_options)
{
	kc_opts o;
	unsetenv("KAFKA_BROKERS");
	PARSE_OK(&o, "-P", "-t", "orders", "--key-field", "OrderId", "-H", "a=1", "-H", "b=", "-X", "linger.ms=10",
		 "-p", "3");
	ck_assert_int_eq(o.mode, KC_MODE_PRODUCE);
	ck_assert_str_eq(o.brokers, "127.0.0.1:9092");
	ck_assert_uint_eq(o.ntopics, 1);
	ck_assert_str_eq(o.topics[0], "orders");
	ck_assert_str_eq(o.key_field, "OrderId");
	ck_assert_int_eq(o.partition, 3);
	ck_assert_uint_eq(o.headers.n, 2);
	ck_assert_str_eq(o.headers.v[0].name, "a");
	ck_assert_str_eq(o.headers.v[0].value, "1");
	ck_assert_str_eq(o.headers.v[1].value, "");
	ck_assert_uint_eq(o.props.n, 1);
	ck_assert_str_eq(o.props.v[0].name, "linger.ms");
	ck_assert_str_eq(o.props.v[0].value, "10");
	ck_assert(kc_props_has(&o, "linger.ms"));
	ck_assert(!kc_props_has(&o, "acks"));
	kc_opts_free(&o);

	setenv("KAFKA_BROKERS", "h1:1,h2:2", 1);
	PARSE_OK(&o, "-P", "-t", "t", "-K", ":", "-b", "x:9");
	ck_assert_str_eq(o.brokers, "x:9");
	ck_assert_str_eq(o.key_delim, ":");
	kc_opts_free(&o);
	PARSE_OK(&o, "-P", "-J");
	ck_assert_str_eq(o.brokers, "h1:1,h2:2");
	ck_assert(o.json);
	kc_opts_free(&o);
	unsetenv("KAFKA_BROKERS");

	PARSE_ERR("needs a topic", "-P");
	PARSE_ERR("exclusive", "-P", "-t", "t", "-K", ":", "--key-field", "id");
	PARSE_ERR("exclusive", "-P", "-t", "t", "-k", "x", "-K", ":");
	PARSE_ERR("envelope", "-P", "-J", "-K", ":");
	PARSE_ERR("for consumers", "-P", "-t", "t", "-e");
	PARSE_ERR("for consumers", "-P", "-t", "t", "-G", "g");
	PARSE_ERR("give -t once", "-P", "-t", "a", "-t", "b");
	PARSE_ERR("not name=value", "-P", "-t", "t", "-H", "novalue");
	PARSE_ERR("not name=value", "-P", "-t", "t", "-H", "=v");
	PARSE_ERR("not property=value", "-P", "-t", "t", "-X", "acks");
	PARSE_ERR("-p: 'x' is not a whole number", "-P", "-t", "t", "-p", "x");
	PARSE_ERR("-p: -1 is out of range", "-P", "-t", "t", "-p", "-1");
	PARSE_ERR("empty field", "-P", "-t", "t", "--key-field", "");
	PARSE_ERR("operand", "-P", "-t", "t", "extra");
}
END_TEST

START_TEST(consumer_options)
{
	kc_opts o;
	PARSE_OK(&o, "-C", "-G", "orders", "-e", "-c", "10", "-J", "t1", "t2");
	ck_assert_int_eq(o.mode, KC_MODE_CONSUME);
	ck_assert_str_eq(o.group, "orders");
	ck_assert_uint_eq(o.ntopics, 2);
	ck_assert_str_eq(o.topics[1], "t2");
	ck_assert(o.exit_eof);
	ck_assert_int_eq(o.count, 10);
	ck_assert_int_eq(o.offset.kind, KC_OFF_BEGINNING);
	ck_assert(!o.offset_given);
	kc_opts_free(&o);

	PARSE_OK(&o, "-C", "-t", "t", "-p", "0", "-o", "-5", "--commit-interval-ms", "0", "-m", "3");
	ck_assert_int_eq(o.offset.kind, KC_OFF_TAIL);
	ck_assert_int_eq(o.offset.value, 5);
	ck_assert_int_eq(o.commit_ms, 0);
	ck_assert_int_eq(o.metadata_timeout_ms, 3000);
	kc_opts_free(&o);
	PARSE_OK(&o, "-C", "-t", "t", "-o", "stored", "-X", "group.id=g");
	kc_opts_free(&o);

	PARSE_ERR("needs a topic", "-C");
	PARSE_ERR("needs topics", "-C", "-G", "g");
	PARSE_ERR("exclusive", "-C", "-G", "g", "-t", "t", "-p", "1");
	PARSE_ERR("operands only with -G", "-C", "-t", "t", "u");
	PARSE_ERR("give -t once", "-C", "-t", "a", "-t", "b");
	PARSE_ERR("needs a group", "-C", "-t", "t", "-o", "stored");
	PARSE_ERR("not beginning", "-C", "-t", "t", "-o", "middle");
	PARSE_ERR("-c: 0 is out of range", "-C", "-t", "t", "-c", "0");
	PARSE_ERR("for producers", "-C", "-t", "t", "--key-field", "id");
	PARSE_ERR("exclusive", "-C", "-P", "-t", "t");
	PARSE_ERR("give one of", "-t", "t");
	PARSE_ERR("-m: 0 is out of range (1 to 3600)", "-L", "-m", "0");
}
END_TEST

START_TEST(metrics_listen_and_secrets)
{
	kc_opts o;
	PARSE_OK(&o, "-C", "-t", "t", "--metrics-listen", "127.0.0.1:0");
	ck_assert_str_eq(o.metrics_listen, "127.0.0.1:0");
	kc_opts_free(&o);
	PARSE_OK(&o, "-C", "-G", "g", "t", "--metrics-listen", "[::1]:9100");
	kc_opts_free(&o);
	PARSE_ERR("not ADDR:PORT", "-C", "-t", "t", "--metrics-listen", "localhost:9100");
	PARSE_ERR("for consumers", "-P", "-t", "t", "--metrics-listen", "127.0.0.1:0");
	PARSE_ERR("for consumers", "-L", "--metrics-listen", "127.0.0.1:0");
	/* The environment's listener: consumers only; a producer ignores it. */
	setenv("KAFKA_CAT_METRICS_LISTEN", "127.0.0.1:9101", 1);
	PARSE_OK(&o, "-C", "-t", "t");
	ck_assert_str_eq(o.metrics_listen, "127.0.0.1:9101");
	kc_opts_free(&o);
	PARSE_OK(&o, "-P", "-t", "t");
	ck_assert_ptr_null(o.metrics_listen);
	kc_opts_free(&o);
	unsetenv("KAFKA_CAT_METRICS_LISTEN");

	ck_assert(kc_secret_prop("sasl.password=x"));
	ck_assert(kc_secret_prop("sasl.password"));
	ck_assert(kc_secret_prop("ssl.key.password=x"));
	ck_assert(kc_secret_prop("ssl.keystore.password=x"));
	ck_assert(kc_secret_prop("sasl.oauthbearer.client.secret=x"));
	ck_assert(kc_secret_prop("ssl.key.pem=-----BEGIN"));
	ck_assert(!kc_secret_prop("sasl.username=pipes"));
	ck_assert(!kc_secret_prop("ssl.ca.location=/x/password"));
	const char *a[] = { "-L", "-X", "sasl.password=hunter2", NULL };
	char e[1024];
	ck_assert_int_eq(child_exit(parse_in_child, a, e, sizeof e), 64);
	ck_assert_ptr_nonnull(strstr(e, "KAFKA_CAT_SASL_PASSWORD"));
	ck_assert_ptr_null(strstr(e, "hunter2"));
	/* In a -F file it is fine: a file is not argv. */
	char path[] = "/tmp/kc-secret-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(write(fd, "sasl.password=hunter2\n", 22), 0);
	close(fd);
	PARSE_OK(&o, "-L", "-F", path);
	ck_assert(kc_props_has(&o, "sasl.password"));
	kc_opts_free(&o);
	unlink(path);
	/* TLS verification off: refused from -X and from a file, unless asked for. */
	PARSE_ERR("--allow-unverified-tls", "-L", "-X", "enable.ssl.certificate.verification=false");
	PARSE_ERR("--allow-unverified-tls", "-L", "-X", "ssl.endpoint.identification.algorithm=none");
	char path2[] = "/tmp/kc-tls-XXXXXX";
	fd = mkstemp(path2);
	ck_assert_int_gt(write(fd, "enable.ssl.certificate.verification=0\n", 38), 0);
	close(fd);
	PARSE_ERR("--allow-unverified-tls", "-L", "-F", path2);
	PARSE_OK(&o, "-L", "-F", path2, "--allow-unverified-tls");
	kc_opts_free(&o);
	unlink(path2);
	PARSE_OK(&o, "-L", "-X", "enable.ssl.certificate.verification=true", "-X",
		 "ssl.endpoint.identification.algorithm=https");
	kc_opts_free(&o);
	/* The SASL password in clear across a network: refused unless asked for. */
	PARSE_ERR("--allow-plain-sasl", "-L", "-b", "kafka.example:9092", "-X", "security.protocol=SASL_PLAINTEXT", "-X",
		  "sasl.mechanism=PLAIN");
	PARSE_ERR("--allow-plain-sasl", "-L", "-b", "127.0.0.1:9092,10.0.0.2:9092", "-X",
		  "security.protocol=sasl_plaintext", "-X", "sasl.mechanism=plain");
	PARSE_OK(&o, "-L", "-b", "kafka.example:9092", "-X", "security.protocol=SASL_PLAINTEXT", "-X",
		 "sasl.mechanism=PLAIN", "--allow-plain-sasl");
	kc_opts_free(&o);
	PARSE_OK(&o, "-L", "-b", "127.0.0.1:9092,localhost:9093", "-X", "security.protocol=SASL_PLAINTEXT", "-X",
		 "sasl.mechanism=PLAIN");
	kc_opts_free(&o);
	PARSE_OK(&o, "-L", "-b", "kafka.example:9092", "-X", "security.protocol=SASL_PLAINTEXT", "-X",
		 "sasl.mechanism=SCRAM-SHA-512");
	kc_opts_free(&o);
}
END_TEST

START_TEST(offset_specs)
{
	kc_offset off;
	ck_assert(kc_parse_offset("beginning", &off) && off.kind == KC_OFF_BEGINNING);
	ck_assert(kc_parse_offset("end", &off) && off.kind == KC_OFF_END);
	ck_assert(kc_parse_offset("stored", &off) && off.kind == KC_OFF_STORED);
	ck_assert(kc_parse_offset("0", &off) && off.kind == KC_OFF_ABS && off.value == 0);
	ck_assert(kc_parse_offset("123456789012", &off) && off.kind == KC_OFF_ABS && off.value == 123456789012LL);
	ck_assert(kc_parse_offset("-10", &off) && off.kind == KC_OFF_TAIL && off.value == 10);
	ck_assert(kc_parse_offset("s@1733300000000", &off) && off.kind == KC_OFF_TIME && off.value == 1733300000000LL);
	ck_assert(!kc_parse_offset("", &off));
	ck_assert(!kc_parse_offset("-0", &off));
	ck_assert(!kc_parse_offset("--1", &off));
	ck_assert(!kc_parse_offset("+5", &off));
	ck_assert(!kc_parse_offset("5x", &off));
	ck_assert(!kc_parse_offset("s@", &off));
	ck_assert(!kc_parse_offset("s@-1", &off));
	ck_assert(!kc_parse_offset("e@5", &off));
	ck_assert(!kc_parse_offset("99999999999999999999", &off));
}
END_TEST

START_TEST(props_file)
{
	char path[] = "/tmp/kc-props-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *text = "# SASL\n\nsecurity.protocol=SASL_SSL\r\n  sasl.password = has=equals \nlinger.ms=7\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	kc_kvlist l = { 0 };
	ck_assert_ptr_null(kc_read_props_file(&l, path));
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].name, "security.protocol");
	ck_assert_str_eq(l.v[0].value, "SASL_SSL");
	ck_assert_str_eq(l.v[1].name, "sasl.password ");
	ck_assert_str_eq(l.v[1].value, " has=equals");
	kc_kv_free(&l);

	/* -F and -X keep command-line order (a later one wins in librdkafka). */
	kc_opts o;
	PARSE_OK(&o, "-L", "-X", "linger.ms=1", "-F", path, "-X", "linger.ms=9");
	ck_assert_uint_eq(o.props.n, 5);
	ck_assert_str_eq(o.props.v[0].value, "1");
	ck_assert_str_eq(o.props.v[3].value, "7");
	ck_assert_str_eq(o.props.v[4].value, "9");
	kc_opts_free(&o);

	FILE *f = fopen(path, "w");
	fputs("ok=1\nbroken line\n", f);
	fclose(f);
	const char *err = kc_read_props_file(&l, path);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "line 2"));
	kc_kv_free(&l);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(kc_read_props_file(&l, "/nonexistent/x"), "/nonexistent/x"));
	PARSE_ERR("/nonexistent/y", "-L", "-F", "/nonexistent/y");
}
END_TEST

static char *encode(const kc_msg *m)
{
	buf b = { 0 };
	kc_envelope_encode(&b, m);
	buf_cstr(&b);
	return b.data;
}

START_TEST(envelope_encode)
{
	kc_header h[] = {
		{ { "trace", 5 }, { "abc", 3 } },
		{ { "empty", 5 }, { NULL, 0 } },
		{ { "bin", 3 }, { "\xff\x00", 2 } },
	};
	kc_msg m = { .topic = "vtex.orders", .topic_len = 11, .partition = 2, .offset = 41,
		     .timestamp = 1733300000123, .key = { "k\"1", 3 }, .value = { "{\"a\":\"é\"}\n", 11 },
		     .headers = h, .nheaders = 3 };
	char *s = encode(&m);
	ck_assert_str_eq(s, "{\"topic\":\"vtex.orders\",\"partition\":2,\"offset\":41,\"timestamp\":1733300000123,"
			    "\"key\":\"k\\\"1\",\"headers\":[[\"trace\",\"abc\"],[\"empty\",null],[\"bin\",{\"base64\":\"/wA=\"}]],"
			    "\"value\":\"{\\\"a\\\":\\\"é\\\"}\\n\"}");
	free(s);

	kc_msg n = { .topic = "t", .topic_len = 1, .partition = 0, .offset = 0, .timestamp = -1,
		     .key = { NULL, 0 }, .value = { NULL, 0 } };
	s = encode(&n);
	ck_assert_str_eq(s, "{\"topic\":\"t\",\"partition\":0,\"offset\":0,\"timestamp\":null,\"key\":null,\"headers\":[],\"value\":null}");
	free(s);
	/* Empty is not null; a NUL byte makes the value binary. */
	n.key = (kc_bytes){ "", 0 };
	n.value = (kc_bytes){ "a\0b", 3 };
	s = encode(&n);
	ck_assert_ptr_nonnull(strstr(s, "\"key\":\"\""));
	ck_assert_ptr_nonnull(strstr(s, "\"value\":{\"base64\":\"YQBi\"}"));
	free(s);
}
END_TEST

static bool same_bytes(kc_bytes a, kc_bytes b)
{
	if (!a.data || !b.data)
		return !a.data && !b.data;
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

START_TEST(envelope_round_trip)
{
	unsigned char bin[256];
	for (int i = 0; i < 256; i++)
		bin[i] = (unsigned char)i;
	kc_header h[] = { { { "x-id", 4 }, { (char *)bin, 256 } }, { { "x-id", 4 }, { "second", 6 } } };
	kc_msg cases[] = {
		{ .topic = "t", .topic_len = 1, .partition = 5, .offset = 9, .timestamp = 1,
		  .key = { (char *)bin, 100 }, .value = { (char *)bin + 1, 255 }, .headers = h, .nheaders = 2 },
		{ .topic = "t", .topic_len = 1, .partition = 0, .offset = 0, .timestamp = -1,
		  .key = { NULL, 0 }, .value = { "", 0 } },
		{ .topic = "t", .topic_len = 1, .partition = 0, .offset = 0, .timestamp = 9007199254740992LL,
		  .key = { "😀 \t ctrl\x01", 12 }, .value = { NULL, 0 } },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char *s = encode(&cases[c]);
		kc_envelope e;
		const char *why = kc_envelope_decode(&e, s, strlen(s));
		ck_assert_msg(why == NULL, "case %zu: %s", c, why);
		ck_assert_str_eq(e.msg.topic, "t");
		ck_assert_int_eq(e.msg.partition, cases[c].partition);
		ck_assert_int_eq(e.msg.offset, cases[c].offset);
		ck_assert_int_eq(e.msg.timestamp, cases[c].timestamp);
		ck_assert(same_bytes(e.msg.key, cases[c].key));
		ck_assert(same_bytes(e.msg.value, cases[c].value));
		ck_assert_uint_eq(e.msg.nheaders, cases[c].nheaders);
		for (size_t i = 0; i < e.msg.nheaders; i++) {
			ck_assert(same_bytes(e.msg.headers[i].name, cases[c].headers[i].name));
			ck_assert(same_bytes(e.msg.headers[i].value, cases[c].headers[i].value));
		}
		/* Encoding the decoded message gives the same line. */
		char *again = encode(&e.msg);
		ck_assert_str_eq(again, s);
		free(again);
		kc_envelope_free(&e);
		free(s);
	}
}
END_TEST

START_TEST(envelope_refusals)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "not json", "invalid JSON" },
		{ "[1]", "not a JSON object" },
		{ "{\"key\":\"k\"}", "no value" },
		{ "{\"value\":5}", "value is not" },
		{ "{\"value\":{\"base64\":\"@@@@\"}}", "value is not" },
		{ "{\"value\":{\"base64\":\"YQ\"}}", "value is not" },
		{ "{\"value\":{\"b64\":\"YQ==\"}}", "value is not" },
		{ "{\"value\":\"v\",\"key\":[]}", "key is not" },
		{ "{\"value\":\"v\",\"partition\":-1}", "partition" },
		{ "{\"value\":\"v\",\"partition\":1.5}", "partition" },
		{ "{\"value\":\"v\",\"timestamp\":\"now\"}", "timestamp" },
		{ "{\"value\":\"v\",\"topic\":\"\"}", "topic" },
		{ "{\"value\":\"v\",\"headers\":{\"a\":\"b\"}}", "headers" },
		{ "{\"value\":\"v\",\"headers\":[[\"a\"]]}", "header" },
		{ "{\"value\":\"v\",\"headers\":[[null,\"b\"]]}", "header" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		kc_envelope e;
		const char *why = kc_envelope_decode(&e, bad[i].line, strlen(bad[i].line));
		ck_assert_msg(why && strstr(why, bad[i].why), "%s: got %s", bad[i].line, why ? why : "(ok)");
	}
	/* Minimal: only a value; the rest defaults. */
	kc_envelope e;
	ck_assert_ptr_null(kc_envelope_decode(&e, "{\"value\":\"v\",\"extra\":1}", 23));
	ck_assert_ptr_null(e.msg.topic);
	ck_assert_int_eq(e.msg.partition, -1);
	ck_assert_int_eq(e.msg.timestamp, -1);
	ck_assert_ptr_null(e.msg.key.data);
	kc_envelope_free(&e);
}
END_TEST

START_TEST(base64_codec)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	for (int i = 0; i < 7; i++) {
		buf b = { 0 };
		base64_encode(&b, plain[i], strlen(plain[i]));
		ck_assert_int_eq(b.len, strlen(coded[i]));
		ck_assert(memcmp(b.data ? b.data : "", coded[i], b.len) == 0);
		b.len = 0;
		ck_assert(base64_decode(&b, coded[i], strlen(coded[i])));
		ck_assert_int_eq(b.len, strlen(plain[i]));
		ck_assert(memcmp(b.data ? b.data : "", plain[i], b.len) == 0);
		buf_free(&b);
	}
	static const char *bad[] = { "Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zm9v====", "Zm=v", "Zm9\n", "ab+-" };
	for (int i = 0; i < 9; i++) {
		buf b = { 0 };
		buf_puts(&b, "keep");
		ck_assert_msg(!base64_decode(&b, bad[i], strlen(bad[i])), "%s", bad[i]);
		ck_assert_int_eq(b.len, 4);
		buf_free(&b);
	}
}
END_TEST

START_TEST(ack_options)
{
	kc_opts o;
	static const char *envs[] = { "KAFKA_CAT_ACK_FROM", "KAFKA_CAT_ACK_TO", "KAFKA_CAT_BARRIER_MS",
				      "KAFKA_CAT_BARRIER_RECORDS", "KAFKA_CAT_ACK_TIMEOUT", "KAFKA_CAT_INSTANCE_ID",
				      "KAFKA_CAT_REJECTS" };
	for (size_t i = 0; i < sizeof envs / sizeof *envs; i++)
		unsetenv(envs[i]);
	PARSE_OK(&o, "-C", "-G", "g", "-t", "t", "--ack-from", "/tmp/f", "--barrier-ms", "250", "--barrier-records",
		 "500", "--ack-timeout", "0", "--instance-id", "host-1");
	ck_assert_str_eq(o.ack_from, "/tmp/f");
	ck_assert_int_eq(o.barrier_ms, 250);
	ck_assert_int_eq(o.barrier_records, 500);
	ck_assert_int_eq(o.ack_timeout_s, 0);
	ck_assert_str_eq(o.instance_id, "host-1");
	kc_opts_free(&o);
	PARSE_OK(&o, "-C", "-G", "g", "-t", "t", "--ack-from", "/tmp/f");
	ck_assert_int_eq(o.barrier_ms, 1000);
	ck_assert_int_eq(o.barrier_records, 10000);
	ck_assert_int_eq(o.ack_timeout_s, 30);
	ck_assert_ptr_null(o.instance_id);
	kc_opts_free(&o);
	/* A hand-assigned consumer with a group.id commits too. */
	PARSE_OK(&o, "-C", "-t", "t", "-X", "group.id=g", "--ack-from", "/tmp/f");
	kc_opts_free(&o);
	PARSE_OK(&o, "-P", "-t", "t", "--ack-to", "/tmp/f", "--rejects", "/tmp/r");
	ck_assert_str_eq(o.ack_to, "/tmp/f");
	kc_opts_free(&o);

	PARSE_ERR("needs -G", "-C", "-t", "t", "--ack-from", "/tmp/f");
	PARSE_ERR("need --ack-from", "-C", "-G", "g", "-t", "t", "--barrier-ms", "5");
	PARSE_ERR("--barrier-ms: 'x'", "-C", "-G", "g", "-t", "t", "--ack-from", "f", "--barrier-ms", "x");
	PARSE_ERR("--barrier-records: 0 is out of range", "-C", "-G", "g", "-t", "t", "--ack-from", "f", "--barrier-records", "0");
	PARSE_ERR("--ack-timeout: -1 is out of range", "-C", "-G", "g", "-t", "t", "--ack-from", "f", "--ack-timeout", "-1");
	PARSE_ERR("for consumers", "-P", "-t", "t", "--ack-from", "f");
	PARSE_ERR("go with -C --ack-from", "-P", "-t", "t", "--ack-timeout", "3");
	PARSE_ERR("for producers", "-C", "-G", "g", "-t", "t", "--ack-to", "f");
	PARSE_ERR("needs --rejects", "-P", "-t", "t", "--ack-to", "f");
	PARSE_ERR("give -G", "-C", "-t", "t", "--instance-id", "x");
	PARSE_ERR("group consumers", "-P", "-t", "t", "--instance-id", "x");
	PARSE_ERR("empty", "-C", "-G", "g", "-t", "t", "--ack-from", "");

	/* The environment: read only where it means something. */
	setenv("KAFKA_CAT_ACK_FROM", "/tmp/env-fifo", 1);
	setenv("KAFKA_CAT_ACK_TO", "/tmp/env-ack", 1);
	setenv("KAFKA_CAT_BARRIER_MS", "300", 1);
	setenv("KAFKA_CAT_ACK_TIMEOUT", "7", 1);
	setenv("KAFKA_CAT_INSTANCE_ID", "env-id", 1);
	setenv("KAFKA_CAT_REJECTS", "/tmp/env-rejects", 1);
	PARSE_OK(&o, "-C", "-G", "g", "-t", "t");
	ck_assert_str_eq(o.ack_from, "/tmp/env-fifo");
	ck_assert_int_eq(o.barrier_ms, 300);
	ck_assert_int_eq(o.ack_timeout_s, 7);
	ck_assert_str_eq(o.instance_id, "env-id");
	ck_assert_ptr_null(o.ack_to);
	kc_opts_free(&o);
	PARSE_OK(&o, "-P", "-t", "t");
	ck_assert_str_eq(o.ack_to, "/tmp/env-ack");
	ck_assert_ptr_null(o.ack_from);
	ck_assert_ptr_null(o.instance_id);
	kc_opts_free(&o);
	PARSE_OK(&o, "-L");
	ck_assert_ptr_null(o.ack_to);
	kc_opts_free(&o);
	/* A consumer without a group commits nothing: the environment's FIFO is not for it. */
	PARSE_OK(&o, "-C", "-t", "t");
	ck_assert_ptr_null(o.ack_from);
	kc_opts_free(&o);
	setenv("KAFKA_CAT_BARRIER_MS", "soon", 1);
	PARSE_ERR("KAFKA_CAT_BARRIER_MS: 'soon'", "-C", "-G", "g", "-t", "t");
	for (size_t i = 0; i < sizeof envs / sizeof *envs; i++)
		unsetenv(envs[i]);
}
END_TEST

/* The text of the barrier ready to go back, or "" when none is. */
static const char *ready(kc_settle *s)
{
	static char out[64];
	size_t len;
	const char *t = kc_settle_ready(s, &len);
	if (!t)
		return "";
	snprintf(out, sizeof out, "%.*s", (int)len, t);
	return out;
}

START_TEST(settle_in_order)
{
	kc_settle *s = kc_settle_new();
	ck_assert_str_eq(ready(s), "");
	/* A barrier with nothing before it goes back at once. */
	kc_settle_barrier(s, 1, "B1", 2);
	ck_assert_str_eq(ready(s), "B1");
	kc_settle_pop(s);
	kc_settle_queued(s, 2);
	kc_settle_queued(s, 3);
	kc_settle_barrier(s, 4, "B4", 2);
	kc_settle_queued(s, 5);
	kc_settle_barrier(s, 6, "B6", 2);
	ck_assert_uint_eq(kc_settle_outstanding(s), 3);
	ck_assert_uint_eq(kc_settle_barriers(s), 2);
	kc_settle_done(s, 2);
	ck_assert_str_eq(ready(s), "");
	kc_settle_done(s, 3);
	ck_assert_str_eq(ready(s), "B4");
	kc_settle_pop(s);
	ck_assert_str_eq(ready(s), "");
	kc_settle_done(s, 5);
	ck_assert_str_eq(ready(s), "B6");
	kc_settle_pop(s);
	ck_assert_str_eq(ready(s), "");
	ck_assert_uint_eq(kc_settle_outstanding(s), 0);
	ck_assert_uint_eq(kc_settle_barriers(s), 0);
	kc_settle_free(s);
}
END_TEST

START_TEST(settle_out_of_order_and_gaps)
{
	kc_settle *s = kc_settle_new();
	/* Lines 1-3 messages, 4 rejected (never queued), 5-6 messages, barrier 7. */
	kc_settle_queued(s, 1);
	kc_settle_queued(s, 2);
	kc_settle_queued(s, 3);
	kc_settle_queued(s, 5);
	kc_settle_queued(s, 6);
	kc_settle_barrier(s, 7, "B7", 2);
	kc_settle_queued(s, 8);
	kc_settle_barrier(s, 9, "B9", 2);
	/* Reports from other partitions first. */
	kc_settle_done(s, 6);
	kc_settle_done(s, 8);
	kc_settle_done(s, 2);
	ck_assert_str_eq(ready(s), "");
	kc_settle_done(s, 5);
	kc_settle_done(s, 3);
	ck_assert_str_eq(ready(s), "");
	kc_settle_done(s, 3); /* twice: ignored */
	kc_settle_done(s, 99); /* never queued: ignored */
	ck_assert_uint_eq(kc_settle_outstanding(s), 1);
	kc_settle_done(s, 1);
	ck_assert_str_eq(ready(s), "B7");
	kc_settle_pop(s);
	/* Message 8 was settled before B7 went: B9 follows at once. */
	ck_assert_str_eq(ready(s), "B9");
	kc_settle_pop(s);
	kc_settle_free(s);
}
END_TEST

START_TEST(settle_held_message)
{
	kc_settle *s = kc_settle_new();
	kc_settle_queued(s, 1);
	kc_settle_barrier(s, 2, "B2", 2);
	kc_settle_queued(s, 3); /* its delivery fails for a reason that may pass: never done */
	kc_settle_queued(s, 4);
	kc_settle_barrier(s, 5, "B5", 2);
	kc_settle_queued(s, 6);
	kc_settle_barrier(s, 7, "B7", 2);
	kc_settle_done(s, 4);
	kc_settle_done(s, 6);
	kc_settle_done(s, 1);
	/* The barrier before the held message goes back; none after it ever does. */
	ck_assert_str_eq(ready(s), "B2");
	kc_settle_pop(s);
	ck_assert_str_eq(ready(s), "");
	ck_assert_uint_eq(kc_settle_outstanding(s), 1);
	ck_assert_uint_eq(kc_settle_barriers(s), 2);
	kc_settle_free(s); /* frees the barriers still held */
}
END_TEST

START_TEST(settle_large_window)
{
	/* Far more in flight than the ring starts with, settled backwards, with
	 * a barrier every 1000 lines and a gap (rejected lines) now and then. */
	enum { N = 200000 };
	kc_settle *s = kc_settle_new();
	unsigned long long line = 0, barriers = 0;
	static unsigned long long msgs[N];
	size_t nmsgs = 0;
	char text[32];
	for (int i = 0; i < N; i++) {
		line += (i % 97 == 0) ? 3 : 1;
		kc_settle_queued(s, line);
		msgs[nmsgs++] = line;
		if (i % 1000 == 999) {
			line++;
			int n = snprintf(text, sizeof text, "B%llu", ++barriers);
			kc_settle_barrier(s, line, text, (size_t)n);
		}
	}
	ck_assert_uint_eq(kc_settle_outstanding(s), N);
	for (size_t i = nmsgs; i-- > 1;)
		kc_settle_done(s, msgs[i]);
	ck_assert_str_eq(ready(s), ""); /* the first message holds them all */
	kc_settle_done(s, msgs[0]);
	for (unsigned long long b = 1; b <= barriers; b++) {
		snprintf(text, sizeof text, "B%llu", b);
		ck_assert_str_eq(ready(s), text);
		kc_settle_pop(s);
	}
	ck_assert_str_eq(ready(s), "");
	/* Nothing in flight: the window starts again where the numbers are. */
	kc_settle_queued(s, line + 10);
	kc_settle_barrier(s, line + 11, "last", 4);
	ck_assert_str_eq(ready(s), "");
	kc_settle_done(s, line + 10);
	ck_assert_str_eq(ready(s), "last");
	kc_settle_free(s);
}
END_TEST

int main(void)
{
	log_init("test");
	log_set_level("error");
	Suite *s = suite_create("kafka-cat");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, producer_options);
	tcase_add_test(tc, consumer_options);
	tcase_add_test(tc, offset_specs);
	tcase_add_test(tc, props_file);
	tcase_add_test(tc, ack_options);
	suite_add_tcase(s, tc);
	tc = tcase_create("settle");
	tcase_add_test(tc, settle_in_order);
	tcase_add_test(tc, settle_out_of_order_and_gaps);
	tcase_add_test(tc, settle_held_message);
	tcase_add_test(tc, settle_large_window);
	suite_add_tcase(s, tc);
	tc = tcase_create("envelope");
	tcase_add_test(tc, envelope_encode);
	tcase_add_test(tc, envelope_round_trip);
	tcase_add_test(tc, envelope_refusals);
	tcase_add_test(tc, base64_codec);
	tcase_add_test(tc, metrics_listen_and_secrets);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
