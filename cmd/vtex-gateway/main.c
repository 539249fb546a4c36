/* vtex-gateway: one VTEX account's budget shared by every flow and host, real
 * time first, the app token in one place. See man/man1/vtex-gateway.1. */
#include "cli_table.h"
#include "exitcode.h"
#include "front.h"
#include "log.h"
#include "httpd.h"
#include "sched.h"
#include "secret.h"
#include "vtex_api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: vtex-gateway [OPTION]...\n"
	"A reverse proxy in front of one VTEX account, shared by every flow: budgets per endpoint\n"
	"class (VTEX's figures by default), concurrency caps, a queue per priority (realtime, batch,\n"
	"backfill; header X-VTEX-Pipes-Priority), one pause for every caller after a 429, retries\n"
	"with jitter, the VTEX app key and token held here (VTEX_APP_KEY, VTEX_APP_TOKEN or\n"
	"VTEX_APP_TOKEN_FILE; the store from VTEX_ACCOUNT or VTEX_BASE_URL). Callers set\n"
	"VTEX_GATEWAY to its URL. Serves /metrics and /healthz.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Callers authenticate with Authorization: Bearer and the token in VTEX_GATEWAY_TOKEN or\n"
	"VTEX_GATEWAY_TOKEN_FILE when it is set. See vtex-gateway(1).\n";

typedef struct {
	cli_common cli;
	const char *listen, *ready_file, *config, *cert_file, *key_file;
	gw_sched_cfg sched;
	gw_front_cfg front;
} options;

/* An octal file mode for the Unix socket, 0001 to 0777. */
static mode_t socket_mode(const cli_common *c, const char *v)
{
	char *end;
	long m = strtol(v, &end, 8);
	if (!*v || *end || m < 1 || m > 0777)
		cli_usage_error(c, "--socket-mode: '%s' is not an octal mode from 0001 to 0777", v);
	return (mode_t)m;
}

static noreturn void config_error(const char *msg, const char *what)
{
	log_error(msg, LS("detail", what));
	exit(VP_EXIT_CONFIG);
}

/* Loopback, or a Unix socket (its file's permissions guard it). */
static bool local(const char *listen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (http_unix_socket_path(listen))
		return true;
	if (!listen_addr_parse(listen, &ss, &sl))
		return false;
	if (ss.ss_family == AF_INET)
		return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
}

static char *pem(const char *path, bool private_key)
{
	const char *err;
	char *s = tls_pem_read(path, private_key, &err);
	if (!s)
		config_error(err, path);
	return s;
}

static void parse(options *o, int argc, char **argv)
{
	long long attempts, threads, connections;
	const char *mode = NULL;
	const cli_opt opts[] = {
		{ .name = "listen", .short_name = 'l', .type = CLI_STRING, .dest = &o->listen, .arg = "ADDR:PORT",
		  .env = "VTEX_GATEWAY_LISTEN", .def = "127.0.0.1:8098",
		  .help = "where callers connect (port 0 picks a free one); an address other than loopback "
			  "needs --tls-cert and a token; unix:PATH: a Unix socket, its file's permissions the "
			  "access control" },
		{ .name = "socket-mode", .type = CLI_STRING, .dest = &mode, .arg = "MODE",
		  .env = "VTEX_GATEWAY_SOCKET_MODE", .def = "0660", .help = "the Unix socket's mode, octal" },
		{ .name = "ready-file", .type = CLI_PATH, .dest = &o->ready_file, .arg = "PATH",
		  .env = "VTEX_GATEWAY_READY_FILE", .help = "write the gateway's URL there once it accepts" },
		{ .name = "config", .short_name = 'c', .type = CLI_PATH, .dest = &o->config, .arg = "FILE",
		  .env = "VTEX_GATEWAY_CONFIG",
		  .help = "JSON budgets per class, e.g. {\"oms\":{\"budget\":6000,\"window\":60,"
			  "\"concurrency\":32,\"pause\":60}}",
		  .man = "Budgets per class, a JSON object whose keys are class names and whose values may set\n"
			 ".B budget\n(requests per window, 0: none),\n.B endpoint_budget\n(per endpoint, 0: none),\n"
			 ".B window\n(seconds),\n.B concurrency\n(requests in flight at most) and\n.B pause\n"
			 "(seconds of silence after a 429 without Retry-After). Missing values keep the defaults:\n"
			 ".RS\n.nf\n"
			 "{\"oms\":        {\"budget\": 6000, \"window\": 60, \"pause\": 60, \"concurrency\": 32},\n"
			 " \"catalog\":    {\"budget\": 45000, \"endpoint_budget\": 15000, \"window\": 60, "
			 "\"concurrency\": 32},\n"
			 " \"md_scroll\":  {\"concurrency\": 10},\n"
			 " \"pricing\": {}, \"masterdata\": {}, \"orders\": {}, \"other\": {}}\n"
			 ".fi\n.RE\n"
			 "(no budget, concurrency 32 and pause 5 where not said). Set a class below VTEX's\n"
			 "figures when other clients outside vtex-pipes use the same account." },
		{ .name = "tls-cert", .type = CLI_PATH, .dest = &o->cert_file, .arg = "FILE",
		  .env = "VTEX_GATEWAY_TLS_CERT", .help = "serve HTTPS with this PEM certificate (chain)" },
		{ .name = "tls-key", .type = CLI_PATH, .dest = &o->key_file, .arg = "FILE",
		  .env = "VTEX_GATEWAY_TLS_KEY", .help = "its private key" },
		{ .name = "max-attempts", .type = CLI_COUNT, .dest = &attempts, .arg = "N",
		  .env = "VTEX_GATEWAY_MAX_ATTEMPTS", .def = "8", .min = 1, .max = 100,
		  .help = "attempts per request at VTEX" },
		{ .name = "max-queue-wait", .type = CLI_DURATION, .dest = &o->sched.max_queue_s, .arg = "S",
		  .env = "VTEX_GATEWAY_MAX_QUEUE_WAIT", .def = "50", .min = 0.001, .max = 86400,
		  .help = "a request still queued after S seconds gets 503 + Retry-After (keep it below the "
			  "callers' per-attempt timeout, vtex-fetch's 60)" },
		{ .name = "timeout", .type = CLI_DURATION, .dest = &o->sched.timeout_s, .arg = "S",
		  .env = "VTEX_GATEWAY_TIMEOUT", .def = "60", .min = 0.001, .max = 86400,
		  .help = "per attempt at VTEX" },
		{ .name = "cacert", .type = CLI_PATH, .dest = &o->sched.cacert, .arg = "FILE",
		  .env = "VTEX_GATEWAY_CACERT", .help = "trust this CA (PEM) too; TLS is always verified" },
		{ .name = "threads", .type = CLI_COUNT, .dest = &threads, .arg = "N", .env = "VTEX_GATEWAY_THREADS",
		  .def = "2", .min = 1, .max = 256,
		  .help = "threads, each serving its share of the callers and starting queued requests at VTEX; "
			  "waiting requests hold no thread" },
		{ .name = "max-connections", .type = CLI_COUNT, .dest = &connections, .arg = "N",
		  .env = "VTEX_GATEWAY_MAX_CONNECTIONS", .def = "4096", .min = 1, .max = 100000,
		  .help = "connections open at once" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts };

	int first = cli_table_parse(&o->cli, &spec, argc, argv);
	o->sched.retry = (http_retry_policy){ .max_attempts = (int)attempts, .base_s = 0.5, .max_s = 30,
					      .retry_after_max_s = 120 };
	o->sched.connect_timeout_s = 10;
	o->front.threads = (unsigned)threads;
	o->front.max_connections = (unsigned)connections;
	o->front.socket_mode = socket_mode(&o->cli, mode);
	o->front.max_body = 1 << 20;
	gw_classes_default(o->sched.cls);
	if (first < argc)
		cli_usage_error(&o->cli, "unexpected argument '%s'", argv[first]);
	if (!o->cert_file != !o->key_file)
		cli_usage_error(&o->cli, "--tls-cert and --tls-key go together");
	const char *why;
	if (o->config && !gw_classes_load(o->sched.cls, o->config, &why))
		config_error(why, o->config);
	const char *err = NULL;
	o->front.token = secret_read("VTEX_GATEWAY_TOKEN", &err);
	if (err)
		config_error("cannot read VTEX_GATEWAY_TOKEN_FILE", err);
	if (o->front.token && (strlen(o->front.token) < 16 || strpbrk(o->front.token, "\r\n")))
		config_error("the gateway token is too short (16 characters at least) or holds a line break", "VTEX_GATEWAY_TOKEN");
	if (!local(o->listen) && (!o->cert_file || !o->front.token))
		config_error("listening beyond loopback needs TLS (--tls-cert, --tls-key) and a token (VTEX_GATEWAY_TOKEN)",
			     o->listen);
	if (o->cert_file) {
		o->front.tls_cert = pem(o->cert_file, false);
		o->front.tls_key = pem(o->key_file, true);
	}
	o->front.listen = o->listen;
}

int main(int argc, char **argv)
{
	options o = { 0 };
	/* A service, not a run: each access-log line carries its caller's run id. */
	unsetenv("VTEX_PIPES_RUN_ID");
	unsetenv("VTEX_GATEWAY"); /* it is the gateway: VTEX is upstream, not itself */
	cli_init(&o.cli, "vtex-gateway");
	parse(&o, argc, argv);

	vtex_endpoint ep;
	const char *why = NULL, *hint = NULL;
	if (!vtex_endpoint_from_env(&ep, &why, &hint)) {
		log_error(why, LS("hint", hint));
		return VP_EXIT_CONFIG;
	}
	o.sched.base_url = o.front.base_url = ep.base_url;
	o.sched.pricing_url = o.front.pricing_url = ep.pricing_url;

	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	int rc = 0;
	gw_front *f = NULL;
	char url[300];
	gw_sched *s = gw_sched_new(&o.sched, o.front.threads, &why, &hint);
	if (!s) {
		log_error(why, LS("hint", hint));
		rc = VP_EXIT_CONFIG;
	} else if (!(f = gw_front_start(&o.front, s, url, sizeof url))) {
		rc = VP_EXIT_UNAVAILABLE;
	} else {
		for (unsigned i = 0; i < o.front.threads; i++)
			gw_sched_start(s, i, gw_front_serve, gw_front_loop(f, i));
		for (int c = 0; c < GW__CLASSES; c++)
			log_info("class", LS("class", gw_class_name(c)), LD("budget", o.sched.cls[c].budget),
				 LD("endpoint_budget", o.sched.cls[c].endpoint_budget),
				 LD("window_seconds", o.sched.cls[c].window), LI("concurrency", o.sched.cls[c].concurrency));
		const char *auth = o.front.token ? "token" : http_unix_socket_path(o.listen) ? "socket_mode" : "loopback";
		log_info("listening", LS("url", url), LS("upstream", ep.base_url), LS("auth", auth));
		if (o.ready_file)
			listen_ready_file(o.ready_file, url);
		int sig;
		while (sigwait(&sigs, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
			;
		log_info("stopping: queued requests get 503, those in flight finish",
			 LS("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
	}
	/* Every way out frees the same (a refused start included: no leak for ASan to report). */
	gw_sched_stop(s);
	gw_front_stop(f); /* its drain may still read a request: submitted to the stopped s, answered 503 */
	gw_sched_free(s);
	vtex_endpoint_free(&ep);
	secret_free(o.front.token);
	secret_free(o.front.tls_cert);
	secret_free(o.front.tls_key);
	cli_finish(&o.cli);
	return rc;
}
