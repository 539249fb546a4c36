/* vtex-webhook: receives VTEX order hooks over HTTP(S) and writes one NDJSON
 * line per event, answering 200 only once the line is written (or journalled
 * and synced with --spool); `vtex-webhook configure` sets the hook up on VTEX. */
#include "acks.h"
#include "private_file.h"
#include "buf.h"
#include "cli_table.h"
#include "commit.h"
#include "configure.h"
#include "exitcode.h"
#include "httpd.h"
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

static const char synopsis[] =
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
	"\n";
static const char epilogue[] =
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

typedef struct {
	cli_common cli;
	server_config srv;
	const char *secret_file, *cert_file, *key_file, *output, *spool_dir, *ready_file, *ack_from;
	bool no_spool;         /* --no-spool, or VTEX_WEBHOOK_SPOOL=none, after any --spool */
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

/* --spool DIR and --no-spool: the last one given wins, and either wins over
 * VTEX_WEBHOOK_SPOOL (a directory, or none for --no-spool). */
static void spool_option(void *dest, const char *from, const char *value)
{
	options *o = dest;
	o->no_spool = !value || (*from != '-' && strcmp(value, "none") == 0);
	if (!o->no_spool)
		o->spool_dir = value;
}

static void parse_options(options *o, int argc, char **argv)
{
	long long deadline_ms, timeout, max_conn, max_per_ip, threads, drain, barrier_ms, barrier_records;
	const cli_opt opts[] = {
		{ .name = "listen", .short_name = 'l', .type = CLI_STRING, .dest = &o->srv.listen, .arg = "ADDR:PORT",
		  .env = "VTEX_WEBHOOK_LISTEN", .def = "127.0.0.1:8080",
		  .help = "address to listen on, [ADDR6]:PORT for IPv6; port 0 picks a free one",
		  .man = "IPv4 address and port, or\n.BI [ ADDR6 ]: PORT\nfor IPv6. Port 0 takes a free port (see\n"
			 ".BR \\-\\-ready\\-file )." },
		{ .name = "path", .type = CLI_STRING, .dest = &o->srv.path, .arg = "PATH", .env = "VTEX_WEBHOOK_PATH",
		  .def = "/hook", .help = "the hook's path" },
		{ .name = "secret-header", .type = CLI_STRING, .dest = &o->srv.secret_header, .arg = "NAME",
		  .env = "VTEX_WEBHOOK_SECRET_HEADER", .def = "key",
		  .help = "header carrying the shared secret, as configured on the VTEX hook" },
		{ .name = "secret-file", .type = CLI_PATH, .dest = &o->secret_file, .arg = "FILE",
		  .help = "the secret; else env VTEX_WEBHOOK_SECRET or VTEX_WEBHOOK_SECRET_FILE (required)",
		  .man = "read the secret from FILE; otherwise from\n.B VTEX_WEBHOOK_SECRET\nor the file named by\n"
			 ".BR VTEX_WEBHOOK_SECRET_FILE .\nRequired: without a secret, or with one shorter than "
			 "16 bytes (whoever guesses it can\ninject order events; make one with\n"
			 ".BR \"openssl rand \\-hex 32\" ),\n.B vtex-webhook\n(and\n.BR \"vtex-webhook configure\" )\n"
			 "exits 78. Never on the command line; a secret file readable by its group or by every\n"
			 "user is refused (see\n.BR vtex-pipes (7),\nSECRETS)." },
		{ .name = "tls-cert", .type = CLI_PATH, .dest = &o->cert_file, .arg = "FILE",
		  .env = "VTEX_WEBHOOK_TLS_CERT",
		  .help = "serve HTTPS (TLS 1.2 or later) with this PEM certificate (chain); VTEX requires an "
			  "https hook URL in production" },
		{ .name = "tls-key", .type = CLI_PATH, .dest = &o->key_file, .arg = "FILE", .env = "VTEX_WEBHOOK_TLS_KEY",
		  .help = "and this PEM private key" },
		{ .name = "output", .short_name = 'o', .type = CLI_PATH, .dest = &o->output, .arg = "FILE",
		  .env = "VTEX_WEBHOOK_OUTPUT", .help = "append lines to FILE (created mode 0600) instead of standard output" },
		{ .name = "spool", .type = CLI_CUSTOM, .dest = o, .parse = spool_option, .arg = "DIR",
		  .env = "VTEX_WEBHOOK_SPOOL",
		  .help = "acknowledge once journalled and fsync'd in DIR; the journal is forwarded to the output, "
			  "replayed on restart, trimmed once forwarded. One process per DIR. Default "
			  "$STATE_DIRECTORY/spool, else $XDG_STATE_HOME or ~/.local/state, "
			  "/vtex-pipes/webhook-spool",
		  .man = "see\n.B Spool\n(the default directory is named there). The variable's value\n.B none\n"
			 "is\n.BR \\-\\-no\\-spool ;\nthe last of\n.B \\-\\-spool\nand\n.B \\-\\-no\\-spool\n"
			 "given wins, over the variable." },
		{ .name = "no-spool", .type = CLI_CUSTOM, .dest = o, .parse = spool_option,
		  .help = "no journal: answer 200 once the line is written to the output (lost if the host crashes "
			  "before it is read; env VTEX_WEBHOOK_SPOOL=none)",
		  .man = "no journal: a request is answered 200 once its line is written to the output (not\n"
			 "synced); an event is lost if the host crashes before the reader took it. For a reader\n"
			 "that is itself durable at once, or tests (env\n.BR VTEX_WEBHOOK_SPOOL=none )." },
		{ .name = "ack-from", .type = CLI_PATH, .dest = &o->ack_from, .arg = "FIFO", .env = "VTEX_WEBHOOK_ACK_FROM",
		  .help = "with --spool: write checkpoint barriers between the lines forwarded and read them back "
			  "from FIFO (made, mode 0600, when absent); the spool's position is committed, and its "
			  "journals deleted, only once a barrier comes back; a restart forwards again from the last one",
		  .man = "with\n.BR \\-\\-spool :\ncommit the spool's position only when the sink acknowledges it; see\n"
			 ".BR Acknowledgements .\nAn existing\n.I FIFO\nthat is not a FIFO, or one that cannot be "
			 "made, exits 78; with\n.B \\-\\-no\\-spool\nit is a usage error (64)." },
		{ .name = "barrier-ms", .type = CLI_COUNT, .dest = &barrier_ms, .arg = "N", .env = "VTEX_WEBHOOK_BARRIER_MS",
		  .def = "1000", .min = 1, .max = 3600000,
		  .help = "with --ack-from: a barrier at most N ms after the first line it covers (1 to 3600000)" },
		{ .name = "barrier-records", .type = CLI_COUNT, .dest = &barrier_records, .arg = "N",
		  .env = "VTEX_WEBHOOK_BARRIER_RECORDS", .def = "10000", .min = 1, .max = 1000000000,
		  .help = "with --ack-from: or after N lines" },
		{ .name = "ack-timeout", .type = CLI_NUMBER, .dest = &o->ack_timeout_s, .arg = "SECONDS",
		  .env = "VTEX_WEBHOOK_ACK_TIMEOUT", .def = "30", .min = 0, .max = 86400,
		  .help = "with --ack-from, on SIGTERM, after the last barrier: wait for the acknowledgements while "
			  "one comes back at least every SECONDS (fractions allowed); a stop may take "
			  "--drain-seconds plus this long" },
		{ .name = "write-deadline-ms", .type = CLI_COUNT, .dest = &deadline_ms, .arg = "N",
		  .env = "VTEX_WEBHOOK_WRITE_DEADLINE_MS", .def = "2000", .min = 10, .max = 4500,
		  .help = "answer 503 when a line is not committed within N ms of its request (10 to 4500)" },
		{ .name = "max-body", .type = CLI_BYTES, .dest = &o->srv.max_body, .arg = "SIZE",
		  .env = "VTEX_WEBHOOK_MAX_BODY", .def = "64K", .min = 64, .max = 64 << 20,
		  .help = "larger bodies get 413 (64 to 64M); VTEX's notifications are under 1 KB" },
		{ .name = "max-header", .type = CLI_BYTES, .dest = &o->srv.max_header, .arg = "SIZE",
		  .env = "VTEX_WEBHOOK_MAX_HEADER", .def = "16K", .min = 4096, .max = 1 << 20,
		  .help = "memory for the request line and headers of one connection: larger are refused (4K to 1M)" },
		{ .name = "timeout", .type = CLI_COUNT, .dest = &timeout, .arg = "SECONDS", .env = "VTEX_WEBHOOK_TIMEOUT",
		  .def = "10", .min = 1, .max = 3600,
		  .help = "close a connection idle (or a client this slow) that long; a request waiting for its "
			  "line to be committed is not idle: the write deadline bounds it" },
		{ .name = "request-deadline", .type = CLI_NUMBER, .dest = &o->srv.request_deadline_s, .arg = "SECONDS",
		  .env = "VTEX_WEBHOOK_REQUEST_DEADLINE", .def = "30", .min = 5, .max = 3600,
		  .help = "close a connection whose request is not whole and answered that long after its first "
			  "byte, however steadily it trickles in (5 to 3600, above --write-deadline-ms)",
		  .man = "a connection whose request is not read and answered this long after it began (its\n"
			 "connection was accepted, or the request before it on a kept-alive connection was\n"
			 "answered: never later than its first byte) is closed, however steadily the client\n"
			 "trickles bytes in (\\-\\-timeout bounds only idle time). A request waiting for its commit\n"
			 "is left to the write deadline. Counted in\n"
			 ".BR vtex_pipes_webhook_deadline_closed_total ;\n5 to 3600." },
		{ .name = "max-connections", .type = CLI_COUNT, .dest = &max_conn, .arg = "N",
		  .env = "VTEX_WEBHOOK_MAX_CONNECTIONS", .def = "1000", .min = 1, .max = 100000,
		  .help = "open connections at most" },
		{ .name = "max-per-ip", .type = CLI_COUNT, .dest = &max_per_ip, .arg = "N", .env = "VTEX_WEBHOOK_MAX_PER_IP",
		  .def = "128", .min = 1, .max = 100000,
		  .help = "open connections per client address at most; more are accepted and closed at once" },
		{ .name = "threads", .type = CLI_COUNT, .dest = &threads, .arg = "N", .env = "VTEX_WEBHOOK_THREADS",
		  .def = "2", .min = 1, .max = 64,
		  .help = "server threads (libmicrohttpd workers, each with its own epoll loop)" },
		{ .name = "ready-file", .type = CLI_PATH, .dest = &o->ready_file, .arg = "FILE",
		  .help = "write the server's URL (http or https, with the port) there once listening" },
		{ .name = "drain-seconds", .type = CLI_COUNT, .dest = &drain, .arg = "N", .env = "VTEX_WEBHOOK_DRAIN_SECONDS",
		  .def = "10", .min = 0, .max = 3600,
		  .help = "on SIGTERM, wait this long at most for requests in flight and the spool's backlog" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts };

	cli_init(&o->cli, "vtex-webhook");
	int first = cli_table_parse(&o->cli, &spec, argc, argv);
	if (first < argc)
		cli_usage_error(&o->cli, "unexpected argument '%s'", argv[first]);
	o->deadline_s = (double)deadline_ms / 1000.0;
	o->srv.timeout_s = (unsigned)timeout;
	o->srv.max_connections = (unsigned)max_conn;
	o->srv.max_per_ip = (unsigned)max_per_ip;
	o->srv.threads = (unsigned)threads;
	o->drain_s = (double)drain;
	o->barriers = BARRIER_POLICY_DEFAULT;
	o->barriers.interval_ms = (double)barrier_ms;
	o->barriers.records = (unsigned long)barrier_records;
	if (o->no_spool)
		o->spool_dir = NULL;
	else if (!o->spool_dir)
		o->spool_dir = o->default_spool = default_spool_dir(&o->cli);
	if (o->ack_from && !*o->ack_from)
		o->ack_from = NULL;
	if (o->ack_from && !o->spool_dir)
		cli_usage_error(&o->cli, "--ack-from needs the spool (the journal keeps what is not acknowledged yet): drop --no-spool");
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
		listen_ready_file(o.ready_file, url);

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
