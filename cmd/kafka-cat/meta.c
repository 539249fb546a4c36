/* -L: brokers, topics and partitions, as kcat prints them, or with -J as one
 * JSON object. */
#include "kc.h"

#include "buf.h"
#include "exitcode.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

static void ids_json(buf *b, const int32_t *ids, int n)
{
	buf_putc(b, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		buf_put_i64(b, ids[i]);
	}
	buf_putc(b, ']');
}

static void ids_text(const int32_t *ids, int n)
{
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", ids[i]);
}

int kc_list(kc_opts *o)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	kc_conf_set(conf, "bootstrap.servers", o->brokers);
	kc_conf_set(conf, "client.id", "kafka-cat");
	kc_conf_apply(conf, o);
	rd_kafka_t *rk = kc_new_client(RD_KAFKA_PRODUCER, conf);
	const rd_kafka_metadata_t *md = kc_metadata(rk, o, o->ntopics ? o->topics[0] : NULL);
	if (!md) {
		rd_kafka_destroy(rk);
		return kc_no_metadata_exit();
	}
	if (o->json) {
		buf b = { 0 };
		buf_puts(&b, "{\"originating_broker\":{\"id\":");
		buf_put_i64(&b, md->orig_broker_id);
		buf_puts(&b, ",\"name\":");
		buf_json_string(&b, md->orig_broker_name, strlen(md->orig_broker_name));
		buf_puts(&b, "},\"brokers\":[");
		for (int i = 0; i < md->broker_cnt; i++) {
			buf_puts(&b, i ? ",{\"id\":" : "{\"id\":");
			buf_put_i64(&b, md->brokers[i].id);
			buf_puts(&b, ",\"name\":");
			buf_printf(&b, "\"%s:%d\"}", md->brokers[i].host, md->brokers[i].port);
		}
		buf_puts(&b, "],\"topics\":[");
		for (int i = 0; i < md->topic_cnt; i++) {
			const rd_kafka_metadata_topic_t *t = &md->topics[i];
			buf_puts(&b, i ? ",{\"topic\":" : "{\"topic\":");
			buf_json_string(&b, t->topic, strlen(t->topic));
			if (t->err) {
				buf_puts(&b, ",\"error\":");
				const char *e = rd_kafka_err2str(t->err);
				buf_json_string(&b, e, strlen(e));
			}
			buf_puts(&b, ",\"partitions\":[");
			for (int j = 0; j < t->partition_cnt; j++) {
				const rd_kafka_metadata_partition_t *p = &t->partitions[j];
				buf_printf(&b, "%s{\"partition\":%d,\"leader\":%d,\"replicas\":", j ? "," : "", p->id, p->leader);
				ids_json(&b, p->replicas, p->replica_cnt);
				buf_puts(&b, ",\"isrs\":");
				ids_json(&b, p->isrs, p->isr_cnt);
				buf_putc(&b, '}');
			}
			buf_puts(&b, "]}");
		}
		buf_puts(&b, "]}\n");
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	} else {
		printf("Metadata for %s (from broker %d: %s):\n", o->ntopics ? o->topics[0] : "all topics",
		       md->orig_broker_id, md->orig_broker_name);
		printf(" %d brokers:\n", md->broker_cnt);
		for (int i = 0; i < md->broker_cnt; i++)
			printf("  broker %d at %s:%d\n", md->brokers[i].id, md->brokers[i].host, md->brokers[i].port);
		printf(" %d topics:\n", md->topic_cnt);
		for (int i = 0; i < md->topic_cnt; i++) {
			const rd_kafka_metadata_topic_t *t = &md->topics[i];
			printf("  topic \"%s\" with %d partitions:", t->topic, t->partition_cnt);
			if (t->err)
				printf(" %s", rd_kafka_err2str(t->err));
			printf("\n");
			for (int j = 0; j < t->partition_cnt; j++) {
				const rd_kafka_metadata_partition_t *p = &t->partitions[j];
				printf("    partition %d, leader %d, replicas: ", p->id, p->leader);
				ids_text(p->replicas, p->replica_cnt);
				printf(", isrs: ");
				ids_text(p->isrs, p->isr_cnt);
				printf("\n");
			}
		}
	}
	int rc = VP_EXIT_OK;
	if (o->ntopics && md->topic_cnt == 1 && md->topics[0].err)
		rc = VP_EXIT_UNAVAILABLE;
	rd_kafka_metadata_destroy(md);
	rd_kafka_destroy(rk);
	if (fflush(stdout) != 0)
		return VP_EXIT_IOERR;
	return rc;
}
