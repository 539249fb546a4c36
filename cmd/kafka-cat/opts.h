/* kafka-cat's command line: kcat's flags where kcat has one, parsed into a
 * plain struct (no librdkafka here, so unit tests link it alone). */
#ifndef KAFKACAT_OPTS_H
#define KAFKACAT_OPTS_H

#include "cli.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kc_mode { KC_MODE_NONE, KC_MODE_PRODUCE, KC_MODE_CONSUME, KC_MODE_LIST };

/* -o: where a consumer starts. */
enum kc_offset_kind {
	KC_OFF_BEGINNING, /* "beginning" */
	KC_OFF_END,       /* "end" */
	KC_OFF_STORED,    /* "stored": the group's committed offset */
	KC_OFF_ABS,       /* "N": offset N */
	KC_OFF_TAIL,      /* "-N": N messages before the end */
	KC_OFF_TIME,      /* "s@MS": the first message at or after MS (ms since the epoch) */
};
typedef struct {
	enum kc_offset_kind kind;
	int64_t value;
} kc_offset;

typedef struct {
	char *name, *value;
} kc_kv;

typedef struct {
	kc_kv *v;
	size_t n, cap;
} kc_kvlist;

typedef struct {
	cli_common cli;
	enum kc_mode mode;
	const char *brokers;        /* -b, env KAFKA_BROKERS */
	const char **topics;        /* -t and (with -G) the operands */
	size_t ntopics;
	int32_t partition;          /* -p; -1 when not given */
	const char *group;          /* -G */
	kc_offset offset;           /* -o */
	bool offset_given;
	bool exit_eof;              /* -e */
	long long count;            /* -c; 0 = no limit */
	bool json;                  /* -J */
	const char *key_delim;      /* -K */
	const char *key_field;      /* --key-field */
	const char *key;            /* -k: one key for every message */
	kc_kvlist headers;          /* -H name=value */
	kc_kvlist props;            /* -X and -F, in command-line order */
	int metadata_timeout_ms;    /* -m seconds */
	const char *rejects_path;   /* --rejects */
	long long commit_ms;        /* --commit-interval-ms */
	bool quiet;                 /* -q */
	const char *metrics_listen; /* --metrics-listen ADDR:PORT (-C), env KAFKA_CAT_METRICS_LISTEN */
	const char *instance_id;    /* --instance-id (-C -G): group.instance.id, env KAFKA_CAT_INSTANCE_ID */
	/* The acknowledgement protocol (vtex-pipes(7), ACKNOWLEDGEMENTS). */
	const char *ack_from;       /* --ack-from FIFO (-C), env KAFKA_CAT_ACK_FROM */
	long long barrier_ms;       /* --barrier-ms (1000), env KAFKA_CAT_BARRIER_MS */
	long long barrier_records;  /* --barrier-records (10000), env KAFKA_CAT_BARRIER_RECORDS */
	long long ack_timeout_s;    /* --ack-timeout SECONDS (30), env KAFKA_CAT_ACK_TIMEOUT */
	const char *ack_to;         /* --ack-to PATH (-P), env KAFKA_CAT_ACK_TO */
	bool allow_unverified_tls;  /* --allow-unverified-tls, env KAFKA_CAT_ALLOW_UNVERIFIED_TLS=1 */
	bool allow_plain_sasl;      /* --allow-plain-sasl, env KAFKA_CAT_ALLOW_PLAIN_SASL=1 */
} kc_opts;

/* Parses argv into o (cli_init first), from kafka-cat's option table (which
 * --help and the man page's OPTIONS print too). A usage error exits 64;
 * -h and -V exit. */
void kc_parse_args(kc_opts *o, int argc, char **argv);
void kc_opts_free(kc_opts *o);
/* Whether a librdkafka property ("name" or "name=value") holds a secret
 * (sasl.password, ssl.key.password, ...): -X refuses those. */
bool kc_secret_prop(const char *prop);
/* Whether a librdkafka property turns off TLS verification
 * (enable.ssl.certificate.verification=false, ssl.endpoint.identification.
 * algorithm other than https): refused without --allow-unverified-tls. */
bool kc_tls_unverified(const char *name, const char *value);
/* Whether the SASL password would cross the network in clear: SASL_PLAINTEXT
 * with the PLAIN mechanism to a broker other than the loopback (refused
 * without --allow-plain-sasl; SCRAM never sends the password itself). */
bool kc_password_in_clear(const kc_opts *o);
/* Whether -X/-F set this librdkafka property. */
bool kc_props_has(const kc_opts *o, const char *name);

/* "beginning", "end", "stored", "N", "-N", "s@MS". false when it is none. */
bool kc_parse_offset(const char *s, kc_offset *out);
void kc_kv_free(kc_kvlist *l);
/* Reads a librdkafka properties file (name=value lines, '#' comments, blank
 * lines) into l. Returns NULL, or a message naming the file and line (static
 * buffer, valid until the next call). */
const char *kc_read_props_file(kc_kvlist *l, const char *path);

#endif
