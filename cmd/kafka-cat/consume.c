/* -C: messages to stdout lines. At-least-once: an offset is committed only
 * after the line of its message has been written and flushed (offsets are
 * tracked here, never auto-stored; commits are explicit). Flushes happen
 * whenever the consumer has nothing more at hand, and before every commit;
 * commits at most every --commit-interval-ms, before partitions are revoked
 * in a rebalance, and at exit. A consumer killed outright re-reads, after a
 * restart, what it wrote since its last commit: duplicates, never a gap.
 *
 * With --ack-from, "written and flushed" becomes "acknowledged by the pipe's
 * last stage": barriers go out between the lines (ackfrom.h), and only the
 * offsets a returned barrier covers are committed; before a revocation and
 * at the end the consumer waits (--ack-timeout) for its barriers to return. */
#include "buf.h"
#include "kc.h"

#include "ackfrom.h"
#include "envelope.h"
#include "exitcode.h"
#include "log.h"
#include "metrics_http.h"
#include "ndjson_writer.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	kc_opts *o;
	rd_kafka_t *rk;
	ndjson_writer *w;
	progress prog;
	bool committing;                         /* a group, or -X group.id */
	rd_kafka_topic_partition_list_t *written; /* next offset per partition, written (maybe not flushed) */
	bool dirty;                               /* the commit list has offsets not yet committed */
	kc_acks *acks;                            /* --ack-from: the commit list is the acknowledged one */
	bool fresh;                               /* with acks: written moved since the last barrier */
	bool closing;                             /* with acks: output closed, no barrier any more */
	bool ack_error;                           /* the acknowledgement FIFO could not be read */
	rd_kafka_topic_partition_list_t *assigned;/* for -e: offset field = 1 once at end */
	bool ever_assigned;
	unsigned long long consumed;
	double last_commit;
	double last_lag;                          /* when the lag gauges were last set */
	kc_msg msg;
	kc_header *hdrs;
	size_t caphdrs;
	metric *m_out, *m_consumed, *m_bytes, *m_commits, *m_commit_fail, *m_rebalances;
} consumer;

static void commit_now(consumer *c, bool sync)
{
	rd_kafka_topic_partition_list_t *l = c->acks ? kc_acks_acked(c->acks) : c->written;
	if (!c->committing || !c->dirty || l->cnt == 0) {
		c->last_commit = progress_now();
		return;
	}
	ndjson_writer_flush(c->w);
	rd_kafka_resp_err_t err = rd_kafka_commit(c->rk, l, sync ? 0 : 1);
	c->dirty = false;
	c->last_commit = progress_now();
	if (sync) {
		if (err) {
			c->dirty = true;
			metric_add(c->m_commit_fail, 1);
			log_warn("offset commit failed", LS("error", rd_kafka_err2str(err)));
		} else {
			metric_add(c->m_commits, 1);
		}
	} else if (err) {
		c->dirty = true;
		log_warn("offset commit not sent", LS("error", rd_kafka_err2str(err)));
	}
}

/* Results of asynchronous commits (served by consumer_poll). */
static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
	consumer *c = opaque;
	(void)rk;
	if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
		return;
	if (err) {
		c->dirty = true; /* retried with the next commit */
		metric_add(c->m_commit_fail, 1);
		log_warn("offset commit failed", LS("error", rd_kafka_err2str(err)));
		return;
	}
	metric_add(c->m_commits, 1);
	if (log_enabled(LOG_LVL_DEBUG) && offsets) {
		buf b = { 0 };
		for (int i = 0; i < offsets->cnt; i++)
			buf_printf(&b, "%s%s:%d=%lld", i ? " " : "", offsets->elems[i].topic,
				   (int)offsets->elems[i].partition, (long long)offsets->elems[i].offset);
		log_debug("offsets committed", LS("offsets", buf_cstr(&b)));
		buf_free(&b);
	}
}

static void forget(rd_kafka_topic_partition_list_t *l, const rd_kafka_topic_partition_list_t *parts)
{
	for (int i = 0; i < parts->cnt; i++)
		rd_kafka_topic_partition_list_del(l, parts->elems[i].topic, parts->elems[i].partition);
}

/* The lag gauge of one partition (see update_lag). */
static metric *lag_metric(const consumer *c, const char *topic, int32_t partition)
{
	buf lab = { 0 };
	buf_printf(&lab, "group=\"%s\",topic=\"%s\",partition=\"%d\"", c->o->group ? c->o->group : "", topic,
		   (int)partition);
	metric *m = metrics_gauge("vtex_pipes_kafka_consumer_lag_messages",
				  "Messages in the partition after the consumer's position.", buf_cstr(&lab));
	buf_free(&lab);
	return m;
}

/* --ack-from: a barrier covering the offsets written so far. */
static void emit_barrier(consumer *c)
{
	kc_acks_emit(c->acks, c->w, c->fresh ? c->written : NULL);
	c->fresh = false;
}

/* --ack-from, between polls: a barrier when one is due, the acknowledgements
 * waiting, a commit of the offsets they brought (a failed commit is tried
 * again a second later). False when the FIFO cannot be read. */
static bool ack_step(consumer *c)
{
	double now = progress_now();
	if (kc_acks_due(c->acks, now))
		emit_barrier(c);
	int n = kc_acks_take(c->acks);
	if (n < 0) {
		c->ack_error = true;
		return false;
	}
	if (n > 0 || (c->dirty && now - c->last_commit >= 1)) {
		c->dirty = c->dirty || n > 0;
		commit_now(c, false);
	}
	kc_acks_check_stalled(c->acks, now);
	return true;
}

/* --ack-from, before partitions are revoked: a barrier, and the wait for it
 * (--ack-timeout), so that what the pipe made durable is committed while
 * this member still owns them and the next owner starts after it. */
static void ack_before_revoke(consumer *c)
{
	int got;
	emit_barrier(c);
	int r = kc_acks_wait(c->acks, (int)(c->o->ack_timeout_s * 1000), &got);
	if (got)
		c->dirty = true;
	if (r < 0) {
		c->ack_error = true;
		kc_stop = SIGTERM;
	} else if (r == 0) {
		log_warn("partitions revoked before their last barrier came back: what it covers is not committed "
			 "and their next owner reads it again",
			 LI("pending", kc_acks_pending(c->acks)), LI("timeout_s", c->o->ack_timeout_s));
	}
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	consumer *c = opaque;
	bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	metric_add(c->m_rebalances, 1);
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		log_info("partitions assigned", LI("count", parts->cnt), LI("first", parts->cnt ? parts->elems[0].partition : -1));
		for (int i = 0; i < parts->cnt; i++)
			if (!rd_kafka_topic_partition_list_find(c->assigned, parts->elems[i].topic, parts->elems[i].partition))
				rd_kafka_topic_partition_list_add(c->assigned, parts->elems[i].topic, parts->elems[i].partition)->offset = 0;
		c->ever_assigned = true;
		if (cooperative)
			rd_kafka_incremental_assign(rk, parts);
		else
			rd_kafka_assign(rk, parts);
		return;
	}
	/* Revoked (or lost): what was written for them is flushed and committed
	 * while this member still owns them, so the next owner starts after it. */
	log_info("partitions revoked", LI("count", parts->cnt));
	if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !rd_kafka_assignment_lost(rk)) {
		if (c->acks && !c->closing)
			ack_before_revoke(c);
		commit_now(c, true);
	}
	forget(c->written, parts);
	if (c->acks)
		kc_acks_forget(c->acks, parts);
	forget(c->assigned, parts);
	/* Their lag is the next owner's to report: a scrape summing the group's
	 * lag must not count it twice (the series stays, at 0). */
	for (int i = 0; i < parts->cnt; i++)
		metric_set(lag_metric(c, parts->elems[i].topic, parts->elems[i].partition), 0);
	if (cooperative)
		rd_kafka_incremental_unassign(rk, parts);
	else
		rd_kafka_assign(rk, NULL);
}

static bool all_at_end(const consumer *c)
{
	if (!c->ever_assigned || c->assigned->cnt == 0)
		return false;
	for (int i = 0; i < c->assigned->cnt; i++)
		if (c->assigned->elems[i].offset != 1)
			return false;
	return true;
}

static void set_at_end(consumer *c, const char *topic, int32_t partition, bool at_end)
{
	rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(c->assigned, topic, partition);
	if (tp)
		tp->offset = at_end ? 1 : 0;
}

static void write_message(consumer *c, const rd_kafka_message_t *m)
{
	buf *out = ndjson_line_buf(c->w);
	if (!c->o->json) {
		buf_put(out, m->payload, m->len);
	} else {
		const char *topic = rd_kafka_topic_name(m->rkt);
		rd_kafka_headers_t *h = NULL;
		rd_kafka_timestamp_type_t tstype;
		kc_msg *e = &c->msg;
		e->topic = topic;
		e->topic_len = strlen(topic);
		e->partition = m->partition;
		e->offset = m->offset;
		e->timestamp = rd_kafka_message_timestamp(m, &tstype);
		e->key = (kc_bytes){ m->key, m->key_len };
		e->value = (kc_bytes){ m->payload, m->len };
		e->nheaders = 0;
		if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR && h) {
			size_t n = rd_kafka_header_cnt(h);
			if (n > c->caphdrs) {
				c->caphdrs = n;
				c->hdrs = xrealloc(c->hdrs, n * sizeof *c->hdrs);
			}
			for (size_t i = 0; i < n; i++) {
				const char *name;
				const void *val;
				size_t size;
				rd_kafka_header_get_all(h, i, &name, &val, &size);
				c->hdrs[i] = (kc_header){ { name, strlen(name) }, { val, size } };
			}
			e->nheaders = n;
		}
		e->headers = c->hdrs;
		kc_envelope_encode(out, e);
	}
	ndjson_end_line(c->w);
	metric_add(c->m_bytes, (double)m->len);
}

static void track(consumer *c, const rd_kafka_message_t *m)
{
	const char *topic = rd_kafka_topic_name(m->rkt);
	rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(c->written, topic, m->partition);
	if (!tp)
		tp = rd_kafka_topic_partition_list_add(c->written, topic, m->partition);
	tp->offset = m->offset + 1;
	if (c->acks)
		c->fresh = true;
	else
		c->dirty = true;
}

/* vtex_pipes_kafka_consumer_lag_messages per assigned partition: the
 * partition's high watermark (as of the last fetch, no broker call) minus the
 * consumer's position. Set at most once a second. */
static void update_lag(consumer *c)
{
	double now = progress_now();
	if (now - c->last_lag < 1 || c->assigned->cnt == 0)
		return;
	c->last_lag = now;
	rd_kafka_topic_partition_list_t *pos = rd_kafka_topic_partition_list_copy(c->assigned);
	if (rd_kafka_position(c->rk, pos) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		for (int i = 0; i < pos->cnt; i++) {
			int64_t lo, hi;
			const rd_kafka_topic_partition_t *p = &pos->elems[i];
			if (p->offset < 0 ||
			    rd_kafka_get_watermark_offsets(c->rk, p->topic, p->partition, &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR ||
			    hi < 0)
				continue;
			metric_set(lag_metric(c, p->topic, p->partition), (double)(hi > p->offset ? hi - p->offset : 0));
		}
	}
	rd_kafka_topic_partition_list_destroy(pos);
}

/* Without -G: the partitions of -t (or -p's) at -o's offset. */
static int assign_partitions(consumer *c)
{
	kc_opts *o = c->o;
	const char *topic = o->topics[0];
	const rd_kafka_metadata_t *md = kc_metadata(c->rk, o, topic);
	if (!md)
		return kc_no_metadata_exit();
	const rd_kafka_metadata_topic_t *t = md->topic_cnt == 1 ? &md->topics[0] : NULL;
	if (!t || t->err) {
		log_error("no such topic", LS("topic", topic),
			  LS("error", rd_kafka_err2str(t ? t->err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)));
		rd_kafka_metadata_destroy(md);
		return VP_EXIT_UNAVAILABLE;
	}
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(t->partition_cnt);
	for (int i = 0; i < t->partition_cnt; i++)
		if (o->partition < 0 || t->partitions[i].id == o->partition)
			rd_kafka_topic_partition_list_add(l, topic, t->partitions[i].id);
	rd_kafka_metadata_destroy(md);
	if (l->cnt == 0) {
		log_error("no such partition", LS("topic", topic), LI("partition", o->partition));
		rd_kafka_topic_partition_list_destroy(l);
		return VP_EXIT_UNAVAILABLE;
	}
	for (int i = 0; i < l->cnt; i++) {
		int64_t off;
		switch (o->offset.kind) {
		case KC_OFF_BEGINNING: off = RD_KAFKA_OFFSET_BEGINNING; break;
		case KC_OFF_END: off = RD_KAFKA_OFFSET_END; break;
		case KC_OFF_STORED: off = RD_KAFKA_OFFSET_STORED; break;
		case KC_OFF_ABS: off = o->offset.value; break;
		case KC_OFF_TAIL: off = RD_KAFKA_OFFSET_TAIL(o->offset.value); break;
		default: off = o->offset.value; break; /* KC_OFF_TIME: looked up below */
		}
		l->elems[i].offset = off;
	}
	if (o->offset.kind == KC_OFF_TIME) {
		rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(c->rk, l, o->metadata_timeout_ms);
		if (err) {
			log_error("cannot look up offsets by time", LS("error", rd_kafka_err2str(err)));
			rd_kafka_topic_partition_list_destroy(l);
			return VP_EXIT_UNAVAILABLE;
		}
		for (int i = 0; i < l->cnt; i++)
			if (l->elems[i].offset < 0) /* no message that late: start at the end */
				l->elems[i].offset = RD_KAFKA_OFFSET_END;
	}
	for (int i = 0; i < l->cnt; i++)
		rd_kafka_topic_partition_list_add(c->assigned, topic, l->elems[i].partition)->offset = 0;
	c->ever_assigned = true;
	rd_kafka_resp_err_t err = rd_kafka_assign(c->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (err) {
		log_error("cannot assign partitions", LS("error", rd_kafka_err2str(err)));
		return VP_EXIT_UNAVAILABLE;
	}
	return VP_EXIT_OK;
}

/* Standard output goes (its pipe sees end of file and drains) while the
 * process waits on: /dev/null takes the descriptor's place. */
static void close_output(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	} else {
		close(STDOUT_FILENO);
	}
}

/* --ack-from, at the end: a last barrier, the output closed so that the pipe
 * drains, the acknowledgements waited for (--ack-timeout), a commit of what
 * they brought. Returns the exit status: 75 when some barrier did not come
 * back in time (nothing is lost: the next run reads those messages again),
 * 74 when the FIFO could not be read. After a fatal client error nothing can
 * be committed any more: no wait. */
static int ack_finish(consumer *c)
{
	int r = -1, got = 0;
	c->closing = true;
	if (kc_fatal)
		return VP_EXIT_TEMPFAIL;
	if (!c->ack_error) {
		emit_barrier(c);
		close_output();
		log_info("output closed, waiting for the last acknowledgements", LI("pending", kc_acks_pending(c->acks)),
			 LI("timeout_s", c->o->ack_timeout_s));
		r = kc_acks_wait(c->acks, (int)(c->o->ack_timeout_s * 1000), &got);
		if (got)
			c->dirty = true;
	}
	commit_now(c, true);
	if (r < 0)
		return VP_EXIT_IOERR;
	if (r == 0) {
		log_warn("not every barrier came back in time: the messages they cover are not committed, "
			 "the next run reads them again",
			 LI("pending", kc_acks_pending(c->acks)), LI("timeout_s", c->o->ack_timeout_s));
		return VP_EXIT_TEMPFAIL;
	}
	return VP_EXIT_OK;
}

static void init_metrics(consumer *c)
{
	static const char *mhelp = "Kafka messages by outcome.";
	c->m_out = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"out\"");
	c->m_consumed = metrics_counter("vtex_pipes_kafka_messages_total", mhelp, "mode=\"consume\",outcome=\"consumed\"");
	c->m_bytes = metrics_counter("vtex_pipes_kafka_bytes_total", "Message value bytes delivered or consumed.", "mode=\"consume\"");
	c->m_commits = metrics_counter("vtex_pipes_kafka_commits_total", "Offset commits by outcome.", "outcome=\"ok\"");
	c->m_commit_fail = metrics_counter("vtex_pipes_kafka_commits_total", "Offset commits by outcome.", "outcome=\"failed\"");
	c->m_rebalances = metrics_counter("vtex_pipes_kafka_rebalances_total", "Partition assignments and revocations.", "");
}

int kc_consume(kc_opts *o)
{
	consumer c = { .o = o };
	rd_kafka_conf_t *conf;
	metrics_http *mh = NULL;
	int rc = VP_EXIT_OK;

	if (o->group && o->offset_given && o->offset.kind != KC_OFF_BEGINNING && o->offset.kind != KC_OFF_END &&
	    o->offset.kind != KC_OFF_STORED)
		cli_usage_error(&o->cli, "-o with -G: beginning or end (where a group without a committed offset starts)");
	init_metrics(&c);
	if (o->metrics_listen) {
		char url[160];
		if (!(mh = metrics_http_start(o->metrics_listen, url, sizeof url)))
			return VP_EXIT_UNAVAILABLE;
		log_info("serving metrics", LS("url", url), LS("paths", "/metrics /healthz"));
	}
	conf = rd_kafka_conf_new();
	c.committing = o->group || kc_props_has(o, "group.id");
	kc_conf_set(conf, "bootstrap.servers", o->brokers);
	kc_conf_set(conf, "client.id", "kafka-cat");
	if (o->group) {
		kc_conf_set(conf, "group.id", o->group);
		/* A member that subscribed before its topic existed (the consumer of
		 * a flow started before its producer) sees the topic only at the next
		 * metadata refresh: librdkafka's 5 minutes left it idle that long. */
		kc_conf_set(conf, "topic.metadata.refresh.interval.ms", "10000");
	} else {
		/* librdkafka 2.0 wants a group.id even to assign partitions by hand;
		 * this one never joins, never commits (-X group.id=... replaces it). */
		char id[64];
		snprintf(id, sizeof id, "kafka-cat-%ld", (long)getpid());
		kc_conf_set(conf, "group.id", id);
	}
	kc_conf_set(conf, "enable.auto.commit", "false");
	kc_conf_set(conf, "enable.auto.offset.store", "false");
	kc_conf_set(conf, "auto.offset.reset", o->offset_given && o->offset.kind == KC_OFF_END ? "latest" : "earliest");
	kc_conf_set(conf, "enable.partition.eof", o->exit_eof ? "true" : "false");
	/* Static membership: a member restarted with the same id gets its
	 * partitions back at once, without a rebalance (KIP-345). */
	if (o->instance_id)
		kc_conf_set(conf, "group.instance.id", o->instance_id);
	kc_conf_apply(conf, o);
	rd_kafka_conf_set_opaque(conf, &c);
	rd_kafka_conf_set_offset_commit_cb(conf, on_commit);
	if (o->group)
		rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	c.rk = kc_new_client(RD_KAFKA_CONSUMER, conf);
	rd_kafka_poll_set_consumer(c.rk);
	c.written = rd_kafka_topic_partition_list_new(8);
	c.assigned = rd_kafka_topic_partition_list_new(8);
	c.w = ndjson_writer_open(STDOUT_FILENO, "-");
	kc_install_signals(false);
	if (o->ack_from) {
		barrier_policy pol = BARRIER_POLICY_DEFAULT;
		const char *why;
		pol.interval_ms = (double)o->barrier_ms;
		pol.records = (unsigned long)o->barrier_records;
		if (!(c.acks = kc_acks_open(o->ack_from, pol, &why))) {
			log_error(why, LS("path", o->ack_from), LS("error", strerror(errno)));
			rc = VP_EXIT_IOERR;
			goto out;
		}
	}

	const rd_kafka_metadata_t *md = kc_metadata(c.rk, o, NULL);
	if (!md) {
		rc = kc_no_metadata_exit();
		goto out;
	}
	rd_kafka_metadata_destroy(md);
	if (o->group) {
		rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new((int)o->ntopics);
		for (size_t i = 0; i < o->ntopics; i++)
			rd_kafka_topic_partition_list_add(sub, o->topics[i], RD_KAFKA_PARTITION_UA);
		rd_kafka_resp_err_t err = rd_kafka_subscribe(c.rk, sub);
		rd_kafka_topic_partition_list_destroy(sub);
		if (err) {
			log_error("cannot subscribe", LS("error", rd_kafka_err2str(err)));
			rc = VP_EXIT_UNAVAILABLE;
			goto out;
		}
	} else if ((rc = assign_partitions(&c)) != VP_EXIT_OK) {
		goto out;
	}

	progress_start(&c.prog, "messages");
	c.last_commit = progress_now();
	bool pending = false; /* lines written since the last flush */
	while (!kc_stop) {
		int wait = 0;
		if (!pending && c.acks) {
			/* Idle: wake for the next barrier when one is due. */
			int due = kc_acks_due_in_ms(c.acks, progress_now());
			wait = due < 100 ? due : 100;
		} else if (!pending) {
			/* Idle: wake for the next commit when one is due. */
			double due = c.last_commit + (double)o->commit_ms / 1000 - progress_now();
			wait = c.dirty && c.committing ? (due <= 0 ? 0 : due < 0.1 ? (int)(due * 1000) + 1 : 100) : 100;
		}
		rd_kafka_message_t *m = rd_kafka_consumer_poll(c.rk, wait);
		/* Off the per-message path: when idle, and once every 1024 messages. */
		if (!m || (c.consumed & 1023) == 0)
			update_lag(&c);
		if (!m) {
			if (pending) {
				ndjson_writer_flush(c.w);
				pending = false;
			}
			if (c.acks) {
				if (!ack_step(&c))
					break;
			} else if (c.dirty && progress_now() - c.last_commit >= (double)o->commit_ms / 1000) {
				commit_now(&c, false);
			}
			if (o->exit_eof && all_at_end(&c))
				break;
			continue;
		}
		if (m->err) {
			if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
				set_at_end(&c, rd_kafka_topic_name(m->rkt), m->partition, true);
			} else if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
				/* E.g. another process joined with this --instance-id
				 * (fenced): this client cannot go on, nor commit. */
				log_error("fatal consumer error", LS("reason", rd_kafka_message_errstr(m)));
				kc_fatal = 1;
				rd_kafka_message_destroy(m);
				break;
			} else if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
				   m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
				log_warn("topic not available (yet)", LS("topic", m->rkt ? rd_kafka_topic_name(m->rkt) : ""),
					 LS("error", rd_kafka_message_errstr(m)));
			} else {
				log_warn("consumer error", LS("error", rd_kafka_err2name(m->err)),
					 LS("reason", rd_kafka_message_errstr(m)));
			}
			rd_kafka_message_destroy(m);
			if (o->exit_eof && all_at_end(&c)) {
				ndjson_writer_flush(c.w);
				pending = false;
				break;
			}
			continue;
		}
		write_message(&c, m);
		pending = true;
		if (c.committing)
			track(&c, m);
		else
			set_at_end(&c, rd_kafka_topic_name(m->rkt), m->partition, false);
		if (o->exit_eof && c.committing)
			set_at_end(&c, rd_kafka_topic_name(m->rkt), m->partition, false);
		rd_kafka_message_destroy(m);
		c.consumed++;
		metric_add(c.m_out, 1);
		metric_add(c.m_consumed, 1);
		progress_add(&c.prog, 1);
		if (c.acks)
			kc_acks_record(c.acks);
		if (o->count && c.consumed >= (unsigned long long)o->count)
			break;
		if (c.acks) {
			/* The FIFO is read once every 1024 messages, and whenever idle. */
			if (((c.consumed & 1023) == 0 || kc_acks_due(c.acks, progress_now())) && !ack_step(&c))
				break;
		} else if (c.committing && progress_now() - c.last_commit >= (double)o->commit_ms / 1000) {
			commit_now(&c, false); /* flushes first */
			pending = false;
		}
	}
	progress_end(&c.prog);
	ndjson_writer_flush(c.w);
	if (kc_stop && !kc_denied && !kc_fatal && !c.ack_error)
		log_info("stopping on signal", LI("signal", kc_stop));
	if (c.acks)
		rc = ack_finish(&c);
	else
		commit_now(&c, true);
	if (kc_denied)
		rc = VP_EXIT_CONFIG;
	else if (kc_fatal)
		rc = VP_EXIT_TEMPFAIL;
	log_info("done", LI("consumed", c.consumed));
out:
	/* Leaving the group revokes the partitions: on_rebalance commits again if needed. */
	rd_kafka_consumer_close(c.rk);
	rd_kafka_destroy(c.rk);
	kc_acks_close(c.acks);
	if (!ndjson_writer_close(c.w))
		rc = vp_exit_worst(rc, VP_EXIT_IOERR);
	rd_kafka_topic_partition_list_destroy(c.written);
	rd_kafka_topic_partition_list_destroy(c.assigned);
	free(c.hdrs);
	metrics_http_stop(mh);
	return rc;
}
