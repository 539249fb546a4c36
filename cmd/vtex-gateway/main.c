/* vtex-gateway: one VTEX account's budget shared by every flow and host, real
 * time first, the app token in one place. See man/man1/vtex-gateway.1. */
#include "cli.h"
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

static const char HELP[] =
	"Usage: vtex-gateway [OPTION]...\n"
	"A reverse proxy in front of one VTEX account, shared by every flow: budgets per endpoint\n"
	"class (VTEX's figures by default), concurrency caps, a queue per priority (realtime, batch,\n"
	"backfill; header X-VTEX-Pipes-Priority), one pause for every caller after a 429, retries\n"
	"with jitter, the VTEX app key and token held here (VTEX_APP_KEY, VTEX_APP_TOKEN or\n"
	"VTEX_APP_TOKEN_FILE; the store from VTEX_ACCOUNT or VTEX_BASE_URL). Callers set\n"
	"VTEX_GATEWAY to its URL. Serves /metrics and /healthz.\n"
	"\n"
	"  -l, --listen ADDR:PORT     where callers connect (env VTEX_GATEWAY_LISTEN; 127.0.0.1:8098);\n"
	"                             an address other than loopback needs --tls-cert and a token;\n"
	"                             unix:PATH: a Unix socket, its file's permissions the access control\n"
	"      --socket-mode MODE     the Unix socket's mode, octal (env VTEX_GATEWAY_SOCKET_MODE; 0660)\n"
	"      --ready-file PATH      write the gateway's URL there once it accepts (env VTEX_GATEWAY_READY_FILE)\n"
	"  -c, --config FILE          JSON budgets per class, e.g. {\"oms\":{\"budget\":6000,\"window\":60,\n"
	"                             \"concurrency\":32,\"pause\":60}} (env VTEX_GATEWAY_CONFIG)\n"
	"      --tls-cert FILE        serve HTTPS with this PEM certificate (env VTEX_GATEWAY_TLS_CERT)\n"
	"      --tls-key FILE         its private key (env VTEX_GATEWAY_TLS_KEY)\n"
	"      --max-attempts N       attempts per request at VTEX (env VTEX_GATEWAY_MAX_ATTEMPTS; 8)\n"
	"      --max-queue-wait S     a request still queued after S seconds gets 503 + Retry-After\n"
	"                             (env VTEX_GATEWAY_MAX_QUEUE_WAIT; 50)\n"
	"      --timeout S            per attempt at VTEX (env VTEX_GATEWAY_TIMEOUT; 60)\n"
	"      --cacert FILE          trust this CA (PEM) too; TLS is always verified (env VTEX_GATEWAY_CACERT)\n"
	"      --threads N            server threads (env VTEX_GATEWAY_THREADS; 2)\n"
	"      --max-connections N    (env VTEX_GATEWAY_MAX_CONNECTIONS; 4096)\n"
	"Callers authenticate with Authorization: Bearer and the token in VTEX_GATEWAY_TOKEN or\n"
	"VTEX_GATEWAY_TOKEN_FILE when it is set.\n"
	"Common:\n" CLI_COMMON_HELP;

enum {
	OPT_READY_FILE = CLI_OPT_TOOL, OPT_TLS_CERT, OPT_TLS_KEY, OPT_MAX_ATTEMPTS, OPT_MAX_QUEUE_WAIT, OPT_TIMEOUT,
	OPT_CACERT, OPT_THREADS, OPT_MAX_CONNECTIONS, OPT_SOCKET_MODE,
};

static const struct option longopts[] = {
	{ "listen", required_argument, 0, 'l' },
	{ "ready-file", required_argument, 0, OPT_READY_FILE },
	{ "config", required_argument, 0, 'c' },
	{ "tls-cert", required_argument, 0, OPT_TLS_CERT },
	{ "tls-key", required_argument, 0, OPT_TLS_KEY },
	{ "max-attempts", required_argument, 0, OPT_MAX_ATTEMPTS },
	{ "max-queue-wait", required_argument, 0, OPT_MAX_QUEUE_WAIT },
	{ "timeout", required_argument, 0, OPT_TIMEOUT },
	{ "cacert", required_argument, 0, OPT_CACERT },
	{ "threads", required_argument, 0, OPT_THREADS },
	{ "max-connections", required_argument, 0, OPT_MAX_CONNECTIONS },
	{ "socket-mode", required_argument, 0, OPT_SOCKET_MODE },
	CLI_COMMON_LONGOPTS,
	{ 0 },
};

static const struct {
	int opt;
	const char *env;
} env_names[] = {
	{ 'l', "VTEX_GATEWAY_LISTEN" }, { OPT_READY_FILE, "VTEX_GATEWAY_READY_FILE" }, { 'c', "VTEX_GATEWAY_CONFIG" },
	{ OPT_TLS_CERT, "VTEX_GATEWAY_TLS_CERT" }, { OPT_TLS_KEY, "VTEX_GATEWAY_TLS_KEY" },
	{ OPT_MAX_ATTEMPTS, "VTEX_GATEWAY_MAX_ATTEMPTS" }, { OPT_MAX_QUEUE_WAIT, "VTEX_GATEWAY_MAX_QUEUE_WAIT" },
	{ OPT_TIMEOUT, "VTEX_GATEWAY_TIMEOUT" }, { OPT_CACERT, "VTEX_GATEWAY_CACERT" },
	{ OPT_THREADS, "VTEX_GATEWAY_THREADS" }, { OPT_MAX_CONNECTIONS, "VTEX_GATEWAY_MAX_CONNECTIONS" },
	{ OPT_SOCKET_MODE, "VTEX_GATEWAY_SOCKET_MODE" },
};

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

static void set_option(options *o, int opt, const char *v)
{
	cli_common *c = &o->cli;
	switch (opt) {
	case 'l': o->listen = v; break;
	case OPT_READY_FILE: o->ready_file = v; break;
	case 'c': o->config = v; break;
	case OPT_TLS_CERT: o->cert_file = v; break;
	case OPT_TLS_KEY: o->key_file = v; break;
	case OPT_MAX_ATTEMPTS: o->sched.retry.max_attempts = (int)cli_parse_ll(c, "--max-attempts", v, 1, 100); break;
	case OPT_MAX_QUEUE_WAIT: o->sched.max_queue_s = cli_parse_double(c, "--max-queue-wait", v, 0.001, 86400); break;
	case OPT_TIMEOUT: o->sched.timeout_s = cli_parse_double(c, "--timeout", v, 0.001, 86400); break;
	case OPT_CACERT: o->sched.cacert = v; break;
	case OPT_THREADS: o->front.threads = (unsigned)cli_parse_ll(c, "--threads", v, 1, 256); break;
	case OPT_MAX_CONNECTIONS: o->front.max_connections = (unsigned)cli_parse_ll(c, "--max-connections", v, 1, 100000); break;
	case OPT_SOCKET_MODE: o->front.socket_mode = socket_mode(c, v); break;
	default: cli_usage_error(c, "unexpected option");
	}
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
	o->listen = "127.0.0.1:8098";
	o->sched.retry = (http_retry_policy){ .max_attempts = 8, .base_s = 0.5, .max_s = 30, .retry_after_max_s = 120 };
	o->sched.max_queue_s = 50;
	o->sched.timeout_s = 60;
	o->sched.connect_timeout_s = 10;
	o->front.threads = 2;
	o->front.max_connections = 4096;
	o->front.max_body = 1 << 20;
	o->front.socket_mode = 0660;
	gw_classes_default(o->sched.cls);
	for (size_t i = 0; i < sizeof env_names / sizeof *env_names; i++) {
		const char *v = cli_env(env_names[i].env, NULL);
		if (v)
			set_option(o, env_names[i].opt, v);
	}
	int opt;
	while ((opt = getopt_long(argc, argv, "l:c:hV", longopts, NULL)) != -1)
		if (!cli_common_option(&o->cli, opt, optarg))
			set_option(o, opt, optarg);
	if (optind < argc)
		cli_usage_error(&o->cli, "unexpected argument '%s'", argv[optind]);
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

static void write_ready_file(const char *path, const char *url)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", url) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		log_error("cannot write the ready file", LS("path", path), LS("error", strerror(errno)));
		exit(VP_EXIT_IOERR);
	}
}

int main(int argc, char **argv)
{
	options o = { 0 };
	/* A service, not a run: each access-log line carries its caller's run id. */
	unsetenv("VTEX_PIPES_RUN_ID");
	unsetenv("VTEX_GATEWAY"); /* it is the gateway: VTEX is upstream, not itself */
	cli_init(&o.cli, "vtex-gateway", HELP);
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

	gw_sched *s = gw_sched_start(&o.sched, &why, &hint);
	if (!s) {
		log_error(why, LS("hint", hint));
		return VP_EXIT_CONFIG;
	}
	char url[300];
	gw_front *f = gw_front_start(&o.front, s, url, sizeof url);
	if (!f) {
		gw_sched_stop(s);
		return VP_EXIT_UNAVAILABLE;
	}
	for (int c = 0; c < GW__CLASSES; c++)
		log_info("class", LS("class", gw_class_name(c)), LD("budget", o.sched.cls[c].budget),
			 LD("endpoint_budget", o.sched.cls[c].endpoint_budget), LD("window_seconds", o.sched.cls[c].window),
			 LI("concurrency", o.sched.cls[c].concurrency));
	const char *auth = o.front.token ? "token" : http_unix_socket_path(o.listen) ? "socket_mode" : "loopback";
	log_info("listening", LS("url", url), LS("upstream", ep.base_url), LS("auth", auth));
	if (o.ready_file)
		write_ready_file(o.ready_file, url);

	int sig;
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	log_info("stopping: queued requests get 503, those in flight finish", LS("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
	gw_sched_stop(s);
	gw_front_stop(f);
	vtex_endpoint_free(&ep);
	secret_free(o.front.token);
	secret_free(o.front.tls_cert);
	secret_free(o.front.tls_key);
	cli_finish(&o.cli);
	return 0;
}
