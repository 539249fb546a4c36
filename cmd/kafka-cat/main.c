/* kafka-cat: a librdkafka producer and consumer for NDJSON pipelines, with
 * kcat's flags where kcat has one: -P (each stdin line one message, keyed by a
 * JSON field or a delimiter; idempotent, acks=all, every delivery report
 * awaited), -C (a consumer group or chosen partitions and offsets; an offset
 * is committed only once its line is written and flushed), -L (metadata).
 * This file is the entry point only: the client code the modes share is
 * client.c's. */
#include "kc.h"

#include "log.h"

int main(int argc, char **argv)
{
	kc_opts o = { 0 };
	int rc;

	cli_init(&o.cli, "kafka-cat");
	kc_parse_args(&o, argc, argv);
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
