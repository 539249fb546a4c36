/* -P: stdin lines to messages. Idempotent producer with acks=all: librdkafka
 * retries each message until it is acknowledged or message.timeout.ms passes,
 * in order and without duplicates. At EOF or SIGTERM the input stops being
 * read, every queued message is flushed, and every delivery report is waited
 * for; a second SIGTERM gives up on the queue (those messages count as
 * undelivered). */
#include "kc.h"

#include "envelope.h"
#include "exitcode.h"
#include "json_path.h"
#include "log.h"
#include "ndjson_reader.h"
#include "progress.h"
#include "rejects.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	kc_opts *o;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;     /* -t's topic */
	rejects *rej;
	progress prog;
	unsigned long long queued, delivered, failed, refused;
	buf keybuf;
	metric *m_in, *m_delivered, *m_failed, *m_rejected, *m_bytes;
} producer;

/* Delivery reports arrive on rd_kafka_poll()/flush(), on this thread. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	producer *p = opaque;
	(void)rk;
	if (m->err) {
		p->failed++;
		metric_add(p->m_failed, 1);
		/* The first few, then every 10,000th: a dead cluster fails them all. */
		if (p->failed <= 5 || p->failed % 10000 == 0)
			log_error("message not delivered", LS("topic", rd_kafka_topic_name(m->rkt)),
				  LI("partition", m->partition), LS("error", rd_kafka_err2str(m->err)),
				  LI("failed_so_far", p->failed));
		return;
	}
	p->delivered++;
	metric_add(p->m_delivered, 1);
	metric_add(p->m_bytes, (double)m->len);
}

/* While stdin has nothing for us: serve delivery reports, notice SIGTERM. */
static void while_idle(void *ctx)
{
	producer *p = ctx;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	rd_kafka_poll(p->rk, 0);
	while (!kc_stop && poll(&pfd, 1, 100) == 0)
		rd_kafka_poll(p->rk, 0);
}

static void reject(producer *p, size_t lineno, const char *why, const char *text, size_t len, bool json_ok)
{
	p->refused++;
	metric_add(p->m_rejected, 1);
	rejects_add(p->rej, "-", lineno, why, text, len, json_ok);
}

static rd_kafka_headers_t *make_headers(const kc_kvlist *fixed, const kc_msg *env)
{
	size_t n = fixed->n + (env ? env->nheaders : 0);
	if (!n)
		return NULL;
	rd_kafka_headers_t *h = rd_kafka_headers_new(n);
	if (env)
		for (size_t i = 0; i < env->nheaders; i++)
			rd_kafka_header_add(h, env->headers[i].name.data, (ssize_t)env->headers[i].name.len,
					    env->headers[i].value.data, (ssize_t)env->headers[i].value.len);
	for (size_t i = 0; i < fixed->n; i++)
		rd_kafka_header_add(h, fixed->v[i].name, -1, fixed->v[i].value, -1);
	return h;
}

/* Queues one message, waiting while librdkafka's queue is full. */
static void send_msg(producer *p, size_t lineno, const char *topic, int32_t partition,
		 const char *key, size_t klen, const char *val, size_t vlen,
		 rd_kafka_headers_t *hdrs, int64_t ts)
{
	rd_kafka_resp_err_t err;
	for (;;) {
		if (topic)
			err = rd_kafka_producev(p->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
						RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
						RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_TIMESTAMP(ts > 0 ? ts : 0),
						RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(NULL), RD_KAFKA_V_END);
		else if (hdrs || ts > 0)
			err = rd_kafka_producev(p->rk, RD_KAFKA_V_RKT(p->rkt), RD_KAFKA_V_PARTITION(partition),
						RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
						RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_TIMESTAMP(ts > 0 ? ts : 0),
						RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
		else
			err = rd_kafka_produce(p->rkt, partition, RD_KAFKA_MSG_F_COPY, (void *)val, vlen, key, klen, NULL) == 0
				      ? RD_KAFKA_RESP_ERR_NO_ERROR
				      : rd_kafka_last_error();
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			break;
		rd_kafka_poll(p->rk, 50);
	}
	if (err) {
		if (hdrs)
			rd_kafka_headers_destroy(hdrs);
		p->failed++;
		metric_add(p->m_failed, 1);
		if (p->failed <= 5 || p->failed % 10000 == 0)
			log_error("message not queued", LI("line", lineno), LS("error", rd_kafka_err2str(err)));
		return;
	}
	p->queued++;
}

static void take_line(producer *p, const ndjson_line *l)
{
	kc_opts *o = p->o;
	const char *key = o->key, *val = l->text;
	size_t klen = key ? strlen(key) : 0, vlen = l->len;
	int32_t part = o->partition >= 0 ? o->partition : RD_KAFKA_PARTITION_UA;

	metric_add(p->m_in, 1);
	progress_add(&p->prog, 1);
	if (o->json) {
		kc_envelope e;
		const char *why = kc_envelope_decode(&e, l->text, l->len);
		if (why) {
			reject(p, l->lineno, why, l->text, l->len, false);
			return;
		}
		const char *topic = o->ntopics ? NULL : e.msg.topic;
		if (!o->ntopics && !topic) {
			kc_envelope_free(&e);
			reject(p, l->lineno, "envelope: no topic, and no -t", l->text, l->len, true);
			return;
		}
		if (o->partition < 0 && e.msg.partition >= 0)
			part = e.msg.partition;
		send_msg(p, l->lineno, topic, part, e.msg.key.data, e.msg.key.len, e.msg.value.data,
		     e.msg.value.len, make_headers(&o->headers, &e.msg), e.msg.timestamp);
		kc_envelope_free(&e);
		return;
	}
	if (o->key_delim) {
		size_t dl = strlen(o->key_delim);
		const char *d = dl <= l->len ? memmem(l->text, l->len, o->key_delim, dl) : NULL;
		if (d) {
			key = l->text;
			klen = (size_t)(d - l->text);
			val = d + dl;
			vlen = l->len - klen - dl;
		}
	} else if (o->key_field) {
		const char *why = NULL;
		cJSON *obj = ndjson_parse_object(l->text, l->len, &why);
		if (!obj) {
			reject(p, l->lineno, why, l->text, l->len, false);
			return;
		}
		const cJSON *k = json_path_get(obj, o->key_field);
		p->keybuf.len = 0;
		if (cJSON_IsString(k))
			buf_puts(&p->keybuf, k->valuestring);
		else if (cJSON_IsNumber(k) || cJSON_IsBool(k))
			json_write(&p->keybuf, k);
		else
			why = k ? "the key field is not a string, number or boolean" : "no key field in the record";
		cJSON_Delete(obj);
		if (why) {
			reject(p, l->lineno, why, l->text, l->len, true);
			return;
		}
		key = buf_cstr(&p->keybuf);
		klen = p->keybuf.len;
	}
	send_msg(p, l->lineno, NULL, part, key, klen, val, vlen, make_headers(&o->headers, NULL), 0);
	if ((p->queued & 1023) == 0)
		rd_kafka_poll(p->rk, 0);
}

static void init_metrics(producer *p)
{
	static const char *help = "Records by outcome.";
	static const char *mhelp = "Kafka messages by outcome.";
	p->m_in = metrics_counter("vtex_pipes_records_total", help, "outcome=\"in\"");
	p->m_rejected = metrics_counter("vtex_pipes_records_total", help, "outcome=\"rejected\"");
	p->m_delivered = metrics_counter("vtex_pipes_kafka_messages_total", mhelp, "mode=\"produce\",outcome=\"delivered\"");
	p->m_failed = metrics_counter("vtex_pipes_kafka_messages_total", mhelp, "mode=\"produce\",outcome=\"failed\"");
	p->m_bytes = metrics_counter("vtex_pipes_kafka_bytes_total", "Message value bytes delivered or consumed.",
				     "mode=\"produce\"");
}

int kc_produce(kc_opts *o)
{
	producer p = { .o = o };
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	int rc = VP_EXIT_OK;

	init_metrics(&p);
	kc_conf_set(conf, "bootstrap.servers", o->brokers);
	kc_conf_set(conf, "client.id", "kafka-cat");
	kc_conf_set(conf, "enable.idempotence", "true");
	kc_conf_set(conf, "acks", "all");
	/* The Java client's partitioner: a key lands where Java producers put it. */
	kc_conf_set(conf, "partitioner", "murmur2_random");
	kc_conf_set(conf, "linger.ms", "5");
	kc_conf_apply(conf, o);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, &p);
	p.rk = kc_new_client(RD_KAFKA_PRODUCER, conf);

	const rd_kafka_metadata_t *md = kc_metadata(p.rk, o, NULL);
	if (!md) {
		rd_kafka_destroy(p.rk);
		return kc_no_metadata_exit();
	}
	rd_kafka_metadata_destroy(md);
	if (o->ntopics)
		p.rkt = rd_kafka_topic_new(p.rk, o->topics[0], NULL);
	p.rej = rejects_open(o->rejects_path, "kafka-cat");
	if (!p.rej) {
		log_error("cannot open the rejects file", LS("path", o->rejects_path), LS("error", strerror(errno)));
		rd_kafka_destroy(p.rk);
		return VP_EXIT_IOERR;
	}
	kc_install_signals(true);

	ndjson_reader *r = ndjson_reader_open(STDIN_FILENO, "-");
	ndjson_line l;
	enum ndjson_status st = NDJSON_EOF;
	ndjson_reader_on_idle(r, while_idle, &p);
	progress_start(&p.prog, "messages");
	while (!kc_stop && (st = ndjson_next_line(r, &l)) == NDJSON_OK) {
		/* A signal ends input mid-line: that piece is not a whole record. */
		if (kc_stop && l.unterminated) {
			metric_add(p.m_in, 1);
			reject(&p, l.lineno, "line cut short by the stop signal", l.text, l.len, false);
			break;
		}
		take_line(&p, &l);
	}
	if (!kc_stop && st == NDJSON_IOERR) {
		log_error("cannot read input", LS("error", strerror(errno)));
		rc = VP_EXIT_IOERR;
	}
	ndjson_reader_close(r);
	progress_end(&p.prog);
	if (kc_stop)
		log_info("stopping: input closed, delivering what is queued", LI("signal", kc_stop));

	/* Every queued message ends in a delivery report: delivered, or failed
	 * after message.timeout.ms. */
	double started = progress_now(), told = started;
	bool purged = false;
	while (rd_kafka_outq_len(p.rk) > 0) {
		if ((kc_stop_twice || kc_denied) && !purged) {
			if (!kc_denied)
				log_warn("second signal: giving up on the messages still queued");
			rd_kafka_purge(p.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
			purged = true;
		}
		rd_kafka_flush(p.rk, 100);
		if (progress_now() - told >= 5) {
			told = progress_now();
			log_info("waiting for delivery reports", LI("pending", rd_kafka_outq_len(p.rk)),
				 LI("waited_s", told - started));
		}
	}
	rd_kafka_poll(p.rk, 0);

	unsigned long long undelivered = p.failed;
	log_info("done", LI("lines", metric_value(p.m_in)), LI("delivered", p.delivered),
		 LI("undelivered", undelivered), LI("rejected", p.refused));
	if (undelivered) {
		log_error("some messages were not delivered", LI("undelivered", undelivered),
			  LI("delivered", p.delivered));
		rc = kc_denied ? VP_EXIT_CONFIG : VP_EXIT_TEMPFAIL;
	}
	if (!rejects_close(p.rej)) {
		log_error("cannot write the rejects file", LS("path", o->rejects_path));
		if (rc == VP_EXIT_OK)
			rc = VP_EXIT_IOERR;
	}
	if (rc == VP_EXIT_OK && p.refused)
		rc = VP_EXIT_REJECTS;
	if (p.rkt)
		rd_kafka_topic_destroy(p.rkt);
	rd_kafka_destroy(p.rk);
	buf_free(&p.keybuf);
	return rc;
}
