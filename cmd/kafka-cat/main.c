/* kafka-cat: a librdkafka producer and consumer for NDJSON pipelines, with
 * kcat's flags where kcat has one: -P (each stdin line one message, keyed by a
 * JSON field or a delimiter; idempotent, acks=all, every delivery report
 * awaited), -C (a consumer group or chosen partitions and offsets; an offset
 * is committed only once its line is written and flushed), -L (metadata).
 * This file is the entry point only: the client code the modes share is
 * client.c's. */
#include "kc.h"

#include "log.h"

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
