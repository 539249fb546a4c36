/* -P: stdin lines to messages. Idempotent producer with acks=all: librdkafka
 * retries each message until it is acknowledged or message.timeout.ms passes,
 * in order and without duplicates. At EOF or SIGTERM the input stops being
 * read, every queued message is flushed, and every delivery report is waited
 * for; a second SIGTERM gives up on the queue (those messages count as
 * undelivered).
 *
 * A barrier line (vtex-pipes(7), ACKNOWLEDGEMENTS) is never produced. With
 * --ack-to it is written back once every message read before it has its
 * delivery report (settle.h): delivered, or refused for good and written
 * whole to --rejects (fsync'd first). A delivery that failed for a reason
 * that may pass holds back every later barrier: input stops, what is queued
 * is settled, exit 75, and the source sends it all again. */
#include "kc.h"

#include "barrier.h"
#include "envelope.h"
#include "exitcode.h"
#include "json_path.h"
#include "log.h"
#include "ndjson_reader.h"
#include "progress.h"
#include "rejects.h"
#include "settle.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
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
	kc_settle *gate;           /* --ack-to: which barriers may go back */
	ack_sink *sink;
	unsigned long long synced; /* rejects written and fsync'd so far */
	bool stop_input;           /* with --ack-to: a message held back, or an acknowledgement not written */
	bool ack_failed;           /* an acknowledgement or the rejects could not be written: exit 74 */
	kc_header *hdrs;           /* for the rejects' envelopes */
	size_t caphdrs;
	metric *m_in, *m_delivered, *m_failed, *m_rejected, *m_bytes;
} producer;

/* Errors after which the same message can never get through, however often
 * it is sent again: too large (for the client's message.max.bytes, or the
 * broker's or topic's limit), or a record the broker refuses to validate or
 * whose timestamp it does not accept. (CORRUPT_MESSAGE is not one: a CRC
 * broken on the way passes with the next try.) */
static bool refused_for_good(rd_kafka_resp_err_t err)
{
	switch (err) {
	case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
	case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
	case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
	case RD_KAFKA_RESP_ERR_INVALID_RECORD:
	case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
		return true;
	default:
		return false;
	}
}

/* The bytes are valid JSON, to go in a reject's "record" as they are. */
static bool is_json(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!v)
		return false;
	cJSON_Delete(v);
	while (end < text + len && (*end == ' ' || *end == '\t'))
		end++;
	return end == text + len;
}

/* A message Kafka refused for good goes to the rejects whole: with -J its
 * envelope (kafka-cat -P -J takes it back), else its value as the record
 * (as "raw" text when it is not JSON) with "key" beside it. */
static void reject_message(producer *p, unsigned long long lineno, rd_kafka_resp_err_t err, const kc_msg *msg)
{
	buf fields = { 0 }, text = { 0 }, reason = { 0 };
	bool json_ok = true;
	buf_puts(&fields, "\"error\":");
	buf_puts(&fields, "\"");
	buf_puts(&fields, rd_kafka_err2name(err));
	buf_puts(&fields, "\"");
	if (p->o->json) {
		kc_envelope_encode(&text, msg);
	} else {
		buf_puts(&fields, ",\"key\":");
		kc_bytes_encode(&fields, msg->key);
		buf_put(&text, msg->value.data ? msg->value.data : "", msg->value.len);
		json_ok = is_json(buf_cstr(&text), text.len);
	}
	buf_printf(&reason, "refused by Kafka: %s", rd_kafka_err2str(err));
	p->refused++;
	metric_add(p->m_rejected, 1);
	rejects_add_with(p->rej, "-", (size_t)lineno, buf_cstr(&reason), buf_cstr(&fields), buf_cstr(&text), text.len,
			 json_ok);
	buf_free(&fields);
	buf_free(&text);
	buf_free(&reason);
}

/* A message's headers as kc_headers (in p->hdrs), for its envelope. */
static size_t list_headers(producer *p, rd_kafka_headers_t *h)
{
	size_t n = h ? rd_kafka_header_cnt(h) : 0;
	if (n > p->caphdrs) {
		p->caphdrs = n;
		p->hdrs = xrealloc(p->hdrs, n * sizeof *p->hdrs);
	}
	for (size_t i = 0; i < n; i++) {
		const char *name;
		const void *val;
		size_t size;
		rd_kafka_header_get_all(h, i, &name, &val, &size);
		p->hdrs[i] = (kc_header){ { name, strlen(name) }, { val, size } };
	}
	return n;
}

/* --ack-to: a message that may get through on a later try holds back every
 * barrier after it, for good; input stops, and once the queue is settled
 * kafka-cat exits 75 (the source sends everything after its last
 * acknowledged barrier again). */
static void hold(producer *p)
{
	if (!p->stop_input)
		log_error("a message could not be delivered: no barrier after it will be acknowledged; input is "
			  "no longer read, and kafka-cat exits 75 once every queued message has its report");
	p->stop_input = true;
}

/* --ack-to: writes back every barrier whose messages are all settled, the
 * rejects on disk first. */
static void acknowledge_ready(producer *p)
{
	const char *line;
	size_t len;
	while (!p->ack_failed && (line = kc_settle_ready(p->gate, &len))) {
		if (rejects_count(p->rej) != p->synced) {
			if (!rejects_sync(p->rej)) {
				log_error("cannot write the rejects file: no acknowledgement", LS("path", p->o->rejects_path));
				p->ack_failed = p->stop_input = true;
				return;
			}
			p->synced = rejects_count(p->rej);
		}
		if (!ack_sink_write(p->sink, line, len)) {
			p->ack_failed = p->stop_input = true;
			return;
		}
		kc_settle_pop(p->gate);
	}
}

/* Delivery reports arrive on rd_kafka_poll()/flush(), on this thread. The
 * message's opaque is its input line number. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	producer *p = opaque;
	unsigned long long lineno = (unsigned long long)(uintptr_t)m->_private;
	(void)rk;
	if (m->err && p->gate && refused_for_good(m->err)) {
		rd_kafka_headers_t *h = NULL;
		rd_kafka_timestamp_type_t tstype;
		const char *topic = rd_kafka_topic_name(m->rkt);
		if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR)
			h = NULL;
		kc_msg msg = { .topic = topic, .topic_len = strlen(topic), .partition = m->partition, .offset = -1,
			       .timestamp = rd_kafka_message_timestamp(m, &tstype),
			       .key = { m->key, m->key_len }, .value = { m->payload, m->len } };
		msg.nheaders = list_headers(p, h);
		msg.headers = p->hdrs;
		reject_message(p, lineno, m->err, &msg);
		kc_settle_done(p->gate, lineno);
	} else if (m->err) {
		p->failed++;
		metric_add(p->m_failed, 1);
		/* The first few, then every 10,000th: a dead cluster fails them all. */
		if (p->failed <= 5 || p->failed % 10000 == 0)
			log_error("message not delivered", LS("topic", rd_kafka_topic_name(m->rkt)),
				  LI("partition", m->partition), LS("error", rd_kafka_err2str(m->err)),
				  LI("failed_so_far", p->failed));
		if (p->gate)
			hold(p); /* never settled */
		return;
	} else {
		p->delivered++;
		metric_add(p->m_delivered, 1);
		metric_add(p->m_bytes, (double)m->len);
		if (p->gate)
			kc_settle_done(p->gate, lineno);
	}
	if (p->gate && kc_settle_barriers(p->gate))
		acknowledge_ready(p);
}

/* While stdin has nothing for us: serve delivery reports, notice SIGTERM. */
static void while_idle(void *ctx)
{
	producer *p = ctx;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	rd_kafka_poll(p->rk, 0);
	while (!kc_stop && !p->stop_input && poll(&pfd, 1, 100) == 0)
		rd_kafka_poll(p->rk, 0);
	if (p->stop_input)
		kc_close_input(); /* the read that follows sees end of input */
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

/* Queues one message, waiting while librdkafka's queue is full. Its opaque
 * is its line number. */
static void send_msg(producer *p, size_t lineno, const char *topic, int32_t partition,
		 const char *key, size_t klen, const char *val, size_t vlen,
		 rd_kafka_headers_t *hdrs, int64_t ts)
{
	rd_kafka_resp_err_t err;
	void *opaque = (void *)(uintptr_t)lineno;
	for (;;) {
		if (topic)
			err = rd_kafka_producev(p->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
						RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
						RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_TIMESTAMP(ts > 0 ? ts : 0),
						RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
		else if (hdrs || ts > 0)
			err = rd_kafka_producev(p->rk, RD_KAFKA_V_RKT(p->rkt), RD_KAFKA_V_PARTITION(partition),
						RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
						RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_TIMESTAMP(ts > 0 ? ts : 0),
						RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
		else
			err = rd_kafka_produce(p->rkt, partition, RD_KAFKA_MSG_F_COPY, (void *)val, vlen, key, klen, opaque) == 0
				      ? RD_KAFKA_RESP_ERR_NO_ERROR
				      : rd_kafka_last_error();
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			break;
		rd_kafka_poll(p->rk, 50);
	}
	if (err && p->gate && refused_for_good(err)) {
		const char *t = topic ? topic : p->o->topics[0];
		kc_msg msg = { .topic = t, .topic_len = strlen(t), .partition = partition, .offset = -1,
			       .timestamp = ts > 0 ? ts : -1, .key = { key, klen }, .value = { val, vlen } };
		msg.nheaders = list_headers(p, hdrs);
		msg.headers = p->hdrs;
		reject_message(p, lineno, err, &msg);
	} else if (err) {
		p->failed++;
		metric_add(p->m_failed, 1);
		if (p->failed <= 5 || p->failed % 10000 == 0)
			log_error("message not queued", LI("line", lineno), LS("error", rd_kafka_err2str(err)));
		if (p->gate) {
			kc_settle_queued(p->gate, lineno); /* never settled */
			hold(p);
		}
	} else {
		p->queued++;
		if (p->gate)
			kc_settle_queued(p->gate, lineno);
	}
	if (err && hdrs)
		rd_kafka_headers_destroy(hdrs);
}

static void take_line(producer *p, const ndjson_line *l)
{
	kc_opts *o = p->o;
	const char *key = o->key, *val = l->text;
	size_t klen = key ? strlen(key) : 0, vlen = l->len;
	int32_t part = o->partition >= 0 ? o->partition : RD_KAFKA_PARTITION_UA;

	/* A barrier is never a message, nor a record. */
	if (barrier_is(l->text, l->len)) {
		if (!p->gate) {
			log_debug("barrier dropped (no --ack-to)", LI("line", l->lineno));
			return;
		}
		kc_settle_barrier(p->gate, l->lineno, l->text, l->len);
		acknowledge_ready(p);
		return;
	}
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
	if (o->ack_to) {
		p.gate = kc_settle_new();
		p.sink = ack_sink_new(o->ack_to);
	}
	kc_install_signals(true);

	ndjson_reader *r = ndjson_reader_open(STDIN_FILENO, "-");
	ndjson_line l;
	enum ndjson_status st = NDJSON_EOF;
	ndjson_reader_on_idle(r, while_idle, &p);
	progress_start(&p.prog, "messages");
	while (!kc_stop && !p.stop_input && ((st = ndjson_next_line(r, &l)) == NDJSON_OK || st == NDJSON_BAD)) {
		/* Input stopped while this was read: the source sends it again. */
		if (p.stop_input)
			break;
		if (st == NDJSON_BAD) { /* overlong */
			metric_add(p.m_in, 1);
			reject(&p, l.lineno, l.reason, l.text, l.len, false);
			continue;
		}
		/* A signal ends input mid-line: that piece is not a whole record. */
		if (kc_stop && l.unterminated) {
			if (!barrier_is(l.text, l.len)) {
				metric_add(p.m_in, 1);
				reject(&p, l.lineno, "line cut short by the stop signal", l.text, l.len, false);
			}
			break;
		}
		take_line(&p, &l);
	}
	if (!kc_stop && !p.stop_input && st == NDJSON_IOERR) {
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
	if (p.gate)
		acknowledge_ready(&p);

	unsigned long long undelivered = p.failed;
	log_info("done", LI("lines", metric_value(p.m_in)), LI("delivered", p.delivered),
		 LI("undelivered", undelivered), LI("rejected", p.refused));
	if (p.gate)
		log_info("acknowledgements", LI("written", ack_sink_count(p.sink)),
			 LI("held_back", kc_settle_barriers(p.gate)));
	if (undelivered) {
		log_error("some messages were not delivered", LI("undelivered", undelivered),
			  LI("delivered", p.delivered));
		rc = kc_denied ? VP_EXIT_CONFIG : VP_EXIT_TEMPFAIL;
	}
	if (p.ack_failed && !kc_denied)
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	if (!rejects_close(p.rej)) {
		log_error("cannot write the rejects file", LS("path", o->rejects_path));
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	}
	if (p.refused)
		rc = vp_exit_worst(rc, VP_EXIT_REJECTS);
	if (p.rkt)
		rd_kafka_topic_destroy(p.rkt);
	rd_kafka_destroy(p.rk);
	kc_settle_free(p.gate);
	ack_sink_free(p.sink);
	free(p.hdrs);
	buf_free(&p.keybuf);
	return rc;
}
