#include "opts.h"

#include "buf.h"
#include "cli_table.h"
#include "httpd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char errbuf[512];

static const char *fail(const char *fmt, const char *arg)
{
	snprintf(errbuf, sizeof errbuf, fmt, arg);
	return errbuf;
}

/* The name part of "name=value" (static buffer), never the value. */
static const char *kc_prop_name(const char *prop)
{
	static char name[128];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(prop, "="), prop);
	return name;
}

bool kc_secret_prop(const char *prop)
{
	size_t n = strcspn(prop, "=");
	char name[128];
	if (n >= sizeof name)
		return false;
	memcpy(name, prop, n);
	name[n] = '\0';
	return strstr(name, "password") || strstr(name, "secret") || strcmp(name, "ssl.key.pem") == 0 ||
	       strcmp(name, "sasl.oauthbearer.config") == 0;
}

/* The value of the last -X/-F setting of a property, or NULL. */
static const char *prop_value(const kc_opts *o, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < o->props.n; i++)
		if (strcmp(o->props.v[i].name, name) == 0)
			v = o->props.v[i].value;
	return v;
}

/* Whether every broker of the list (host:port,...) is on the loopback. */
static bool brokers_local(const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		const char *h = p;
		while (h < p + n && *h == ' ')
			h++;
		if (!(strncmp(h, "127.", 4) == 0 || strncasecmp(h, "localhost", 9) == 0 || strncmp(h, "[::1]", 5) == 0))
			return false;
		p += n + (p[n] == ',');
	}
	return true;
}

bool kc_password_in_clear(const kc_opts *o)
{
	const char *proto = prop_value(o, "security.protocol"), *mech = prop_value(o, "sasl.mechanism");
	if (!proto || strcasecmp(proto, "SASL_PLAINTEXT") != 0 || !mech || strcasecmp(mech, "PLAIN") != 0)
		return false;
	const char *brokers = prop_value(o, "bootstrap.servers");
	if (!brokers)
		brokers = prop_value(o, "metadata.broker.list");
	return !brokers_local(brokers ? brokers : o->brokers);
}

bool kc_tls_unverified(const char *name, const char *value)
{
	if (strcmp(name, "enable.ssl.certificate.verification") == 0)
		return strcasecmp(value, "true") != 0 && strcmp(value, "1") != 0;
	if (strcmp(name, "ssl.endpoint.identification.algorithm") == 0)
		return strcasecmp(value, "https") != 0;
	return false;
}

static void kc_kv_add(kc_kvlist *l, const char *name, size_t nlen, const char *value, size_t vlen)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].name = xstrndup(name, nlen);
	l->v[l->n].value = xstrndup(value, vlen);
	l->n++;
}

/* Splits "name=value" (value may be empty, name may not) into the list. */
static bool kc_kv_add_pair(kc_kvlist *l, const char *s)
{
	const char *eq = strchr(s, '=');
	if (!eq || eq == s)
		return false;
	kc_kv_add(l, s, (size_t)(eq - s), eq + 1, strlen(eq + 1));
	return true;
}

void kc_kv_free(kc_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	*l = (kc_kvlist){ 0 };
}

static bool parse_i64(const char *s, int64_t *out)
{
	char *end;
	if (!*s || *s == ' ' || *s == '+')
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool kc_parse_offset(const char *s, kc_offset *out)
{
	int64_t v;
	if (strcmp(s, "beginning") == 0) {
		*out = (kc_offset){ KC_OFF_BEGINNING, 0 };
	} else if (strcmp(s, "end") == 0) {
		*out = (kc_offset){ KC_OFF_END, 0 };
	} else if (strcmp(s, "stored") == 0) {
		*out = (kc_offset){ KC_OFF_STORED, 0 };
	} else if (strncmp(s, "s@", 2) == 0) {
		if (!parse_i64(s + 2, &v) || v < 0)
			return false;
		*out = (kc_offset){ KC_OFF_TIME, v };
	} else if (s[0] == '-') {
		if (!parse_i64(s + 1, &v) || v <= 0 || s[1] == '-')
			return false;
		*out = (kc_offset){ KC_OFF_TAIL, v };
	} else {
		if (!parse_i64(s, &v) || v < 0)
			return false;
		*out = (kc_offset){ KC_OFF_ABS, v };
	}
	return true;
}

const char *kc_read_props_file(kc_kvlist *l, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	if (!f) {
		snprintf(errbuf, sizeof errbuf, "-F %s: %s", path, strerror(errno));
		return errbuf;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (!kc_kv_add_pair(l, p)) {
			snprintf(errbuf, sizeof errbuf, "-F %s line %zu: expected property=value", path, lineno);
			free(line);
			fclose(f);
			return errbuf;
		}
	}
	free(line);
	fclose(f);
	return NULL;
}

/* The options that a mode takes, given on the command line (cli_opt.given). */
typedef struct {
	const char *metrics_listen, *instance_id, *ack_from, *barrier_ms, *barrier_records, *ack_timeout, *ack_to;
} given_flags;

/* --ack-from and its tuning (-C), --ack-to (-P), --instance-id (-C -G):
 * flags outside their mode are errors; environment variables apply only
 * where they mean something (a flow may set them for every stage). */
static const char *check_acks(kc_opts *o, const given_flags *g)
{
	bool tuning = g->barrier_ms || g->barrier_records || g->ack_timeout;
	if (o->mode != KC_MODE_CONSUME) {
		if (g->ack_from)
			return "--ack-from is for consumers (-C); a producer acknowledges with --ack-to";
		if (tuning)
			return "--barrier-ms, --barrier-records and --ack-timeout go with -C --ack-from";
		if (g->instance_id)
			return "--instance-id is for group consumers (-C -G)";
		o->ack_from = o->instance_id = NULL;
	}
	if (o->mode != KC_MODE_PRODUCE) {
		if (g->ack_to)
			return "--ack-to is for producers (-P); a consumer reads acknowledgements with --ack-from";
		o->ack_to = NULL;
	}
	if (o->mode == KC_MODE_PRODUCE) {
		if (o->ack_to && !*o->ack_to)
			return "--ack-to: empty path";
		if (o->ack_to && !o->rejects_path)
			return "--ack-to needs --rejects FILE: a message Kafka refuses for good is acknowledged "
			       "only once it is written there";
	}
	if (o->mode != KC_MODE_CONSUME)
		return NULL;
	if (!o->group) {
		if (g->instance_id)
			return "--instance-id is for group consumers: give -G GROUP";
		o->instance_id = NULL;
	}
	if (o->instance_id && !*o->instance_id)
		return "--instance-id: empty id";
	bool committing = o->group || kc_props_has(o, "group.id");
	if (!g->ack_from && !committing) /* a consumer that commits nothing has nothing to wait for */
		o->ack_from = NULL;
	if (!o->ack_from)
		return tuning ? "--barrier-ms, --barrier-records and --ack-timeout need --ack-from FIFO" : NULL;
	if (!*o->ack_from)
		return "--ack-from: empty path";
	if (!committing)
		return "--ack-from commits offsets once they are acknowledged: it needs -G GROUP "
		       "(or -X group.id=GROUP)";
	return NULL;
}

static void add_topic(kc_opts *o, const char *t)
{
	o->topics = xrealloc(o->topics, (o->ntopics + 1) * sizeof *o->topics);
	o->topics[o->ntopics++] = t;
}

static const char synopsis[] =
	"Usage: kafka-cat -P -t TOPIC [OPTION]...        produce stdin lines\n"
	"       kafka-cat -C -t TOPIC [-p N] [-o OFFSET] [OPTION]...\n"
	"       kafka-cat -C -G GROUP [-t] TOPIC... [OPTION]...   consume\n"
	"       kafka-cat -L [-t TOPIC] [-J]                metadata\n"
	"Move lines between standard input/output and Kafka (librdkafka; kcat's flags).\n"
	"Producer (-P): one message per stdin line (blank lines skipped, CRLF as LF);\n"
	"idempotent, acks=all, partitioner murmur2_random (the Java client's); on EOF or\n"
	"SIGTERM it flushes and waits for every delivery report.\n"
	"Consumer (-C): prints each value and a newline (or the -J envelope).\n"
	"\n";
static const char epilogue[] =
	"\n"
	"SASL password: env KAFKA_CAT_SASL_PASSWORD, or the file that\n"
	"KAFKA_CAT_SASL_PASSWORD_FILE names (or sasl.password in a -F file); never on\n"
	"the command line. A refused login or an untrusted broker certificate\n"
	"(verified against -X ssl.ca.location=CA): exit 78 at once.\n"
	"Exit status: 0 done; 1 some input lines rejected; 64 usage; 69 no broker\n"
	"answered, the topic/partition does not exist, or --metrics-listen cannot\n"
	"listen; 74 output closed, input or the acknowledgement FIFO unreadable, an\n"
	"acknowledgement not written; 75 some messages were not delivered (count in\n"
	"the log; safe to produce again: consumers see duplicates at worst), or -C\n"
	"--ack-from ended with barriers not back within --ack-timeout (not committed:\n"
	"read again by the next run); 78 a librdkafka property was refused, the\n"
	"password file is unreadable, the broker refused the login (SASL) or its TLS\n"
	"certificate could not be verified. A fatal client error exits 75. See\n"
	"kafka-cat(1).\n";

/* -P, -C, -L: one mode (the same one again is fine). */
static void mode_option(void *dest, const char *from, const char *value)
{
	kc_opts *o = dest;
	enum kc_mode m = from[1] == 'P' ? KC_MODE_PRODUCE : from[1] == 'C' ? KC_MODE_CONSUME : KC_MODE_LIST;
	(void)value;
	if (o->mode != KC_MODE_NONE && o->mode != m)
		cli_usage_error(&o->cli, "-P, -C and -L are exclusive: give one");
	o->mode = m;
}

static void topic_option(void *dest, const char *from, const char *value)
{
	(void)from;
	add_topic(dest, value);
}

static void offset_option(void *dest, const char *from, const char *value)
{
	kc_opts *o = dest;
	if (!kc_parse_offset(value, &o->offset))
		cli_usage_error(&o->cli, "%s: '%s' is not beginning, end, stored, N, -N or s@TIMESTAMP_MS", from, value);
	o->offset_given = true;
}

static void header_option(void *dest, const char *from, const char *value)
{
	kc_opts *o = dest;
	if (!kc_kv_add_pair(&o->headers, value))
		cli_usage_error(&o->cli, "%s: '%s' is not name=value", from, value);
}

static void property_option(void *dest, const char *from, const char *value)
{
	kc_opts *o = dest;
	if (kc_secret_prop(value))
		cli_usage_error(&o->cli, "%s %s: secrets never go on the command line (every user can read it); "
				"use KAFKA_CAT_SASL_PASSWORD or KAFKA_CAT_SASL_PASSWORD_FILE, or a -F file",
				from, kc_prop_name(value));
	if (!kc_kv_add_pair(&o->props, value))
		cli_usage_error(&o->cli, "%s: '%s' is not property=value", from, value);
}

/* -F FILE, and KAFKA_CAT_CONFIG's file before the command line's. */
static void config_option(void *dest, const char *from, const char *value)
{
	kc_opts *o = dest;
	const char *err = kc_read_props_file(&o->props, value);
	(void)from;
	if (err)
		cli_usage_error(&o->cli, "%s", err);
}

/* What ties the options together, once each has its value. NULL or the
 * message of a usage error. */
static const char *check_options(kc_opts *o, const given_flags *g, char **operands, int noperands)
{
	const char *err;
	if (o->key_delim && !*o->key_delim)
		return "-K: the key delimiter is empty";
	/* kcat takes the topics of a -G consumer as operands. */
	for (int i = 0; i < noperands; i++) {
		if (o->mode == KC_MODE_PRODUCE || o->mode == KC_MODE_LIST || !o->group)
			return fail("unexpected operand '%s' (topics go with -t; operands only with -G)", operands[i]);
		add_topic(o, operands[i]);
	}
	if (o->mode == KC_MODE_NONE)
		return "give one of -P (produce), -C (consume) or -L (metadata)";
	if (o->key_field && !*o->key_field)
		return "--key-field: empty field name";
	if (o->mode == KC_MODE_PRODUCE) {
		if (o->ntopics > 1)
			return "-P writes to one topic: give -t once";
		if (o->ntopics == 0 && !o->json)
			return "-P needs a topic (-t TOPIC)";
		int keys = (o->key_delim != NULL) + (o->key_field != NULL) + (o->key != NULL);
		if (keys > 1)
			return "-K, --key-field and -k are exclusive: give one way to make the key";
		if (o->json && keys)
			return "-P -J takes the key from each envelope: -K, --key-field and -k do not apply";
		if (o->group)
			return "-G is for consumers (-C)";
		if (o->exit_eof || o->count || o->offset_given)
			return "-e, -c and -o are for consumers (-C)";
	}
	if (o->mode == KC_MODE_CONSUME) {
		if (o->ntopics == 0)
			return o->group ? "-C -G needs topics (-t TOPIC, or operands after the options)"
					: "-C needs a topic (-t TOPIC)";
		if (!o->group && o->ntopics > 1)
			return "-C without -G reads one topic: give -t once (or use -G for several)";
		if (o->group && o->partition >= 0)
			return "-p and -G are exclusive: a group gets its partitions from the broker";
		if (!o->group && o->offset_given && o->offset.kind == KC_OFF_STORED &&
		    !kc_props_has(o, "group.id"))
			return "-o stored needs a group: -G GROUP, or -X group.id=GROUP";
		if (o->key_delim || o->key_field || o->key || o->headers.n)
			return "-K, --key-field, -k and -H are for producers (-P)";
	}
	if (o->mode != KC_MODE_CONSUME) {
		if (g->metrics_listen)
			return "--metrics-listen is for consumers (-C): -P and -L write --metrics-file";
		o->metrics_listen = NULL;
	}
	if (o->metrics_listen && !*o->metrics_listen)
		o->metrics_listen = NULL;
	if (o->metrics_listen) {
		struct sockaddr_storage ss;
		socklen_t sl;
		if (!listen_addr_parse(o->metrics_listen, &ss, &sl))
			return fail("--metrics-listen: '%s' is not ADDR:PORT or [ADDR6]:PORT", o->metrics_listen);
	}
	if ((err = check_acks(o, g)))
		return err;
	for (size_t i = 0; i < o->props.n && !o->allow_unverified_tls; i++)
		if (kc_tls_unverified(o->props.v[i].name, o->props.v[i].value))
			return fail("%s: turns off the verification of the broker's TLS certificate (a man in the "
				    "middle could read and forge every message); give the broker's CA with "
				    "ssl.ca.location, or --allow-unverified-tls", o->props.v[i].name);
	if (!o->allow_plain_sasl && kc_password_in_clear(o))
		return "security.protocol=SASL_PLAINTEXT with sasl.mechanism=PLAIN sends the password in clear to a "
		       "broker other than the loopback; use SASL_SSL, or --allow-plain-sasl";
	if (o->mode == KC_MODE_LIST && (o->group || o->key_delim || o->key_field || o->key || o->headers.n))
		return "-L takes -b, -t, -J, -X, -F and -m only";
	return NULL;
}

void kc_parse_args(kc_opts *o, int argc, char **argv)
{
	given_flags g = { 0 };
	long long partition = -1, metadata_timeout_s;
	const cli_opt opts[] = {
		{ .heading = "Modes", .short_name = 'P', .type = CLI_CUSTOM, .dest = o, .parse = mode_option,
		  .help = "produce: one message per standard input line" },
		{ .short_name = 'C', .type = CLI_CUSTOM, .dest = o, .parse = mode_option,
		  .help = "consume: each message's value and a newline on standard output" },
		{ .short_name = 'L', .type = CLI_CUSTOM, .dest = o, .parse = mode_option,
		  .help = "list the brokers, topics and partitions (metadata)" },
		{ .heading = "Common", .short_name = 'b', .type = CLI_STRING, .dest = &o->brokers, .arg = "BROKERS",
		  .env = "KAFKA_BROKERS", .def = "127.0.0.1:9092", .help = "bootstrap brokers, host:port[,...]" },
		{ .short_name = 't', .type = CLI_CUSTOM, .dest = o, .parse = topic_option, .arg = "TOPIC",
		  .help = "the topic; a group consumer takes several (or as operands after the options)" },
		{ .short_name = 'p', .type = CLI_COUNT, .dest = &partition, .arg = "PARTITION", .min = 0, .max = INT32_MAX,
		  .help = "produce to, or consume only, this partition" },
		{ .short_name = 'J', .type = CLI_FLAG, .dest = &o->json,
		  .help = "JSON envelope per message: {topic, partition, offset, timestamp, key, headers, value}: "
			  "-C writes it, -P reads it back; -L lists the metadata as JSON",
		  .man = "the envelope, for\n.B \\-C\n(write),\n.B \\-P\n(read) and\n.BR \\-L ." },
		{ .short_name = 'X', .type = CLI_CUSTOM, .dest = o, .parse = property_option, .arg = "PROP=VALUE",
		  .help = "any librdkafka property (security.protocol, sasl.*, ssl.*, linger.ms, ...), after "
			  "kafka-cat's defaults; secrets (*password*, *secret*) refused: see below; so is turning "
			  "TLS verification off, without --allow-unverified-tls",
		  .man = "any librdkafka property: security.protocol, sasl.mechanism, sasl.username,\n"
			 "ssl.ca.location, linger.ms, compression.type, batch.size, ... They are applied\n"
			 "after kafka-cat's defaults (enable.idempotence=true, acks=all,\n"
			 "partitioner=murmur2_random, linger.ms=5 for the producer; enable.auto.commit=false,\n"
			 "enable.auto.offset.store=false for the consumer), so they win. SASL and SSL\n"
			 "need nothing else, but a secret never goes on the command line (every user\n"
			 "sees it in\n.BR ps (1)):\nproperties whose name holds\n.B password\nor\n.BR secret ,\n"
			 "and\n.BR ssl.key.pem ,\nare refused (exit 64); see\n.BR ENVIRONMENT .\n"
			 "Settings that turn off the verification of the broker's TLS certificate,\n"
			 ".B enable.ssl.certificate.verification\nother than true, or\n"
			 ".B ssl.endpoint.identification.algorithm\nother than https, whether from\n.BR \\-X ,\n"
			 ".B \\-F\nor\n.BR KAFKA_CAT_CONFIG ,\nare refused too (exit 64) without\n"
			 ".BR \\-\\-allow\\-unverified\\-tls :\na man in the middle could read and forge every "
			 "message. Give the broker's CA with\n.B ssl.ca.location\ninstead." },
		{ .name = "allow-unverified-tls", .type = CLI_FLAG, .dest = &o->allow_unverified_tls,
		  .env = "KAFKA_CAT_ALLOW_UNVERIFIED_TLS",
		  .help = "take enable.ssl.certificate.verification=false or "
			  "ssl.endpoint.identification.algorithm=none (test brokers only)" },
		{ .name = "allow-plain-sasl", .type = CLI_FLAG, .dest = &o->allow_plain_sasl,
		  .env = "KAFKA_CAT_ALLOW_PLAIN_SASL",
		  .help = "take security.protocol=SASL_PLAINTEXT with sasl.mechanism=PLAIN to a broker off the "
			  "loopback: the password in clear",
		  .man = "Take\n.B security.protocol=SASL_PLAINTEXT\nwith\n.B sasl.mechanism=PLAIN\n"
			 "to a broker other than the loopback (127.0.0.0/8, localhost, [::1]): the password would\n"
			 "cross the network in clear. Without it that is refused (exit 64); use SASL_SSL, or a\n"
			 "SCRAM mechanism, which never sends the password itself." },
		{ .short_name = 'F', .type = CLI_CUSTOM, .dest = o, .parse = config_option, .arg = "FILE",
		  .env = "KAFKA_CAT_CONFIG",
		  .help = "librdkafka properties from FILE (PROP=VALUE lines, # comments); the variable's file "
			  "is read before the command line" },
		{ .short_name = 'm', .type = CLI_COUNT, .dest = &metadata_timeout_s, .arg = "SECONDS", .def = "10",
		  .min = 1, .max = 3600,
		  .help = "wait this long at start for a broker to answer; no answer: exit 69, the brokers named" },
		{ .short_name = 'q', .type = CLI_FLAG, .dest = &o->quiet,
		  .help = "no informational log lines (warnings and errors only)" },
		{ .heading = "Producer (-P)", .short_name = 'K', .type = CLI_STRING, .dest = &o->key_delim,
		  .arg = "DELIM", .help = "key = the text before the first DELIM, value = after" },
		{ .name = "key-field", .type = CLI_STRING, .dest = &o->key_field, .arg = "FIELD",
		  .env = "KAFKA_CAT_KEY_FIELD", .help = "key = the line's JSON field (dots for nesting)" },
		{ .short_name = 'k', .type = CLI_STRING, .dest = &o->key, .arg = "KEY",
		  .help = "the same key for every message" },
		{ .short_name = 'H', .type = CLI_CUSTOM, .dest = o, .parse = header_option, .arg = "NAME=VALUE",
		  .help = "add a header to every message (repeatable; with -J after the envelope's)" },
		{ .name = "rejects", .type = CLI_PATH, .dest = &o->rejects_path, .arg = "FILE", .env = "KAFKA_CAT_REJECTS",
		  .help = "lines that cannot be produced (no key field, bad envelope), one JSON object each with "
			  "the line number and the reason" },
		{ .name = "ack-to", .type = CLI_PATH, .dest = &o->ack_to, .arg = "PATH", .env = "KAFKA_CAT_ACK_TO",
		  .given = &g.ack_to,
		  .help = "write each barrier line back to PATH (the source's FIFO, or a file) once every message "
			  "before it is delivered, or refused for good (too large, invalid) and in --rejects, which "
			  "it needs; a delivery that failed otherwise: input stops, exit 75. Barrier lines are never "
			  "produced. The variable applies to producers only",
		  .man = "write each barrier line back to\n.I PATH\nonce every message before it is delivered or "
			 "refused for good (and in\n.BR \\-\\-rejects ,\nwhich it needs); see\n"
			 ".BR Acknowledgements .\nThe variable applies to producers only." },
		{ .heading = "Consumer (-C)", .short_name = 'G', .type = CLI_STRING, .dest = &o->group, .arg = "GROUP",
		  .env = "KAFKA_CAT_GROUP",
		  .help = "join consumer group GROUP; processes in one group share the partitions" },
		{ .short_name = 'o', .type = CLI_CUSTOM, .dest = o, .parse = offset_option, .arg = "OFFSET",
		  .help = "beginning, end, stored, N, -N (N before the end), s@MS (first message at or after MS ms "
			  "since the epoch); with -G only beginning or end: where a group without a committed "
			  "offset starts (default beginning)",
		  .man = ".BR beginning ,\n.BR end ,\n.B stored\n(the committed offset),\n.I N\n(that offset),\n"
			 ".BI \\- N\n(N messages before the end),\n.BI s@ MS\n(the first message whose timestamp "
			 "is at or after\n.I MS\nmilliseconds since the epoch). With\n.B \\-G\nonly\n"
			 ".B beginning\nor\n.BR end :\nwhere a group without a committed offset starts (default\n"
			 ".BR beginning )." },
		{ .short_name = 'e', .type = CLI_FLAG, .dest = &o->exit_eof,
		  .help = "exit when every assigned partition is at its end" },
		{ .short_name = 'c', .type = CLI_COUNT, .dest = &o->count, .arg = "COUNT", .min = 1, .max = (double)LLONG_MAX,
		  .help = "exit after COUNT messages" },
		{ .name = "commit-interval-ms", .type = CLI_COUNT, .dest = &o->commit_ms, .arg = "MS", .def = "1000",
		  .min = 0, .max = 3600000,
		  .help = "commit flushed offsets at most this often (0: after every flush); always on exit and "
			  "before partitions are revoked; not with --ack-from, which commits on acknowledgement" },
		{ .name = "instance-id", .type = CLI_STRING, .dest = &o->instance_id, .arg = "ID",
		  .env = "KAFKA_CAT_INSTANCE_ID", .given = &g.instance_id,
		  .help = "static membership (group.instance.id, -G): a member restarted with the same ID takes its "
			  "partitions back at once, without a rebalance; the variable applies to group consumers only" },
		{ .name = "ack-from", .type = CLI_PATH, .dest = &o->ack_from, .arg = "FIFO", .env = "KAFKA_CAT_ACK_FROM",
		  .given = &g.ack_from,
		  .help = "write barriers between the lines and commit offsets only once the pipe's last stage sends "
			  "them back on FIFO (created 0600 when absent; needs -G or -X group.id); the variable "
			  "applies to consumers that commit only",
		  .man = ".RB ( \\-C ,\nwith\n.B \\-G\nor\n.BR \"\\-X group.id=\" )\nwrite barriers and commit "
			 "offsets only once they come back on\n.IR FIFO ;\nsee\n.B Acknowledgements\n"
			 "(created 0600 when absent). The variable applies to consumers that commit only." },
		{ .name = "barrier-ms", .type = CLI_COUNT, .dest = &o->barrier_ms, .arg = "MS", .env = "KAFKA_CAT_BARRIER_MS",
		  .def = "1000", .min = 1, .max = 3600000, .given = &g.barrier_ms,
		  .help = "with --ack-from: a barrier at most MS after the first line it covers" },
		{ .name = "barrier-records", .type = CLI_COUNT, .dest = &o->barrier_records, .arg = "N",
		  .env = "KAFKA_CAT_BARRIER_RECORDS", .def = "10000", .min = 1, .max = 100000000,
		  .given = &g.barrier_records, .help = "with --ack-from: or once N lines are not covered" },
		{ .name = "ack-timeout", .type = CLI_COUNT, .dest = &o->ack_timeout_s, .arg = "SECONDS",
		  .env = "KAFKA_CAT_ACK_TIMEOUT", .def = "30", .min = 0, .max = 86400, .given = &g.ack_timeout,
		  .help = "with --ack-from: at the end (output closed first) and before partitions are revoked, wait "
			  "for the barriers to come back while one comes back at least every SECONDS; 0: not at all",
		  .man = ".RB ( \\-\\-ack\\-from )\nat the end (after standard output is closed) and before "
			 "partitions are\nrevoked, wait for the barriers to come back as long as one comes back at "
			 "least\nevery\n.I SECONDS\n(a pipe draining a long backlog is waited for; one that stalls "
			 "is not;\n0: not at all). A second SIGTERM or SIGINT ends the wait at the end." },
		{ .name = "metrics-listen", .type = CLI_STRING, .dest = &o->metrics_listen, .arg = "ADDR:PORT",
		  .env = "KAFKA_CAT_METRICS_LISTEN", .given = &g.metrics_listen,
		  .help = "serve GET /metrics (Prometheus text: messages, commits, lag per partition) and /healthz "
			  "while consuming, [ADDR6]:PORT for IPv6; port 0 picks one, logged; cannot listen: exit 69. "
			  "The variable applies to consumers only" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true,
				.options_first = true };
	const char *err;

	optind = 0; /* reset getopt (unit tests parse several times) */
	int first = cli_table_parse(&o->cli, &spec, argc, argv);
	o->partition = (int32_t)partition;
	o->metadata_timeout_ms = (int)(metadata_timeout_s * 1000);
	if ((err = check_options(o, &g, argv + first, argc - first)))
		cli_usage_error(&o->cli, "%s", err);
}

bool kc_props_has(const kc_opts *o, const char *name)
{
	for (size_t i = 0; i < o->props.n; i++)
		if (strcmp(o->props.v[i].name, name) == 0)
			return true;
	return false;
}

void kc_opts_free(kc_opts *o)
{
	kc_kv_free(&o->headers);
	kc_kv_free(&o->props);
	free(o->topics);
	o->topics = NULL;
	o->ntopics = 0;
}
