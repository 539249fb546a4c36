/* kafka-cat: a librdkafka producer and consumer for NDJSON pipelines, with
 * kcat's flags where kcat has one: -P (each stdin line one message, keyed by a
 * JSON field or a delimiter; idempotent, acks=all, every delivery report
 * awaited), -C (a consumer group or chosen partitions and offsets; an offset
 * is committed only once its line is written and flushed), -L (metadata). */
#include "kc.h"

#include "exitcode.h"
#include "progress.h"
#include "log.h"
#include "secret.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char HELP[] =
	"Usage: kafka-cat -P -t TOPIC [OPTION]...        produce stdin lines\n"
	"       kafka-cat -C -t TOPIC [-p N] [-o OFFSET] [OPTION]...\n"
	"       kafka-cat -C -G GROUP [-t] TOPIC... [OPTION]...   consume\n"
	"       kafka-cat -L [-t TOPIC] [-J]                metadata\n"
	"Move lines between standard input/output and Kafka (librdkafka; kcat's flags).\n"
	"\n"
	"Common:\n"
	"  -b BROKERS              bootstrap brokers host:port[,...] (env KAFKA_BROKERS;\n"
	"                          127.0.0.1:9092)\n"
	"  -t TOPIC                the topic\n"
	"  -p PARTITION            produce to / consume from this partition only\n"
	"  -J                      JSON envelope per message: {topic, partition, offset,\n"
	"                          timestamp, key, headers, value}; -P -J reads it back\n"
	"  -X PROP=VALUE           any librdkafka property (security.protocol, sasl.*,\n"
	"                          ssl.*, linger.ms, ...); after kafka-cat's defaults;\n"
	"                          secrets (*password*, *secret*) refused: see below;\n"
	"                          so is turning TLS verification off, without:\n"
	"      --allow-unverified-tls  take enable.ssl.certificate.verification=false or\n"
	"                          ssl.endpoint.identification.algorithm=none\n"
	"                          (env KAFKA_CAT_ALLOW_UNVERIFIED_TLS=1; test brokers only)\n"
	"      --allow-plain-sasl  take security.protocol=SASL_PLAINTEXT with\n"
	"                          sasl.mechanism=PLAIN to a broker off the loopback: the\n"
	"                          password in clear (env KAFKA_CAT_ALLOW_PLAIN_SASL=1)\n"
	"  -F FILE                 librdkafka properties from FILE (PROP=VALUE lines,\n"
	"                          # comments) (env KAFKA_CAT_CONFIG, read first)\n"
	"SASL password: env KAFKA_CAT_SASL_PASSWORD, or the file that\n"
	"KAFKA_CAT_SASL_PASSWORD_FILE names (or sasl.password in a -F file); never on\n"
	"the command line. A refused login or an untrusted broker certificate\n"
	"(verified against -X ssl.ca.location=CA): exit 78 at once.\n"
	"  -m SECONDS              wait this long for a broker to answer at start (10)\n"
	"  -q                      no informational log lines (warnings and errors only)\n"
	"\n"
	"Producer (-P): one message per stdin line (blank lines skipped, CRLF as LF);\n"
	"idempotent, acks=all, partitioner murmur2_random (the Java client's); on EOF or\n"
	"SIGTERM it flushes and waits for every delivery report.\n"
	"  -K DELIM                key = the text before the first DELIM, value = after\n"
	"      --key-field FIELD   key = the line's JSON field (dots for nesting)\n"
	"                          (env KAFKA_CAT_KEY_FIELD)\n"
	"  -k KEY                  the same key for every message\n"
	"  -H NAME=VALUE           add a header to every message (repeatable)\n"
	"      --rejects FILE      lines that cannot be produced (no key field, bad\n"
	"                          envelope), with the reason (env KAFKA_CAT_REJECTS)\n"
	"      --ack-to PATH       write each barrier line back to PATH (the source's\n"
	"                          FIFO, or a file) once every message before it is\n"
	"                          delivered, or refused for good (too large, invalid)\n"
	"                          and in --rejects, which it needs; a delivery that\n"
	"                          failed otherwise: input stops, exit 75 (env\n"
	"                          KAFKA_CAT_ACK_TO). Barrier lines are never produced.\n"
	"\n"
	"Consumer (-C): prints each value and a newline (or the -J envelope).\n"
	"  -G GROUP                join consumer group GROUP (env KAFKA_CAT_GROUP);\n"
	"                          processes in one group share the partitions\n"
	"  -o OFFSET               beginning, end, stored, N, -N (N before the end),\n"
	"                          s@MS (first message at or after MS ms since the epoch);\n"
	"                          with -G only beginning or end: where a group without a\n"
	"                          committed offset starts (default beginning)\n"
	"  -e                      exit when every assigned partition is at its end\n"
	"  -c COUNT                exit after COUNT messages\n"
	"      --commit-interval-ms MS\n"
	"                          commit flushed offsets at most this often (1000);\n"
	"                          always on exit and before partitions are revoked\n"
	"      --instance-id ID    static membership (group.instance.id, -G): a member\n"
	"                          restarted with the same ID takes its partitions back\n"
	"                          at once, without a rebalance (env\n"
	"                          KAFKA_CAT_INSTANCE_ID)\n"
	"      --ack-from FIFO     write barriers between the lines and commit offsets\n"
	"                          only once the pipe's last stage sends them back on\n"
	"                          FIFO (created 0600 when absent; needs -G or -X\n"
	"                          group.id; --commit-interval-ms then does not apply)\n"
	"                          (env KAFKA_CAT_ACK_FROM)\n"
	"      --barrier-ms MS     a barrier at most MS after the first line it covers\n"
	"                          (1000; env KAFKA_CAT_BARRIER_MS)\n"
	"      --barrier-records N or once N lines are not covered (10000; env\n"
	"                          KAFKA_CAT_BARRIER_RECORDS)\n"
	"      --ack-timeout SECONDS\n"
	"                          at the end (output closed first) and before\n"
	"                          partitions are revoked, wait for the barriers to\n"
	"                          come back while one comes back at least every\n"
	"                          SECONDS (30; env KAFKA_CAT_ACK_TIMEOUT)\n"
	"      --metrics-listen ADDR:PORT\n"
	"                          serve GET /metrics (Prometheus text: messages,\n"
	"                          commits, lag per partition) and /healthz while\n"
	"                          consuming; port 0 picks one, logged (env\n"
	"                          KAFKA_CAT_METRICS_LISTEN, -C only)\n"
	CLI_INPUT_HELP
	CLI_COMMON_HELP
	"\n"
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

volatile sig_atomic_t kc_stop, kc_stop_twice, kc_fatal, kc_denied;
static int devnull_fd = -1;

static void on_signal(int sig)
{
	if (kc_stop)
		kc_stop_twice = 1;
	kc_stop = sig;
	/* A producer blocked reading stdin: its read(2) fails with EINTR (no
	 * SA_RESTART) and the retry reads /dev/null, i.e. end of input. */
	if (devnull_fd >= 0)
		dup2(devnull_fd, STDIN_FILENO);
}

void kc_install_signals(bool close_stdin)
{
	struct sigaction sa = { .sa_handler = on_signal };
	if (close_stdin)
		devnull_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

void kc_close_input(void)
{
	if (devnull_fd >= 0)
		dup2(devnull_fd, STDIN_FILENO);
}

void kc_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value)
{
	char err[512];
	if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
		log_error("librdkafka refused a property", LS("property", name), LS("error", err));
		exit(VP_EXIT_CONFIG);
	}
}

void kc_conf_apply(rd_kafka_conf_t *conf, const kc_opts *o)
{
	char err[512];
	const char *serr;
	for (size_t i = 0; i < o->props.n; i++) {
		/* A secret from a -F file: its name in the error, never librdkafka's
		 * message (which may quote the value). */
		const char *name = o->props.v[i].name, *value = o->props.v[i].value;
		if (!kc_secret_prop(name)) {
			kc_conf_set(conf, name, value);
		} else if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
			log_error("librdkafka refused a property", LS("property", name));
			exit(VP_EXIT_CONFIG);
		}
	}
	/* The SASL password: from the environment or a file, after -F and -X. */
	char *pw = secret_read("KAFKA_CAT_SASL_PASSWORD", &serr);
	if (serr)
		exit(VP_EXIT_CONFIG); /* secret_read logged which file and why */
	if (pw) {
		rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, "sasl.password", pw, err, sizeof err);
		secret_free(pw);
		if (res != RD_KAFKA_CONF_OK) {
			log_error("librdkafka refused the SASL password (KAFKA_CAT_SASL_PASSWORD)");
			exit(VP_EXIT_CONFIG);
		}
	}
}

/* librdkafka's own log lines, in ours. */
static void on_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *text)
{
	(void)rk;
	enum log_level l = level <= 3 ? LOG_LVL_ERROR : level <= 4 ? LOG_LVL_WARN : level <= 6 ? LOG_LVL_INFO : LOG_LVL_DEBUG;
	/* Connection failures and retries are librdkafka's daily bread: it
	 * reconnects and retries by itself; what matters is reported by us. */
	if (l > LOG_LVL_INFO && strstr(text, "retrying"))
		l = LOG_LVL_INFO;
	else if (l == LOG_LVL_ERROR)
		l = LOG_LVL_WARN;
	if (log_enabled(l))
		log_emit(l, "librdkafka", LS("facility", fac), LS("detail", text), LOG_KV_LAST);
}

static void on_rdkafka_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)opaque;
	/* Refused credentials or an untrusted broker certificate: retrying will
	 * not help, so stop now, once, with a message that says what to fix. */
	if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
	    (err == RD_KAFKA_RESP_ERR__SSL && strstr(reason, "certificate verify failed"))) {
		if (!kc_denied)
			log_error(err == RD_KAFKA_RESP_ERR__SSL
					  ? "TLS: the broker's certificate could not be verified; give the CA that "
					    "signed it with -X ssl.ca.location=FILE"
					  : "Kafka authentication failed; check sasl.mechanism, sasl.username and the "
					    "password (KAFKA_CAT_SASL_PASSWORD or KAFKA_CAT_SASL_PASSWORD_FILE)",
				  LS("error", rd_kafka_err2name(err)), LS("reason", reason));
		kc_denied = 1;
		kc_stop = SIGTERM;
		return;
	}
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char why[512];
		rd_kafka_resp_err_t ferr = rd_kafka_fatal_error(rk, why, sizeof why);
		log_error("fatal client error", LS("error", rd_kafka_err2name(ferr)), LS("reason", why));
		kc_fatal = 1;
		kc_stop = SIGTERM;
		return;
	}
	/* Broker connections come and go (a restart, a network blip); librdkafka
	 * reconnects on its own, so these are warnings. */
	log_warn("kafka", LS("error", rd_kafka_err2name(err)), LS("reason", reason));
}

rd_kafka_t *kc_new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
	char err[512];
	rd_kafka_conf_set_log_cb(conf, on_rdkafka_log);
	rd_kafka_conf_set_error_cb(conf, on_rdkafka_error);
	rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
	if (!rk) {
		log_error("cannot create the Kafka client", LS("error", err));
		exit(VP_EXIT_CONFIG);
	}
	return rk;
}

/* Callbacks waiting on the main queue (errors above), without blocking. A
 * consumer's main queue is its consumer queue: nothing is assigned yet when
 * this runs, so no message can come out of it. */
static void serve_events(rd_kafka_t *rk)
{
	if (rd_kafka_type(rk) == RD_KAFKA_CONSUMER) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 0);
		if (m)
			rd_kafka_message_destroy(m);
	} else {
		rd_kafka_poll(rk, 0);
	}
}

const rd_kafka_metadata_t *kc_metadata(rd_kafka_t *rk, const kc_opts *o, const char *topic)
{
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_topic_t *rkt = topic ? rd_kafka_topic_new(rk, topic, NULL) : NULL;
	rd_kafka_resp_err_t err;
	/* In short steps, so that a refused login or certificate (reported
	 * through the error callback) ends the wait at once. */
	double deadline = progress_now() + o->metadata_timeout_ms / 1000.0;
	for (;;) {
		int left = (int)((deadline - progress_now()) * 1000);
		err = rd_kafka_metadata(rk, topic ? 0 : 1, rkt, &md, left < 500 ? (left > 0 ? left : 1) : 500);
		if (!err)
			break;
		serve_events(rk);
		if (kc_denied || kc_stop || progress_now() >= deadline)
			break;
	}
	if (rkt)
		rd_kafka_topic_destroy(rkt);
	if (err) {
		if (!kc_denied)
			log_error("no Kafka broker answered", LS("brokers", o->brokers),
				  LI("timeout_s", o->metadata_timeout_ms / 1000), LS("error", rd_kafka_err2str(err)));
		return NULL;
	}
	return md;
}

int kc_no_metadata_exit(void)
{
	return kc_denied ? VP_EXIT_CONFIG : VP_EXIT_UNAVAILABLE;
}

int main(int argc, char **argv)
{
	kc_opts o = { 0 };
	const char *err;
	int rc;

	cli_init(&o.cli, "kafka-cat", HELP);
	if ((err = kc_parse_args(&o, argc, argv)))
		cli_usage_error(&o.cli, "%s", err);
	if (o.quiet && !log_enabled(LOG_LVL_DEBUG))
		log_set_level("warn");
	switch (o.mode) {
	case KC_MODE_PRODUCE: rc = kc_produce(&o); break;
	case KC_MODE_CONSUME: rc = kc_consume(&o); break;
	default: rc = kc_list(&o); break;
	}
	cli_finish(&o.cli);
	kc_opts_free(&o);
	metrics_reset();
	return rc;
}
