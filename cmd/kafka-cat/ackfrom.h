/* kafka-cat -C --ack-from: offsets are committed only once the pipe's last
 * stage has acknowledged them (vtex-pipes(7), ACKNOWLEDGEMENTS; lib/barrier.h).
 * Each barrier takes with it a copy of the offsets written before it (the
 * next offset per partition); when the sink sends the barrier back, they
 * join the acknowledged list, which the consumer commits. The offsets of
 * revoked partitions are dropped from both, so an acknowledgement that comes
 * late never commits a partition this member no longer owns. */
#ifndef KAFKACAT_ACKFROM_H
#define KAFKACAT_ACKFROM_H

#include "barrier.h"
#include "ndjson_writer.h"

#include <librdkafka/rdkafka.h>
#include <stdbool.h>

typedef struct kc_acks kc_acks;

/* Opens (creating) the FIFO; NULL with *err set (errno tells more). */
kc_acks *kc_acks_open(const char *path, barrier_policy policy, const char **err);
/* Drops what was never acknowledged (never committed) and closes the FIFO. */
void kc_acks_close(kc_acks *a);

/* One message written since the last barrier. */
void kc_acks_record(kc_acks *a);
bool kc_acks_due(const kc_acks *a, double now);
int kc_acks_due_in_ms(const kc_acks *a, double now);

/* Writes the next barrier to w and flushes w. written: the offsets written so
 * far (copied), or NULL when none was written since the last barrier. */
void kc_acks_emit(kc_acks *a, ndjson_writer *w, const rd_kafka_topic_partition_list_t *written);
/* Reads the acknowledgements waiting, without blocking. Returns how many
 * acknowledged barriers brought offsets (to commit), -1 on a read error. */
int kc_acks_take(kc_acks *a);
/* ack_source_drain's wait (lib/barrier.h): until every barrier is
 * acknowledged, as long as one is at least every timeout_ms, or until a
 * second stop signal. Returns 1 when none is pending any more, 0 when some
 * still is, -1 on a read error; *got counts the barriers that brought offsets. */
int kc_acks_wait(kc_acks *a, int timeout_ms, int *got);

/* The acknowledged offsets, to commit (owned by a). */
rd_kafka_topic_partition_list_t *kc_acks_acked(kc_acks *a);
/* These partitions are revoked: their offsets go, acknowledged or not. */
void kc_acks_forget(kc_acks *a, const rd_kafka_topic_partition_list_t *parts);

size_t kc_acks_pending(const kc_acks *a);
/* Warns (once a minute) when a barrier has waited over a minute. */
void kc_acks_check_stalled(kc_acks *a, double now);

#endif
