/* kafka-cat -P --ack-to: when a barrier may be acknowledged (vtex-pipes(7),
 * ACKNOWLEDGEMENTS). Every message queued is numbered, in queue order, by
 * its input line number (the message's opaque for librdkafka); its delivery
 * report settles it (delivered, or refused for good and written to the
 * rejects), in any order across partitions. A barrier read at line n may be
 * acknowledged once every message numbered below n is settled, and barriers
 * go back in the order they came. A message that is never settled (its
 * delivery failed for a reason that may pass) holds back every barrier after
 * it, for good. Numbers that are not messages (rejected lines, barriers,
 * blank lines) count as settled. Pure logic: no librdkafka here. */
#ifndef KAFKACAT_SETTLE_H
#define KAFKACAT_SETTLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kc_settle kc_settle;

kc_settle *kc_settle_new(void);
void kc_settle_free(kc_settle *s);

/* Message n is queued; n is above every number queued or barrier seen before. */
void kc_settle_queued(kc_settle *s, unsigned long long n);
/* Message n has its delivery report. Unknown or already settled: ignored. */
void kc_settle_done(kc_settle *s, unsigned long long n);
/* A barrier line read at line n (after every message queued so far); the
 * text is copied. */
void kc_settle_barrier(kc_settle *s, unsigned long long n, const char *line, size_t len);

/* The oldest barrier when every message before it is settled (its text, not
 * NUL-terminated), else NULL. It stays first until kc_settle_pop. */
const char *kc_settle_ready(const kc_settle *s, size_t *len);
void kc_settle_pop(kc_settle *s);

/* Messages queued and not settled; barriers waiting. */
size_t kc_settle_outstanding(const kc_settle *s);
size_t kc_settle_barriers(const kc_settle *s);

#endif
