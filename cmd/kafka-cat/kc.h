/* kafka-cat's librdkafka side (client.c), shared by produce.c, consume.c and
 * meta.c; and the three modes main.c starts. */
#ifndef KAFKACAT_KC_H
#define KAFKACAT_KC_H

#include "metrics.h"
#include "opts.h"

#include <librdkafka/rdkafka.h>
#include <signal.h>

/* Set by SIGTERM/SIGINT: the signal's number; a second one sets kc_stop_twice. */
extern volatile sig_atomic_t kc_stop, kc_stop_twice;
/* Set when librdkafka reports a fatal error (the client cannot go on). */
extern volatile sig_atomic_t kc_fatal;
/* Set when the broker refused our SASL login, or its TLS certificate could
 * not be verified: kafka-cat stops and exits 78 (configuration). */
extern volatile sig_atomic_t kc_denied;
void kc_install_signals(bool close_stdin);
/* After kc_install_signals(true): the next read of standard input sees its
 * end (a producer that stops reading before its input ends). */
void kc_close_input(void);

/* Every property -X/-F gave, after kafka-cat's own defaults (so they win),
 * then sasl.password from $KAFKA_CAT_SASL_PASSWORD or the file named by
 * $KAFKA_CAT_SASL_PASSWORD_FILE. Exits 78 (configuration) when librdkafka
 * refuses one or the password file cannot be read. */
void kc_conf_apply(rd_kafka_conf_t *conf, const kc_opts *o);
void kc_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value);
/* A new client of the given type; exits 78 on a configuration error. */
rd_kafka_t *kc_new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf);
/* Asks the cluster for metadata (topic NULL: brokers only). Logs a clear error
 * and returns NULL when no broker answers within -m seconds. */
const rd_kafka_metadata_t *kc_metadata(rd_kafka_t *rk, const kc_opts *o, const char *topic);
/* The exit status after kc_metadata returned NULL: 78 when credentials or the
 * certificate were refused, else 69. */
int kc_no_metadata_exit(void);

int kc_produce(kc_opts *o);
int kc_consume(kc_opts *o);
int kc_list(kc_opts *o);

#endif
