#include "opts.h"

#include "buf.h"
#include "httpd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	OPT_KEY_FIELD = CLI_OPT_TOOL,
	OPT_REJECTS,
	OPT_COMMIT_INTERVAL,
	OPT_METRICS_LISTEN,
	OPT_INSTANCE_ID,
	OPT_ACK_FROM,
	OPT_BARRIER_MS,
	OPT_BARRIER_RECORDS,
	OPT_ACK_TIMEOUT,
	OPT_ACK_TO,
	OPT_ALLOW_UNVERIFIED_TLS,
	OPT_ALLOW_PLAIN_SASL,
};

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

/* A number of the acknowledgement options, from its flag (value given) or
 * else its environment variable; NULL or the message of a usage error. */
static const char *ack_number(const char *flag, const char *value, const char *env, long long min, long long max,
			      long long *out)
{
	const char *from = flag;
	int64_t v;
	if (!value) {
		value = cli_env(env, NULL);
		from = env;
	}
	if (!value)
		return NULL;
	if (!parse_i64(value, &v) || v < min || v > max) {
		snprintf(errbuf, sizeof errbuf, "%s: '%s' is not a number from %lld to %lld", from, value, min, max);
		return errbuf;
	}
	*out = v;
	return NULL;
}

/* --ack-from and its tuning (-C), --ack-to (-P), --instance-id (-C -G):
 * flags outside their mode are errors; environment variables apply only
 * where they mean something (a flow may set them for every stage). */
static const char *check_acks(kc_opts *o, const char *bms, const char *brec, const char *atmo)
{
	const char *err;
	if (o->mode != KC_MODE_CONSUME) {
		if (o->ack_from)
			return "--ack-from is for consumers (-C); a producer acknowledges with --ack-to";
		if (bms || brec || atmo)
			return "--barrier-ms, --barrier-records and --ack-timeout go with -C --ack-from";
		if (o->instance_id)
			return "--instance-id is for group consumers (-C -G)";
	}
	if (o->mode != KC_MODE_PRODUCE && o->ack_to)
		return "--ack-to is for producers (-P); a consumer reads acknowledgements with --ack-from";
	if (o->mode == KC_MODE_PRODUCE) {
		if (!o->ack_to)
			o->ack_to = cli_env("KAFKA_CAT_ACK_TO", NULL);
		if (o->ack_to && !*o->ack_to)
			return "--ack-to: empty path";
		if (o->ack_to && !o->rejects_path)
			return "--ack-to needs --rejects FILE: a message Kafka refuses for good is acknowledged "
			       "only once it is written there";
	}
	if (o->mode != KC_MODE_CONSUME)
		return NULL;
	if (o->instance_id && !o->group)
		return "--instance-id is for group consumers: give -G GROUP";
	if (!o->instance_id && o->group)
		o->instance_id = cli_env("KAFKA_CAT_INSTANCE_ID", NULL);
	if (o->instance_id && !*o->instance_id)
		return "--instance-id: empty id";
	bool committing = o->group || kc_props_has(o, "group.id");
	if (!o->ack_from && committing) /* a consumer that commits nothing has nothing to wait for */
		o->ack_from = cli_env("KAFKA_CAT_ACK_FROM", NULL);
	if (!o->ack_from) {
		if (bms || brec || atmo)
			return "--barrier-ms, --barrier-records and --ack-timeout need --ack-from FIFO";
		return NULL;
	}
	if (!*o->ack_from)
		return "--ack-from: empty path";
	if (!committing)
		return "--ack-from commits offsets once they are acknowledged: it needs -G GROUP "
		       "(or -X group.id=GROUP)";
	if ((err = ack_number("--barrier-ms", bms, "KAFKA_CAT_BARRIER_MS", 1, 3600000, &o->barrier_ms)) ||
	    (err = ack_number("--barrier-records", brec, "KAFKA_CAT_BARRIER_RECORDS", 1, 100000000, &o->barrier_records)) ||
	    (err = ack_number("--ack-timeout", atmo, "KAFKA_CAT_ACK_TIMEOUT", 0, 86400, &o->ack_timeout_s)))
		return err;
	return NULL;
}

static void add_topic(kc_opts *o, const char *t)
{
	o->topics = xrealloc(o->topics, (o->ntopics + 1) * sizeof *o->topics);
	o->topics[o->ntopics++] = t;
}

static const char *set_mode(kc_opts *o, enum kc_mode m)
{
	if (o->mode != KC_MODE_NONE && o->mode != m)
		return "-P, -C and -L are exclusive: give one";
	o->mode = m;
	return NULL;
}

const char *kc_parse_args(kc_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key-field", required_argument, 0, OPT_KEY_FIELD },
		{ "rejects", required_argument, 0, OPT_REJECTS },
		{ "commit-interval-ms", required_argument, 0, OPT_COMMIT_INTERVAL },
		{ "metrics-listen", required_argument, 0, OPT_METRICS_LISTEN },
		{ "instance-id", required_argument, 0, OPT_INSTANCE_ID },
		{ "ack-from", required_argument, 0, OPT_ACK_FROM },
		{ "barrier-ms", required_argument, 0, OPT_BARRIER_MS },
		{ "barrier-records", required_argument, 0, OPT_BARRIER_RECORDS },
		{ "ack-timeout", required_argument, 0, OPT_ACK_TIMEOUT },
		{ "ack-to", required_argument, 0, OPT_ACK_TO },
		{ "allow-unverified-tls", no_argument, 0, OPT_ALLOW_UNVERIFIED_TLS },
		{ "allow-plain-sasl", no_argument, 0, OPT_ALLOW_PLAIN_SASL },
		CLI_COMMON_LONGOPTS,
		CLI_INPUT_LONGOPTS,
		{ 0 },
	};
	const char *err = NULL, *s;
	const char *bms = NULL, *brec = NULL, *atmo = NULL; /* checked once the mode is known */
	int c;

	o->brokers = cli_env("KAFKA_BROKERS", "127.0.0.1:9092");
	o->group = cli_env("KAFKA_CAT_GROUP", NULL);
	o->key_field = cli_env("KAFKA_CAT_KEY_FIELD", NULL);
	o->rejects_path = cli_env("KAFKA_CAT_REJECTS", NULL);
	o->allow_unverified_tls = strcmp(cli_env("KAFKA_CAT_ALLOW_UNVERIFIED_TLS", "0"), "1") == 0;
	o->allow_plain_sasl = strcmp(cli_env("KAFKA_CAT_ALLOW_PLAIN_SASL", "0"), "1") == 0;
	o->partition = -1;
	o->offset = (kc_offset){ KC_OFF_BEGINNING, 0 };
	o->metadata_timeout_ms = 10000;
	o->commit_ms = 1000;
	o->barrier_ms = 1000;
	o->barrier_records = 10000;
	o->ack_timeout_s = 30;
	if ((s = cli_env("KAFKA_CAT_CONFIG", NULL)) && (err = kc_read_props_file(&o->props, s)))
		return err;

	optind = 0; /* reset getopt (unit tests parse several times) */
	while ((c = getopt_long(argc, argv, "+PCLb:t:p:G:o:ec:JK:k:H:X:F:m:qhV", longopts, NULL)) != -1) {
		int64_t v;
		switch (c) {
		case 'P': err = set_mode(o, KC_MODE_PRODUCE); break;
		case 'C': err = set_mode(o, KC_MODE_CONSUME); break;
		case 'L': err = set_mode(o, KC_MODE_LIST); break;
		case 'b': o->brokers = optarg; break;
		case 't': add_topic(o, optarg); break;
		case 'p':
			if (!parse_i64(optarg, &v) || v < 0 || v > INT32_MAX)
				return fail("-p: '%s' is not a partition number", optarg);
			o->partition = (int32_t)v;
			break;
		case 'G': o->group = optarg; break;
		case 'o':
			if (!kc_parse_offset(optarg, &o->offset))
				return fail("-o: '%s' is not beginning, end, stored, N, -N or s@TIMESTAMP_MS", optarg);
			o->offset_given = true;
			break;
		case 'e': o->exit_eof = true; break;
		case 'c':
			if (!parse_i64(optarg, &v) || v <= 0)
				return fail("-c: '%s' is not a positive count", optarg);
			o->count = v;
			break;
		case 'J': o->json = true; break;
		case 'K':
			if (!*optarg)
				return "-K: the key delimiter is empty";
			o->key_delim = optarg;
			break;
		case 'k': o->key = optarg; break;
		case OPT_KEY_FIELD:
			o->key_field = optarg;
			break;
		case 'H':
			if (!kc_kv_add_pair(&o->headers, optarg))
				return fail("-H: '%s' is not name=value", optarg);
			break;
		case 'X':
			if (kc_secret_prop(optarg))
				return fail("-X %s: secrets never go on the command line (every user can read it); "
					    "use KAFKA_CAT_SASL_PASSWORD or KAFKA_CAT_SASL_PASSWORD_FILE, or a -F file",
					    kc_prop_name(optarg));
			if (!kc_kv_add_pair(&o->props, optarg))
				return fail("-X: '%s' is not property=value", optarg);
			break;
		case 'F':
			if ((err = kc_read_props_file(&o->props, optarg)))
				return err;
			break;
		case 'm':
			if (!parse_i64(optarg, &v) || v <= 0 || v > 3600)
				return fail("-m: '%s' is not a number of seconds (1 to 3600)", optarg);
			o->metadata_timeout_ms = (int)(v * 1000);
			break;
		case 'q': o->quiet = true; break;
		case OPT_REJECTS: o->rejects_path = optarg; break;
		case OPT_METRICS_LISTEN: o->metrics_listen = optarg; break;
		case OPT_INSTANCE_ID: o->instance_id = optarg; break;
		case OPT_ACK_FROM: o->ack_from = optarg; break;
		case OPT_BARRIER_MS: bms = optarg; break;
		case OPT_BARRIER_RECORDS: brec = optarg; break;
		case OPT_ACK_TIMEOUT: atmo = optarg; break;
		case OPT_ACK_TO: o->ack_to = optarg; break;
		case OPT_ALLOW_UNVERIFIED_TLS: o->allow_unverified_tls = true; break;
		case OPT_ALLOW_PLAIN_SASL: o->allow_plain_sasl = true; break;
		case OPT_COMMIT_INTERVAL:
			if (!parse_i64(optarg, &v) || v < 0 || v > 3600000)
				return fail("--commit-interval-ms: '%s' is not 0 to 3600000", optarg);
			o->commit_ms = v;
			break;
		default:
			if (!cli_common_option(&o->cli, c, optarg))
				return "unexpected option";
		}
		if (err)
			return err;
	}
	/* kcat takes the topics of a -G consumer as operands. */
	for (int i = optind; i < argc; i++) {
		if (o->mode == KC_MODE_PRODUCE || o->mode == KC_MODE_LIST || !o->group)
			return fail("unexpected operand '%s' (topics go with -t; operands only with -G)", argv[i]);
		add_topic(o, argv[i]);
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
	/* The environment's listener applies to consumers only (a flow may set
	 * it for a stage that also produces); the flag elsewhere is an error. */
	if (o->metrics_listen && o->mode != KC_MODE_CONSUME)
		return "--metrics-listen is for consumers (-C): -P and -L write --metrics-file";
	if (!o->metrics_listen && o->mode == KC_MODE_CONSUME)
		o->metrics_listen = cli_env("KAFKA_CAT_METRICS_LISTEN", NULL);
	if (o->metrics_listen && !*o->metrics_listen)
		o->metrics_listen = NULL;
	if (o->metrics_listen) {
		struct sockaddr_storage ss;
		socklen_t sl;
		if (!listen_addr_parse(o->metrics_listen, &ss, &sl))
			return fail("--metrics-listen: '%s' is not ADDR:PORT or [ADDR6]:PORT", o->metrics_listen);
	}
	if ((err = check_acks(o, bms, brec, atmo)))
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
