/* kafka-cat's librdkafka side, shared by produce.c, consume.c and meta.c
 * (kc.h): signals, the client's configuration, its creation with logging
 * callbacks, and the first metadata request. */
#include "kc.h"

#include "exitcode.h"
#include "log.h"
#include "progress.h"
#include "secret.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t kc_stop, kc_stop_twice, kc_fatal, kc_denied;
static int devnull_fd = -1;

static void on_signal(int sig)
{
	if (kc_stop)
		kc_stop_twice = 1;
	kc_stop = sig;
	/* A producer blocked reading stdin: its read(2) fails with EINTR (no
	 * SA_RESTART) and the retry reads /dev/null, i.e. end of input. */
	if (devnull_fd >= 0)
		dup2(devnull_fd, STDIN_FILENO);
}

void kc_install_signals(bool close_stdin)
{
	struct sigaction sa = { .sa_handler = on_signal };
	if (close_stdin)
		devnull_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

void kc_close_input(void)
{
	if (devnull_fd >= 0)
		dup2(devnull_fd, STDIN_FILENO);
}

void kc_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value)
{
	char err[512];
	if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
		log_error("librdkafka refused a property", LS("property", name), LS("error", err));
		exit(VP_EXIT_CONFIG);
	}
}

void kc_conf_apply(rd_kafka_conf_t *conf, const kc_opts *o)
{
	char err[512];
	const char *serr;
	for (size_t i = 0; i < o->props.n; i++) {
		/* A secret from a -F file: its name in the error, never librdkafka's
		 * message (which may quote the value). */
		const char *name = o->props.v[i].name, *value = o->props.v[i].value;
		if (!kc_secret_prop(name)) {
			kc_conf_set(conf, name, value);
		} else if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
			log_error("librdkafka refused a property", LS("property", name));
			exit(VP_EXIT_CONFIG);
		}
	}
	/* The SASL password: from the environment or a file, after -F and -X. */
	char *pw = secret_read("KAFKA_CAT_SASL_PASSWORD", &serr);
	if (serr)
		exit(VP_EXIT_CONFIG); /* secret_read logged which file and why */
	if (pw) {
		rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, "sasl.password", pw, err, sizeof err);
		secret_free(pw);
		if (res != RD_KAFKA_CONF_OK) {
			log_error("librdkafka refused the SASL password (KAFKA_CAT_SASL_PASSWORD)");
			exit(VP_EXIT_CONFIG);
		}
	}
}

/* librdkafka's own log lines, in ours. */
static void on_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *text)
{
	(void)rk;
	enum log_level l = level <= 3 ? LOG_LVL_ERROR : level <= 4 ? LOG_LVL_WARN : level <= 6 ? LOG_LVL_INFO : LOG_LVL_DEBUG;
	/* Connection failures and retries are librdkafka's daily bread: it
	 * reconnects and retries by itself; what matters is reported by us. */
	if (l > LOG_LVL_INFO && strstr(text, "retrying"))
		l = LOG_LVL_INFO;
	else if (l == LOG_LVL_ERROR)
		l = LOG_LVL_WARN;
	if (log_enabled(l))
		log_emit(l, "librdkafka", LS("facility", fac), LS("detail", text), LOG_KV_LAST);
}

static void on_rdkafka_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)opaque;
	/* Refused credentials or an untrusted broker certificate: retrying will
	 * not help, so stop now, once, with a message that says what to fix. */
	if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
	    (err == RD_KAFKA_RESP_ERR__SSL && strstr(reason, "certificate verify failed"))) {
		if (!kc_denied)
			log_error(err == RD_KAFKA_RESP_ERR__SSL
					  ? "TLS: the broker's certificate could not be verified; give the CA that "
					    "signed it with -X ssl.ca.location=FILE"
					  : "Kafka authentication failed; check sasl.mechanism, sasl.username and the "
					    "password (KAFKA_CAT_SASL_PASSWORD or KAFKA_CAT_SASL_PASSWORD_FILE)",
				  LS("error", rd_kafka_err2name(err)), LS("reason", reason));
		kc_denied = 1;
		kc_stop = SIGTERM;
		return;
	}
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char why[512];
		rd_kafka_resp_err_t ferr = rd_kafka_fatal_error(rk, why, sizeof why);
		log_error("fatal client error", LS("error", rd_kafka_err2name(ferr)), LS("reason", why));
		kc_fatal = 1;
		kc_stop = SIGTERM;
		return;
	}
	/* Broker connections come and go (a restart, a network blip); librdkafka
	 * reconnects on its own, so these are warnings. */
	log_warn("kafka", LS("error", rd_kafka_err2name(err)), LS("reason", reason));
}

rd_kafka_t *kc_new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
	char err[512];
	rd_kafka_conf_set_log_cb(conf, on_rdkafka_log);
	rd_kafka_conf_set_error_cb(conf, on_rdkafka_error);
	rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
	if (!rk) {
		log_error("cannot create the Kafka client", LS("error", err));
		exit(VP_EXIT_CONFIG);
	}
	return rk;
}

/* Callbacks waiting on the main queue (errors above), without blocking. A
 * consumer's main queue is its consumer queue: nothing is assigned yet when
 * this runs, so no message can come out of it. */
static void serve_events(rd_kafka_t *rk)
{
	if (rd_kafka_type(rk) == RD_KAFKA_CONSUMER) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 0);
		if (m)
			rd_kafka_message_destroy(m);
	} else {
		rd_kafka_poll(rk, 0);
	}
}

const rd_kafka_metadata_t *kc_metadata(rd_kafka_t *rk, const kc_opts *o, const char *topic)
{
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_topic_t *rkt = topic ? rd_kafka_topic_new(rk, topic, NULL) : NULL;
	rd_kafka_resp_err_t err;
	/* In short steps, so that a refused login or certificate (reported
	 * through the error callback) ends the wait at once. */
	double deadline = progress_now() + o->metadata_timeout_ms / 1000.0;
	for (;;) {
		int left = (int)((deadline - progress_now()) * 1000);
		err = rd_kafka_metadata(rk, topic ? 0 : 1, rkt, &md, left < 500 ? (left > 0 ? left : 1) : 500);
		if (!err)
			break;
		serve_events(rk);
		if (kc_denied || kc_stop || progress_now() >= deadline)
			break;
	}
	if (rkt)
		rd_kafka_topic_destroy(rkt);
	if (err) {
		if (!kc_denied)
			log_error("no Kafka broker answered", LS("brokers", o->brokers),
				  LI("timeout_s", o->metadata_timeout_ms / 1000), LS("error", rd_kafka_err2str(err)));
		return NULL;
	}
	return md;
}

int kc_no_metadata_exit(void)
{
	return kc_denied ? VP_EXIT_CONFIG : VP_EXIT_UNAVAILABLE;
}
