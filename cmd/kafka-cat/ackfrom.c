#include "ackfrom.h"

#include "kc.h"

#include <stdlib.h>
#include <string.h>

struct kc_acks {
	ack_source *src;
	/* The offsets each pending barrier took (the ctx lib/barrier hands back),
	 * oldest first, kept here too so that a revocation reaches them. */
	rd_kafka_topic_partition_list_t **inflight;
	size_t ninflight, capinflight;
	rd_kafka_topic_partition_list_t *acked;
	int got; /* barriers with offsets acknowledged by the current take */
};

kc_acks *kc_acks_open(const char *path, barrier_policy policy, const char **err)
{
	ack_source *src = ack_source_open(path, "kafka-cat", policy, err);
	if (!src)
		return NULL;
	kc_acks *a = xcalloc(1, sizeof *a);
	a->src = src;
	a->acked = rd_kafka_topic_partition_list_new(8);
	return a;
}

static void drop(void *ctx)
{
	rd_kafka_topic_partition_list_destroy(ctx);
}

void kc_acks_close(kc_acks *a)
{
	if (!a)
		return;
	ack_source_close(a->src, drop);
	free(a->inflight);
	rd_kafka_topic_partition_list_destroy(a->acked);
	free(a);
}

void kc_acks_record(kc_acks *a)
{
	ack_source_record(a->src);
}

bool kc_acks_due(const kc_acks *a, double now)
{
	return ack_source_due(a->src, now);
}

int kc_acks_due_in_ms(const kc_acks *a, double now)
{
	return ack_source_due_in_ms(a->src, now);
}

/* {"offsets":[{"topic":..,"partition":..,"offset":..},...]}: for the log
 * reader only; the source acts on what it kept. */
static void commit_json(buf *b, const rd_kafka_topic_partition_list_t *l)
{
	buf_puts(b, "{\"offsets\":[");
	for (int i = 0; i < l->cnt; i++) {
		const rd_kafka_topic_partition_t *p = &l->elems[i];
		buf_puts(b, i ? ",{\"topic\":" : "{\"topic\":");
		buf_json_string(b, p->topic, strlen(p->topic));
		buf_printf(b, ",\"partition\":%d,\"offset\":%lld}", (int)p->partition, (long long)p->offset);
	}
	buf_puts(b, "]}");
}

void kc_acks_emit(kc_acks *a, ndjson_writer *w, const rd_kafka_topic_partition_list_t *written)
{
	rd_kafka_topic_partition_list_t *ctx =
		written ? rd_kafka_topic_partition_list_copy(written) : rd_kafka_topic_partition_list_new(0);
	buf commit = { 0 };
	commit_json(&commit, ctx);
	if (a->ninflight == a->capinflight) {
		a->capinflight = a->capinflight ? 2 * a->capinflight : 16;
		a->inflight = xrealloc(a->inflight, a->capinflight * sizeof *a->inflight);
	}
	a->inflight[a->ninflight++] = ctx;
	ack_source_emit(a->src, w, buf_cstr(&commit), ctx);
	buf_free(&commit);
}

static void on_done(void *user, unsigned long long seq, void *ctx)
{
	kc_acks *a = user;
	rd_kafka_topic_partition_list_t *l = ctx;
	(void)seq;
	/* lib/barrier acknowledges oldest first: ctx is the first in flight. */
	for (size_t i = 0; i < a->ninflight; i++) {
		if (a->inflight[i] != l)
			continue;
		memmove(a->inflight + i, a->inflight + i + 1, (a->ninflight - i - 1) * sizeof *a->inflight);
		a->ninflight--;
		break;
	}
	for (int i = 0; i < l->cnt; i++) {
		const rd_kafka_topic_partition_t *p = &l->elems[i];
		rd_kafka_topic_partition_t *t = rd_kafka_topic_partition_list_find(a->acked, p->topic, p->partition);
		if (!t)
			t = rd_kafka_topic_partition_list_add(a->acked, p->topic, p->partition);
		t->offset = p->offset; /* a later barrier's offsets are never behind an earlier one's */
	}
	if (l->cnt)
		a->got++;
	rd_kafka_topic_partition_list_destroy(l);
}

int kc_acks_take(kc_acks *a)
{
	a->got = 0;
	return ack_source_take(a->src, on_done, a) < 0 ? -1 : a->got;
}

int kc_acks_wait(kc_acks *a, int timeout_ms, int *got)
{
	a->got = 0;
	/* A second signal gives up without waiting it out. */
	int r = ack_source_drain(a->src, timeout_ms, on_done, a, &kc_stop_twice);
	*got = a->got;
	return r;
}

rd_kafka_topic_partition_list_t *kc_acks_acked(kc_acks *a)
{
	return a->acked;
}

void kc_acks_forget(kc_acks *a, const rd_kafka_topic_partition_list_t *parts)
{
	for (int i = 0; i < parts->cnt; i++) {
		const char *t = parts->elems[i].topic;
		int32_t p = parts->elems[i].partition;
		rd_kafka_topic_partition_list_del(a->acked, t, p);
		for (size_t k = 0; k < a->ninflight; k++)
			rd_kafka_topic_partition_list_del(a->inflight[k], t, p);
	}
}

size_t kc_acks_pending(const kc_acks *a)
{
	return ack_source_pending(a->src);
}

void kc_acks_check_stalled(kc_acks *a, double now)
{
	ack_source_check_stalled(a->src, now);
}
