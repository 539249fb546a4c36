/* vtex-webhook: receives VTEX order hooks over HTTP(S) and writes one NDJSON
 * line per event, answering 200 only once the line is written (or journalled
 * and synced with --spool); `vtex-webhook configure` sets the hook up on VTEX. */
#include "acks.h"
#include "private_file.h"
#include "buf.h"
#include "cli.h"
#include "commit.h"
#include "configure.h"
#include "exitcode.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"
#include "secret.h"
#include "server.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char HELP[] =
	"Usage: vtex-webhook [OPTION]...\n"
	"       vtex-webhook configure --url URL [OPTION]...   (see vtex-webhook configure --help)\n"
	"Receive VTEX order hook notifications and write one NDJSON line per event\n"
	"(the payload as sent plus \"_received_at\") to standard output. A request is\n"
	"answered 200 only once its line is appended to the spool's journal and fsync'd\n"
	"(with --no-spool: once written to the output); 503 when that fails or stalls past the\n"
	"write deadline, so VTEX retries. VTEX's ping {\"hookConfig\":\"ping\"} gets 200\n"
	"and is written nowhere. Every request on the hook path must carry the shared\n"
	"secret header (401 otherwise); the body must be a JSON object with string\n"
	"OrderId, State and LastChange (a timestamp) (400 otherwise).\n"
	"\n"
	"  -l, --listen ADDR:PORT      address to listen on, [ADDR6]:PORT for IPv6; port 0\n"
	"                              picks a free one (env VTEX_WEBHOOK_LISTEN; 127.0.0.1:8080)\n"
	"      --path PATH             the hook's path (env VTEX_WEBHOOK_PATH; /hook)\n"
	"      --secret-header NAME    header carrying the shared secret, as configured on\n"
	"                              the VTEX hook (env VTEX_WEBHOOK_SECRET_HEADER; key)\n"
	"      --secret-file FILE      the secret; else env VTEX_WEBHOOK_SECRET or\n"
	"                              VTEX_WEBHOOK_SECRET_FILE (required)\n"
	"      --tls-cert FILE         serve HTTPS with this PEM certificate (chain)\n"
	"      --tls-key FILE          and this PEM private key (env VTEX_WEBHOOK_TLS_CERT,\n"
	"                              VTEX_WEBHOOK_TLS_KEY)\n"
	"  -o, --output FILE           append lines to FILE instead of standard output\n"
	"                              (env VTEX_WEBHOOK_OUTPUT)\n"
	"      --spool DIR             acknowledge once journalled and fsync'd in DIR; the\n"
	"                              journal is forwarded to the output, replayed on\n"
	"                              restart, trimmed once forwarded (env VTEX_WEBHOOK_SPOOL;\n"
	"                              $STATE_DIRECTORY/spool, else $XDG_STATE_HOME or\n"
	"                              ~/.local/state, /vtex-pipes/webhook-spool). One process per DIR\n"
	"      --no-spool              no journal: answer 200 once the line is written to the\n"
	"                              output (lost if the host crashes before it is read;\n"
	"                              env VTEX_WEBHOOK_SPOOL=none)\n"
	"      --ack-from FIFO         with --spool: write checkpoint barriers between the lines\n"
	"                              forwarded and read them back from FIFO (made, mode 0600,\n"
	"                              when absent); the spool's position is committed, and its\n"
	"                              journals deleted, only once a barrier comes back; a restart\n"
	"                              forwards again from the last one (env VTEX_WEBHOOK_ACK_FROM)\n"
	"      --barrier-ms N          a barrier at most N ms after the first line it covers\n"
	"                              (env VTEX_WEBHOOK_BARRIER_MS; 1000)\n"
	"      --barrier-records N     or after N lines (env VTEX_WEBHOOK_BARRIER_RECORDS; 10000)\n"
	"      --ack-timeout SECONDS   on SIGTERM, after the last barrier, wait for the acknowledge-\n"
	"                              ments while one comes back at least every SECONDS\n"
	"                              (env VTEX_WEBHOOK_ACK_TIMEOUT; 30)\n"
	"      --write-deadline-ms N   answer 503 when a line is not committed within N ms\n"
	"                              (env VTEX_WEBHOOK_WRITE_DEADLINE_MS; 2000; at most 4500)\n"
	"      --max-body SIZE         larger bodies get 413 (env VTEX_WEBHOOK_MAX_BODY; 64K)\n"
	"      --max-header SIZE       request line and headers larger than this are refused\n"
	"                              (env VTEX_WEBHOOK_MAX_HEADER; 16K)\n"
	"      --timeout SECONDS       close a connection idle (or a client this slow) that long\n"
	"                              (env VTEX_WEBHOOK_TIMEOUT; 10)\n"
	"      --request-deadline SECONDS  close a connection whose request is not whole and\n"
	"                              answered that long after its first byte, however\n"
	"                              steadily it trickles in (env VTEX_WEBHOOK_REQUEST_DEADLINE;\n"
	"                              30; at least 5, above --write-deadline-ms)\n"
	"      --max-connections N     open connections at most (env VTEX_WEBHOOK_MAX_CONNECTIONS; 1000)\n"
	"      --max-per-ip N          open connections per client address at most\n"
	"                              (env VTEX_WEBHOOK_MAX_PER_IP; 128)\n"
	"      --threads N             server threads (env VTEX_WEBHOOK_THREADS; 2)\n"
	"      --ready-file FILE       write the server's URL there once listening\n"
	"      --drain-seconds N       on SIGTERM, wait this long at most for requests in\n"
	"                              flight and the spool's backlog (env VTEX_WEBHOOK_DRAIN_SECONDS; 10)\n"
	CLI_COMMON_HELP
	"\n"
	"Also served: GET /healthz (200, or 503 once the output is closed or when\n"
	"stopping) and GET /metrics (Prometheus).\n"
	"SIGTERM or SIGINT: stop accepting, finish the requests in flight, flush, exit 0.\n"
	"With --ack-from: forward the spool's rest, write a last barrier, close the output,\n"
	"wait for the acknowledgements (--ack-timeout), commit, exit.\n"
	"Exit status: 0 stopped by a signal; 64 usage; 69 cannot listen; 74 output closed\n"
	"or not writable; 75 stopped with a spool backlog the output did not take (with\n"
	"--ack-from: or that was not acknowledged); 78 configuration (secret, certificate,\n"
	"spool, acknowledgement FIFO). See vtex-webhook(1).\n";

enum {
	OPT_PATH = CLI_OPT_TOOL,
	OPT_SECRET_HEADER,
	OPT_SECRET_FILE,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_SPOOL,
	OPT_WRITE_DEADLINE,
	OPT_MAX_BODY,
	OPT_MAX_HEADER,
	OPT_TIMEOUT,
	OPT_MAX_CONN,
	OPT_MAX_PER_IP,
	OPT_THREADS,
	OPT_READY_FILE,
	OPT_DRAIN,
	OPT_ACK_FROM,
	OPT_BARRIER_MS,
	OPT_BARRIER_RECORDS,
	OPT_ACK_TIMEOUT,
	OPT_NO_SPOOL,
	OPT_REQUEST_DEADLINE,
};

typedef struct {
	cli_common cli;
	server_config srv;
	const char *secret_file, *cert_file, *key_file, *output, *spool_dir, *ready_file, *ack_from;
	char *default_spool;   /* the spool directory when none was named */
	double deadline_s, drain_s, ack_timeout_s;
	barrier_policy barriers;
} options;

static _Noreturn void config_error(const char *msg, const char *path)
{
	log_error(msg, LS("path", path ? path : ""));
	exit(VP_EXIT_CONFIG);
}

static char *read_pem(const char *path, bool private_key)
{
	const char *err;
	char *s = tls_pem_read(path, private_key, &err);
	if (!s)
		config_error(err, path);
	return s;
}

/* The spool by default: $STATE_DIRECTORY/spool (systemd's StateDirectory=),
 * else $XDG_STATE_HOME (or ~/.local/state) /vtex-pipes/webhook-spool; the
 * parents are made, mode 0700. */
static char *default_spool_dir(const cli_common *c)
{
	buf d = { 0 };
	const char *state = cli_env("STATE_DIRECTORY", NULL), *xdg = cli_env("XDG_STATE_HOME", NULL);
	if (state)
		buf_printf(&d, "%.*s/spool", (int)strcspn(state, ":"), state); /* the first of a list */
	else if (xdg)
		buf_printf(&d, "%s/vtex-pipes/webhook-spool", xdg);
	else if (cli_env("HOME", NULL))
		buf_printf(&d, "%s/.local/state/vtex-pipes/webhook-spool", getenv("HOME"));
	else
		cli_usage_error(c, "no spool directory: give --spool DIR (or --no-spool); HOME is not set");
	char *p = (char *)buf_cstr(&d);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		private_mkdir(p); /* an error shows when the spool itself is made */
		*s = '/';
	}
	return p;
}

static void parse_options(options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, 0, 'l' },
		{ "path", required_argument, 0, OPT_PATH },
		{ "secret-header", required_argument, 0, OPT_SECRET_HEADER },
		{ "secret-file", required_argument, 0, OPT_SECRET_FILE },
		{ "tls-cert", required_argument, 0, OPT_TLS_CERT },
		{ "tls-key", required_argument, 0, OPT_TLS_KEY },
		{ "output", required_argument, 0, 'o' },
		{ "spool", required_argument, 0, OPT_SPOOL },
		{ "write-deadline-ms", required_argument, 0, OPT_WRITE_DEADLINE },
		{ "max-body", required_argument, 0, OPT_MAX_BODY },
		{ "max-header", required_argument, 0, OPT_MAX_HEADER },
		{ "timeout", required_argument, 0, OPT_TIMEOUT },
		{ "max-connections", required_argument, 0, OPT_MAX_CONN },
		{ "max-per-ip", required_argument, 0, OPT_MAX_PER_IP },
		{ "threads", required_argument, 0, OPT_THREADS },
		{ "ready-file", required_argument, 0, OPT_READY_FILE },
		{ "drain-seconds", required_argument, 0, OPT_DRAIN },
		{ "ack-from", required_argument, 0, OPT_ACK_FROM },
		{ "barrier-ms", required_argument, 0, OPT_BARRIER_MS },
		{ "barrier-records", required_argument, 0, OPT_BARRIER_RECORDS },
		{ "ack-timeout", required_argument, 0, OPT_ACK_TIMEOUT },
		{ "no-spool", no_argument, 0, OPT_NO_SPOOL },
		{ "request-deadline", required_argument, 0, OPT_REQUEST_DEADLINE },
		CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	const char *deadline = cli_env("VTEX_WEBHOOK_WRITE_DEADLINE_MS", "2000");
	const char *max_body = cli_env("VTEX_WEBHOOK_MAX_BODY", "64K");
	const char *max_header = cli_env("VTEX_WEBHOOK_MAX_HEADER", "16K");
	const char *timeout = cli_env("VTEX_WEBHOOK_TIMEOUT", "10");
	const char *request_deadline = cli_env("VTEX_WEBHOOK_REQUEST_DEADLINE", "30");
	const char *max_conn = cli_env("VTEX_WEBHOOK_MAX_CONNECTIONS", "1000");
	const char *max_per_ip = cli_env("VTEX_WEBHOOK_MAX_PER_IP", "128");
	const char *threads = cli_env("VTEX_WEBHOOK_THREADS", "2");
	const char *drain = cli_env("VTEX_WEBHOOK_DRAIN_SECONDS", "10");
	const char *barrier_ms = cli_env("VTEX_WEBHOOK_BARRIER_MS", "1000");
	const char *barrier_records = cli_env("VTEX_WEBHOOK_BARRIER_RECORDS", "10000");
	const char *ack_timeout = cli_env("VTEX_WEBHOOK_ACK_TIMEOUT", "30");
	int c;

	cli_init(&o->cli, "vtex-webhook", HELP);
	o->srv.listen = cli_env("VTEX_WEBHOOK_LISTEN", "127.0.0.1:8080");
	o->srv.path = cli_env("VTEX_WEBHOOK_PATH", "/hook");
	o->srv.secret_header = cli_env("VTEX_WEBHOOK_SECRET_HEADER", "key");
	o->cert_file = cli_env("VTEX_WEBHOOK_TLS_CERT", NULL);
	o->key_file = cli_env("VTEX_WEBHOOK_TLS_KEY", NULL);
	o->output = cli_env("VTEX_WEBHOOK_OUTPUT", NULL);
	o->spool_dir = cli_env("VTEX_WEBHOOK_SPOOL", NULL);
	bool no_spool = o->spool_dir && strcmp(o->spool_dir, "none") == 0;
	o->ack_from = cli_env("VTEX_WEBHOOK_ACK_FROM", NULL);
	while ((c = getopt_long(argc, argv, "l:o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o->srv.listen = optarg; break;
		case 'o': o->output = optarg; break;
		case OPT_PATH: o->srv.path = optarg; break;
		case OPT_SECRET_HEADER: o->srv.secret_header = optarg; break;
		case OPT_SECRET_FILE: o->secret_file = optarg; break;
		case OPT_TLS_CERT: o->cert_file = optarg; break;
		case OPT_TLS_KEY: o->key_file = optarg; break;
		case OPT_SPOOL: o->spool_dir = optarg; no_spool = false; break;
		case OPT_NO_SPOOL: no_spool = true; break;
		case OPT_REQUEST_DEADLINE: request_deadline = optarg; break;
		case OPT_WRITE_DEADLINE: deadline = optarg; break;
		case OPT_MAX_BODY: max_body = optarg; break;
		case OPT_MAX_HEADER: max_header = optarg; break;
		case OPT_TIMEOUT: timeout = optarg; break;
		case OPT_MAX_CONN: max_conn = optarg; break;
		case OPT_MAX_PER_IP: max_per_ip = optarg; break;
		case OPT_THREADS: threads = optarg; break;
		case OPT_READY_FILE: o->ready_file = optarg; break;
		case OPT_DRAIN: drain = optarg; break;
		case OPT_ACK_FROM: o->ack_from = optarg; break;
		case OPT_BARRIER_MS: barrier_ms = optarg; break;
		case OPT_BARRIER_RECORDS: barrier_records = optarg; break;
		case OPT_ACK_TIMEOUT: ack_timeout = optarg; break;
		default:
			if (!cli_common_option(&o->cli, c, optarg))
				cli_usage_error(&o->cli, "unexpected option");
		}
	}
	if (optind < argc)
		cli_usage_error(&o->cli, "unexpected argument '%s'", argv[optind]);
	o->deadline_s = (double)cli_parse_ll(&o->cli, "--write-deadline-ms", deadline, 10, 4500) / 1000.0;
	o->srv.max_body = cli_parse_bytes(&o->cli, "--max-body", max_body);
	o->srv.max_header = cli_parse_bytes(&o->cli, "--max-header", max_header);
	o->srv.timeout_s = (unsigned)cli_parse_ll(&o->cli, "--timeout", timeout, 1, 3600);
	o->srv.request_deadline_s = cli_parse_double(&o->cli, "--request-deadline", request_deadline, 5, 3600);
	o->srv.max_connections = (unsigned)cli_parse_ll(&o->cli, "--max-connections", max_conn, 1, 100000);
	o->srv.max_per_ip = (unsigned)cli_parse_ll(&o->cli, "--max-per-ip", max_per_ip, 1, 100000);
	o->srv.threads = (unsigned)cli_parse_ll(&o->cli, "--threads", threads, 1, 64);
	o->drain_s = (double)cli_parse_ll(&o->cli, "--drain-seconds", drain, 0, 3600);
	o->barriers = BARRIER_POLICY_DEFAULT;
	o->barriers.interval_ms = (double)cli_parse_ll(&o->cli, "--barrier-ms", barrier_ms, 1, 3600000);
	o->barriers.records = (unsigned long)cli_parse_ll(&o->cli, "--barrier-records", barrier_records, 1, 1000000000);
	o->ack_timeout_s = cli_parse_double(&o->cli, "--ack-timeout", ack_timeout, 0, 86400);
	if (no_spool)
		o->spool_dir = NULL;
	else if (!o->spool_dir)
		o->spool_dir = o->default_spool = default_spool_dir(&o->cli);
	if (o->ack_from && !*o->ack_from)
		o->ack_from = NULL;
	if (o->ack_from && !o->spool_dir)
		cli_usage_error(&o->cli, "--ack-from needs the spool (the journal keeps what is not acknowledged yet): drop --no-spool");
	if (o->srv.max_body < 64 || o->srv.max_body > (64u << 20))
		cli_usage_error(&o->cli, "--max-body: between 64 and 64M");
	if (o->srv.max_header < 4096 || o->srv.max_header > (1u << 20))
		cli_usage_error(&o->cli, "--max-header: between 4K and 1M");
	if (o->srv.path[0] != '/')
		cli_usage_error(&o->cli, "--path must start with '/'");
	if (!strcmp(o->srv.path, "/healthz") || !strcmp(o->srv.path, "/metrics"))
		cli_usage_error(&o->cli, "--path: %s is taken", o->srv.path);
	if (!*o->srv.secret_header || strpbrk(o->srv.secret_header, ": \t\r\n"))
		cli_usage_error(&o->cli, "--secret-header: '%s' is not a header name", o->srv.secret_header);
	if (!o->cert_file != !o->key_file)
		cli_usage_error(&o->cli, "--tls-cert and --tls-key go together");
}

static char *load_secret(const options *o)
{
	const char *err = NULL;
	char *s = o->secret_file ? secret_read_file(o->secret_file, &err) : secret_read("VTEX_WEBHOOK_SECRET", &err);
	if (err)
		exit(VP_EXIT_CONFIG); /* secret_read logged why */
	if (!s || !*s) {
		log_error("no shared secret: every hook request would be refused",
			  LS("hint", "set VTEX_WEBHOOK_SECRET or VTEX_WEBHOOK_SECRET_FILE, or give --secret-file"));
		exit(VP_EXIT_CONFIG);
	}
	if (strpbrk(s, "\r\n"))
		config_error("the secret holds a line break", o->secret_file);
	/* Whoever guesses it can inject order events: no short words. */
	if (strlen(s) < WEBHOOK_SECRET_MIN)
		config_error("the secret is shorter than 16 bytes (use e.g. `openssl rand -hex 32`)", o->secret_file);
	return s;
}

/* A pipe or socket output is made non-blocking, so a stalled reader cannot
 * hold a line past its deadline; the original flags come back at exit. */
static int out_flags = -1;
static int out_fd = STDOUT_FILENO;

static void restore_output(void)
{
	if (out_flags >= 0)
		fcntl(out_fd, F_SETFL, out_flags);
}

/* A regular file output whose last line has no '\n' (a crash in the middle
 * of a write) gets one, so the next event is not glued to it. That piece
 * was never answered 200 (VTEX sends its event again); downstream it is one
 * line that is not JSON, refused to the next stage's rejects with its line
 * number (vtex-webhook(1), OUTPUT). */
static void end_partial_line(int fd, const char *name)
{
	struct stat st;
	char last;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return;
	int rfd = open(name, O_RDONLY | O_CLOEXEC);
	ssize_t n = rfd >= 0 ? pread(rfd, &last, 1, st.st_size - 1) : -1;
	if (rfd >= 0)
		close(rfd);
	if (n != 1 || last == '\n')
		return;
	if (write(fd, "\n", 1) != 1) {
		log_error("cannot end the partial last line of the output", LS("path", name), LS("error", strerror(errno)));
		exit(VP_EXIT_IOERR);
	}
	log_warn("ended a partial last line left in the output by an earlier run (never acknowledged: "
		 "VTEX sends its event again; the next stage rejects the piece)", LS("path", name));
}

static int open_output(const options *o)
{
	if (o->output) {
		out_fd = private_open(o->output, O_WRONLY | O_APPEND);
		if (out_fd < 0) {
			log_error("cannot open the output", LS("path", o->output), LS("error", strerror(errno)));
			exit(VP_EXIT_IOERR);
		}
	}
	end_partial_line(out_fd, o->output ? o->output : "/dev/stdout");
	if (o->ack_from) {
		/* Only the spool's forwarder writes (it waits for a slow reader), and
		 * barriers go through a blocking writer: a blocking output. */
		int fl = fcntl(out_fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK) && fcntl(out_fd, F_SETFL, fl & ~O_NONBLOCK) == 0) {
			out_flags = fl;
			atexit(restore_output);
		}
		return out_fd;
	}
	struct stat st;
	if (fstat(out_fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		out_flags = fcntl(out_fd, F_GETFL);
		if (out_flags >= 0 && fcntl(out_fd, F_SETFL, out_flags | O_NONBLOCK) == 0)
			atexit(restore_output);
		else
			out_flags = -1;
	}
	return out_fd;
}

static void write_ready_file(const char *path, const char *url)
{
	buf tmp = { 0 };
	buf_printf(&tmp, "%s.tmp", path);
	FILE *f = fopen(buf_cstr(&tmp), "w");
	if (!f || fprintf(f, "%s\n", url) < 0 || fclose(f) != 0 || rename(buf_cstr(&tmp), path) != 0) {
		log_error("cannot write the ready file", LS("path", path), LS("error", strerror(errno)));
		exit(VP_EXIT_IOERR);
	}
	buf_free(&tmp);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "configure") == 0)
		return configure_main(argc - 1, argv + 1);

	options o = { 0 };
	parse_options(&o, argc, argv);
	char *secret = load_secret(&o);
	o.srv.secret = secret;
	if (o.cert_file) {
		o.srv.tls_cert = read_pem(o.cert_file, false);
		o.srv.tls_key = read_pem(o.key_file, true);
	}

	/* Signals go to this thread only, through sigtimedwait below. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	int fd = open_output(&o);
	spool *sp = NULL;
	if (o.spool_dir) {
		const char *err;
		sp = spool_open(o.spool_dir, 64u << 20, o.ack_from != NULL, &err);
		if (!sp) {
			log_error(err, LS("dir", o.spool_dir), LS("error", strerror(errno)));
			exit(VP_EXIT_CONFIG);
		}
	}
	spool_acks *acks = NULL;
	if (o.ack_from) {
		const char *err;
		acks = spool_acks_open(o.ack_from, o.barriers, sp, fd, &err);
		if (!acks) {
			log_error(err, LS("path", o.ack_from), LS("error", strerror(errno)));
			exit(VP_EXIT_CONFIG);
		}
	}
	commit_options co = {
		.out_fd = fd,
		.sp = sp,
		.acks = acks,
		.deadline_s = o.deadline_s,
		.max_batch_bytes = 4u << 20,
		.answer = server_answer,
	};
	commitq *q = commitq_start(&co);
	char url[256];
	server *srv = server_start(&o.srv, q, url, sizeof url);
	if (!srv)
		exit(VP_EXIT_UNAVAILABLE);
	log_info("listening", LS("url", url), LS("path", o.srv.path), LS("spool", o.spool_dir ? o.spool_dir : ""),
		 LS("ack_from", o.ack_from ? o.ack_from : ""));
	if (o.ready_file)
		write_ready_file(o.ready_file, url);

	const char *why = "signal";
	for (;;) {
		struct timespec ts = { 0, 100 * 1000000L };
		int sig = sigtimedwait(&sigs, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT) {
			why = sig == SIGTERM ? "SIGTERM" : "SIGINT";
			break;
		}
		if (commitq_closed(q)) {
			why = "output closed";
			break;
		}
	}
	log_info("stopping: no new connections, finishing the requests in flight", LS("why", why));
	server_quiesce(srv);
	double until = progress_now() + o.drain_s;
	while (server_active(srv) > 0 && progress_now() < until) {
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (server_active(srv) > 0)
		log_warn("requests still in flight after --drain-seconds", LI("requests", server_active(srv)));
	/* The queue first: suspended requests get their answers before the daemon stops. */
	unsigned long long backlog = 0;
	commitq_end end = commitq_stop(q, until - progress_now() > 0 ? until - progress_now() : 0);
	server_stop(srv);
	if (end == COMMITQ_BACKLOG) {
		cli_finish(&o.cli);
		_exit(VP_EXIT_TEMPFAIL); /* the forwarder still holds the spool; the journal keeps the rest */
	}
	if (acks) {
		/* End of the output: the pipe's last stage finishes and acknowledges. */
		restore_output();
		out_flags = -1;
		close(fd);
		double t0 = progress_now();
		bool all = spool_acks_drain(acks, end == COMMITQ_STOPPED ? (int)(o.ack_timeout_s * 1000) : 0);
		if (all)
			log_info("every barrier acknowledged", LD("waited_s", progress_now() - t0));
		else
			log_warn("barriers not acknowledged (--ack-timeout): their events stay in the journal "
				 "and are forwarded again on the next start", LI("barriers", spool_acks_pending(acks)));
		spool_acks_close(acks);
	}
	if (sp) {
		backlog = acks ? spool_uncommitted(sp) : spool_backlog(sp);
		spool_close(sp);
	}
	if (o.output && !acks)
		close(fd);
	cli_finish(&o.cli);
	secret_free(secret);
	free(o.srv.tls_cert);
	free(o.default_spool);
	secret_free(o.srv.tls_key);
	if (end == COMMITQ_OUT_CLOSED)
		return VP_EXIT_IOERR;
	if (backlog) {
		log_warn(acks ? "stopped with journalled events not acknowledged; they are forwarded again on the next start"
			      : "stopped with a spool backlog; it is forwarded on the next start", LI("bytes", backlog));
		return VP_EXIT_TEMPFAIL;
	}
	log_info("stopped");
	return VP_EXIT_OK;
}
