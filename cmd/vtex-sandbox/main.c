/* vtex-sandbox: a local VTEX store for the demo, the tests and the
 * benchmarks. See man/man1/vtex-sandbox.1. */
#include "app.h"
#include "cli_table.h"
#include "exitcode.h"
#include "faults.h"
#include "feed.h"
#include "httpd.h"
#include "hooks.h"
#include "live.h"
#include "log.h"
#include "progress.h"
#include "scroll.h"
#include "secret.h"
#include "server.h"
#include "truth.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: vtex-sandbox [OPTION]...\n"
	"A local VTEX store: VTEX's Catalog, Pricing, OMS, hook, feed and Master Data CL endpoints\n"
	"with their paths, auth, caps and shapes, over deterministic generated data.\n"
	"Credentials: only the pair in VTEX_APP_KEY and VTEX_APP_TOKEN (or VTEX_APP_TOKEN_FILE), and the\n"
	"APPKEY=APPTOKEN pairs in VTEX_SANDBOX_APP_KEYS (or _FILE); each app key has its own hook and feed.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Exit status: 0 stopped by a signal; 64 usage; 69 cannot listen; 74 the truth or ready\n"
	"file not written; 78 credentials missing or malformed. See vtex-sandbox(1).\n";

/* The options' values that need more than the table's types, checked once parsed. */
typedef struct {
	const char *now, *faults, *account_limits;
} text_options;

static void parse_args(cli_common *c, sb_config *cfg, int argc, char **argv)
{
	text_options t = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	memset(cfg, 0, sizeof *cfg);
	cfg->threads = cpus > 0 ? cpus : 2;
	cfg->client_updates_per_second = -1; /* derived from --orders-per-second unless given */
	cfg->fault_seed = -1;
	const cli_opt opts[] = {
		{ .heading = "Store", .name = "listen", .type = CLI_STRING, .dest = &cfg->listen, .arg = "ADDR:PORT",
		  .env = "VTEX_SANDBOX_LISTEN", .def = "127.0.0.1:8099",
		  .help = "address to serve, [ADDR6]:PORT for IPv6; port 0: any free",
		  .man = "IPv4 address and port to serve, or\n.BI [ ADDR6 ]: PORT\nfor IPv6. Port 0 picks a "
			 "free port; see\n.BR \\-\\-ready\\-file ." },
		{ .name = "ready-file", .type = CLI_PATH, .dest = &cfg->ready_file, .arg = "PATH",
		  .env = "VTEX_SANDBOX_READY_FILE", .help = "write the base URL there once serving",
		  .man = "Once the server accepts connections, write its base URL\n.RB ( http://127.0.0.1:PORT ,\n"
			 ".BR http://[::1]:PORT )\nand a newline there (atomically)." },
		{ .name = "account", .type = CLI_STRING, .dest = &cfg->account, .arg = "NAME",
		  .env = "VTEX_SANDBOX_ACCOUNT", .def = "sandbox",
		  .help = "account name, lower-case letters and digits; pricing is under /NAME/pricing" },
		{ .name = "seed", .type = CLI_COUNT, .dest = &cfg->seed, .arg = "N", .env = "VTEX_SANDBOX_SEED",
		  .def = "1", .min = 0, .max = (double)LLONG_MAX, .help = "data seed: same seed, same store" },
		{ .name = "products", .type = CLI_COUNT, .dest = &cfg->products, .arg = "N",
		  .env = "VTEX_SANDBOX_PRODUCTS", .def = "500", .min = 1, .max = 10000000,
		  .help = "products, each with 0 to 6 SKUs" },
		{ .name = "clients", .type = CLI_COUNT, .dest = &cfg->clients, .arg = "N",
		  .env = "VTEX_SANDBOX_CLIENTS", .def = "2000", .min = 0, .max = 50000000, .help = "CL documents" },
		{ .name = "orders", .type = CLI_COUNT, .dest = &cfg->orders, .arg = "N", .env = "VTEX_SANDBOX_ORDERS",
		  .def = "5000", .min = 0, .max = 100000000, .help = "orders in the history" },
		{ .name = "now", .type = CLI_STRING, .dest = &t.now, .arg = "TIME", .env = "VTEX_SANDBOX_NOW",
		  .help = "the sandbox clock at start, e.g. 2026-01-15T12:00:00Z; default: the current time",
		  .man = "The sandbox clock at start (default: the current time): the history ends there and "
			 "the clock runs\non from it. Give it to get the same bytes from run to run." },
		{ .name = "history-days", .type = CLI_COUNT, .dest = &cfg->history_days, .arg = "N",
		  .env = "VTEX_SANDBOX_HISTORY_DAYS", .def = "700", .min = 1, .max = 729,
		  .help = "days of order history before --now, at most 729 (VTEX's two-year list horizon)" },
		{ .name = "busy-day-share", .type = CLI_NUMBER, .dest = &cfg->busy_day_share, .arg = "P",
		  .env = "VTEX_SANDBOX_BUSY_DAY_SHARE", .def = "0.04", .min = 0, .max = 0.5,
		  .help = "share of the orders on the busiest day, at most 0.5" },
		{ .name = "truth", .type = CLI_PATH, .dest = &cfg->truth_file, .arg = "PATH",
		  .env = "VTEX_SANDBOX_TRUTH", .help = "write the ground truth there: see TRUTH FILE in vtex-sandbox(1)" },
		{ .name = "threads", .type = CLI_COUNT, .dest = &cfg->threads, .arg = "N", .env = "VTEX_SANDBOX_THREADS",
		  .min = 1, .max = 256, .help = "server threads; default: the number of CPUs" },
		{ .name = "max-connections", .type = CLI_COUNT, .dest = &cfg->max_connections, .arg = "N",
		  .env = "VTEX_SANDBOX_MAX_CONNECTIONS", .def = "1000", .min = 1, .max = 100000,
		  .help = "open connections at most" },
		{ .name = "scroll-ttl", .type = CLI_COUNT, .dest = &cfg->scroll_ttl, .arg = "SECONDS",
		  .env = "VTEX_SANDBOX_SCROLL_TTL", .def = "1200", .min = 1, .max = 86400,
		  .help = "idle life of a Master Data scroll token (VTEX's 20 minutes)" },
		{ .name = "list-lag", .type = CLI_COUNT, .dest = &cfg->list_lag, .arg = "SECONDS",
		  .env = "VTEX_SANDBOX_LIST_LAG", .def = "0", .min = 0, .max = 86400,
		  .help = "orders appear in the list this long after creation (VTEX's index lags about 4 "
			  "minutes; the detail endpoint has no lag)" },
		{ .heading = "Live mode", .name = "orders-per-second", .type = CLI_NUMBER,
		  .dest = &cfg->orders_per_second, .arg = "R", .env = "VTEX_SANDBOX_ORDERS_PER_SECOND", .def = "0",
		  .min = 0, .max = 100000,
		  .help = "new orders per second, and status changes over time; 0: off; see LIVE MODE in "
			  "vtex-sandbox(1)" },
		{ .name = "live-step-seconds", .type = CLI_NUMBER, .dest = &cfg->live_step_seconds, .arg = "S",
		  .env = "VTEX_SANDBOX_LIVE_STEP_SECONDS", .def = "2", .min = 0.01, .max = 86400,
		  .help = "mean time between two workflow steps of an order" },
		{ .name = "new-client-share", .type = CLI_NUMBER, .dest = &cfg->new_client_share, .arg = "P",
		  .env = "VTEX_SANDBOX_NEW_CLIENT_SHARE", .def = "0.25", .min = 0, .max = 1,
		  .help = "share of live orders from new customers" },
		{ .name = "client-updates-per-second", .type = CLI_NUMBER, .dest = &cfg->client_updates_per_second,
		  .arg = "R", .env = "VTEX_SANDBOX_CLIENT_UPDATES_PER_SECOND", .min = 0, .max = 100000,
		  .help = "CL profile edits per second; default: a quarter of --orders-per-second" },
		{ .name = "late-share", .type = CLI_NUMBER, .dest = &cfg->late_share, .arg = "P",
		  .env = "VTEX_SANDBOX_LATE_SHARE", .def = "0.1", .min = 0, .max = 1,
		  .help = "older orders (4 to 50 days old) invoiced or canceled, per new order; 0: none" },
		{ .name = "hook-url", .type = CLI_STRING, .dest = &cfg->hook_url, .arg = "URL",
		  .env = "VTEX_SANDBOX_HOOK_URL", .help = "send order hooks there from the start (every status, not pinged)",
		  .man = "Configure the hook from the start (not pinged): every workflow status, sent to URL. With\n"
			 ".B VTEX_SANDBOX_HOOK_SECRET\n(or\n.BR VTEX_SANDBOX_HOOK_SECRET_FILE )\n"
			 "set, each notification carries it in the header named by\n.BR \\-\\-hook\\-header .\n"
			 "A configuration posted later replaces it." },
		{ .name = "hook-header", .type = CLI_STRING, .dest = &cfg->hook_header_name, .arg = "NAME",
		  .env = "VTEX_SANDBOX_HOOK_HEADER", .def = "key",
		  .help = "header carrying VTEX_SANDBOX_HOOK_SECRET (or _FILE) with --hook-url",
		  .man = "The header that carries the secret (key is the property VTEX's schema requires in\n"
			 ".BR hook.headers )." },
		{ .name = "hook-dup-rate", .type = CLI_NUMBER, .dest = &cfg->hook_dup_rate, .arg = "P",
		  .env = "VTEX_SANDBOX_HOOK_DUP_RATE", .def = "0.05", .min = 0, .max = 1,
		  .help = "share of notifications (and of feed events) sent twice" },
		{ .name = "hook-reorder-rate", .type = CLI_NUMBER, .dest = &cfg->hook_reorder_rate, .arg = "P",
		  .env = "VTEX_SANDBOX_HOOK_REORDER_RATE", .def = "0.05", .min = 0, .max = 1,
		  .help = "share of notifications (and of feed events) held back so later ones overtake them" },
		{ .name = "hook-max-attempts", .type = CLI_COUNT, .dest = &cfg->hook_max_attempts, .arg = "N",
		  .env = "VTEX_SANDBOX_HOOK_MAX_ATTEMPTS", .def = "100", .min = 1, .max = 10000,
		  .help = "delivery attempts per notification before it is dropped and logged" },
		{ .name = "hook-timeout-ms", .type = CLI_COUNT, .dest = &cfg->hook_timeout_ms, .arg = "N",
		  .env = "VTEX_SANDBOX_HOOK_TIMEOUT_MS", .def = "5000", .min = 1, .max = 600000,
		  .help = "a delivery, or the ping of a configuration, fails without a 200 within this" },
		{ .name = "feed-config", .type = CLI_STRING, .dest = &cfg->feed_config, .arg = "JSON",
		  .env = "VTEX_SANDBOX_FEED_CONFIG",
		  .help = "configure VTEX_APP_KEY's order feed from the start with this body of POST "
			  "/api/orders/feed/config, e.g. '{}'",
		  .man = "Configure the feed of\n.B VTEX_APP_KEY\nfrom the start with this body of\n"
			 ".B POST /api/orders/feed/config\n.RB ( '{}' :\nevery status, visibility timeout 250 s, "
			 "retention 4 days). A body the endpoint would refuse\nis a usage error (64). A "
			 "configuration posted later replaces it." },
		{ .name = "feed-min-retention", .type = CLI_COUNT, .dest = &cfg->feed_min_retention, .arg = "S",
		  .env = "VTEX_SANDBOX_FEED_MIN_RETENTION", .def = "345600", .min = 1, .max = FEED_RETENTION_MIN,
		  .help = "TEST ONLY: accept a feed retention down to S seconds instead of VTEX's 345600",
		  .man = "For tests only: the smallest retention a feed configuration may ask for (VTEX's\n"
			 "4 days at most). A test gives, say, 3 to see messages dropped past the retention and an\n"
			 "idle feed deleted within seconds; VTEX itself refuses less than 4 days." },
		{ .heading = "Faults and pace", .name = "fault-rate", .type = CLI_NUMBER, .dest = &cfg->fault_rate,
		  .arg = "P", .env = "VTEX_SANDBOX_FAULT_RATE", .def = "0", .min = 0, .max = 1,
		  .help = "share of requests that get a fault (every endpoint but /metrics, before credentials "
			  "are checked)" },
		{ .name = "faults", .type = CLI_STRING, .dest = &t.faults, .arg = "LIST", .env = "VTEX_SANDBOX_FAULTS",
		  .def = "429,5xx,reset,truncate,slow", .help = "which faults, comma-separated",
		  .man = "Which faults, comma-separated:\n.B 429\n(with\n.BR Retry\\-After ),\n.B 5xx\n"
			 "(500, 502, 503 or 504),\n.B reset\n(the connection is closed without an answer),\n"
			 ".B truncate\n(half the time the connection closes before the body announced by "
			 "Content-Length is\ncomplete; half the time a complete answer whose JSON stops short),\n"
			 ".B slow\n(the answer comes\n.B \\-\\-slow\\-ms\nlate, then normally)." },
		{ .name = "fault-seed", .type = CLI_COUNT, .dest = &cfg->fault_seed, .arg = "N",
		  .env = "VTEX_SANDBOX_FAULT_SEED", .min = 0, .max = (double)LLONG_MAX,
		  .help = "draw faults from this seed, by arrival order of requests: a run with sequential "
			  "requests sees the same faults every time; default: a different draw each run" },
		{ .name = "slow-ms", .type = CLI_COUNT, .dest = &cfg->slow_ms, .arg = "N", .env = "VTEX_SANDBOX_SLOW_MS",
		  .def = "15000", .min = 0, .max = 600000, .help = "delay of the slow fault" },
		{ .name = "retry-after", .type = CLI_COUNT, .dest = &cfg->retry_after, .arg = "N",
		  .env = "VTEX_SANDBOX_RETRY_AFTER", .def = "1", .min = 0, .max = 3600,
		  .help = "Retry-After seconds on 429" },
		{ .name = "rate-limit", .type = CLI_NUMBER, .dest = &cfg->rate_limit, .arg = "RPS",
		  .env = "VTEX_SANDBOX_RATE_LIMIT", .def = "0", .min = 0, .max = 1e7,
		  .help = "answer 429 above this many requests/s (every endpoint but /metrics, before credentials "
			  "are checked), with a burst of one second's worth; 0: none" },
		{ .name = "account-limits", .type = CLI_STRING, .dest = &t.account_limits, .arg = "SPEC",
		  .env = "VTEX_SANDBOX_ACCOUNT_LIMITS", .def = "off",
		  .help = "VTEX's per-account limits by class, 429 with Retry-After above them: off, vtex "
			  "(OMS 6,000/min, Catalog 45,000/min and 15,000/min per endpoint, 60 s of 429 on OMS "
			  "after one) or a list such as oms=50,catalog=300,catalog_endpoint=150,window=5,oms_pause=5",
		  .man = "VTEX's per-account limits by API class, counted in fixed windows, after the\n"
			 "credentials are checked; a request over a budget gets 429 with\n.BR Retry\\-After :\n"
			 "the seconds left in the window, or on OMS the pause.\n.B off\n: none;\n.BR vtex :\n"
			 "VTEX's figures, OMS (order list and detail) 6,000 a minute per account, Catalog 45,000 a\n"
			 "minute per account and 15,000 a minute per endpoint, and after one 429 on OMS every OMS\n"
			 "request answered 429 for 60 s (VTEX's \"about a minute of silence\");\nor a list such as\n"
			 ".B oms=50,catalog=300,catalog_endpoint=150,window=5,oms_pause=5\n(requests per window, the "
			 "window and the pause in seconds) whose missing names keep VTEX's\nfigures, so that tests "
			 "can use small budgets. Pricing, the feed, hooks and Master Data are\nnot in these classes "
			 "(Master Data's limit is its 10 open scrolls). Each refusal counts in\n"
			 ".BR vtex_sandbox_throttled_total{class} ." },
		{ .name = "latency-ms", .type = CLI_COUNT, .dest = &cfg->latency_ms, .arg = "N",
		  .env = "VTEX_SANDBOX_LATENCY_MS", .def = "0", .min = 0, .max = 600000,
		  .help = "answer every request this much later, like a distant server (waiting requests hold "
			  "no thread)" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts };

	int first = cli_table_parse(c, &spec, argc, argv);
	if (first < argc)
		cli_usage_error(c, "unexpected argument '%s'", argv[first]);
	if (!*cfg->account || strspn(cfg->account, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(cfg->account))
		cli_usage_error(c, "--account: '%s' is not a VTEX account name (lower-case letters and digits)",
				cfg->account);
	cfg->now = vtime_now();
	if (t.now && !vtime_parse(t.now, strlen(t.now), &cfg->now))
		cli_usage_error(c, "--now: '%s' is not a timestamp such as 2026-01-15T12:00:00Z", t.now);
	if (!faults_parse_list(t.faults, cfg->faults))
		cli_usage_error(c, "--faults: '%s' is not a list of 429, 5xx, reset, truncate, slow", t.faults);
	const char *why = NULL;
	if (!limits_parse(t.account_limits, &cfg->account_limits, &why))
		cli_usage_error(c, "--account-limits: '%s': %s", t.account_limits, why);
	if (cfg->hook_url && strncmp(cfg->hook_url, "http://", 7) != 0 && strncmp(cfg->hook_url, "https://", 8) != 0)
		cli_usage_error(c, "--hook-url: '%s' is not an http or https URL", cfg->hook_url);
	if (!*cfg->hook_header_name || strpbrk(cfg->hook_header_name, ": \t\r\n"))
		cli_usage_error(c, "--hook-header: '%s' is not a header name", cfg->hook_header_name);
	if (cfg->client_updates_per_second < 0)
		cfg->client_updates_per_second = cfg->orders_per_second / 4;
}

/* The truth at one instant: live changes wait while it is computed. */
static bool write_truth(app *a)
{
	live_pause(a->live);
	bool ok = truth_write(&a->st, a->cfg->truth_file);
	live_resume(a->live);
	return ok;
}

static char *credential(const char *name)
{
	const char *err;
	char *v = secret_read(name, &err);
	if (!v || !*v) {
		log_error(err ? err : "credential not set: the sandbox accepts only the pairs in its environment",
			  LS("variable", name));
		exit(VP_EXIT_CONFIG);
	}
	return v;
}

/* VTEX_APP_KEY and its token, then the pairs of VTEX_SANDBOX_APP_KEYS (or _FILE). */
static void load_keys(keyring *k)
{
	const char *err = NULL;
	char *key = credential("VTEX_APP_KEY"), *token = credential("VTEX_APP_TOKEN");
	bool ok = keyring_add(k, key, token, &err);
	secret_free(key);
	secret_free(token);
	char *more = ok ? secret_read("VTEX_SANDBOX_APP_KEYS", &err) : NULL;
	if (ok && !err && more)
		ok = keyring_add_list(k, more, &err);
	secret_free(more);
	if (!ok || err) {
		log_error(err, LS("variable", "VTEX_SANDBOX_APP_KEYS"));
		exit(VP_EXIT_CONFIG);
	}
}

int main(int argc, char **argv)
{
	cli_common cli;
	sb_config cfg;
	app a;
	char url[128];
	sigset_t sigs;
	int sig, rc = VP_EXIT_OK;

	cli_init(&cli, "vtex-sandbox");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	parse_args(&cli, &cfg, argc, argv);
	memset(&a, 0, sizeof a);
	a.cfg = &cfg;
	load_keys(&a.keys);

	/* Signals go to this thread only (sigwait below); block them before any thread starts. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	double t0 = progress_now();
	store_params sp = {
		.seed = cfg.seed, .account = cfg.account, .app_key = a.keys.key[0], .now = cfg.now,
		.history_days = cfg.history_days, .busy_day_share = cfg.busy_day_share,
		.products = cfg.products, .clients = cfg.clients, .orders = cfg.orders,
	};
	store_build(&a.st, &sp);
	log_info("store generated", LI("products", a.st.n_products), LI("skus", a.st.n_skus),
		 LI("orders", store_norders(&a.st)), LI("clients", store_nclients(&a.st)),
		 LD("seconds", progress_now() - t0));
	a.scrolls = scrolls_new(cfg.scroll_ttl, cfg.seed);
	a.faults = faults_new(&cfg);
	a.limiter = limiter_new(&cfg.account_limits);
	a.hooks = hooks_new(&cfg, &a.keys, cfg.seed);
	if (cfg.hook_url) {
		const char *err;
		char *secret = secret_read("VTEX_SANDBOX_HOOK_SECRET", &err);
		if (err)
			exit(VP_EXIT_CONFIG);
		hooks_set_initial(a.hooks, cfg.hook_url, cfg.hook_header_name, secret);
		secret_free(secret);
	}
	struct feed_settings fs = {
		.nkeys = a.keys.n, .seed = cfg.seed, .dup_rate = cfg.hook_dup_rate,
		.reorder_rate = cfg.hook_reorder_rate, .min_retention = cfg.feed_min_retention,
	};
	a.feeds = feeds_new(&fs);
	if (cfg.feed_config) {
		buf out = { 0 };
		const char *msg = "refused";
		if (feeds_configure(a.feeds, 0, cfg.feed_config, strlen(cfg.feed_config), progress_now(), &out, &msg) != 200)
			cli_usage_error(&cli, "--feed-config: %s", msg);
		buf_free(&out);
	}
	if (cfg.truth_file && !write_truth(&a))
		exit(VP_EXIT_IOERR);
	if (!server_start(&a, url, sizeof url))
		exit(VP_EXIT_UNAVAILABLE);
	log_info("serving", LS("url", url), LS("account", cfg.account), LI("threads", cfg.threads));
	if (cfg.ready_file)
		listen_ready_file(cfg.ready_file, url);
	if (cfg.orders_per_second > 0 || cfg.client_updates_per_second > 0) {
		a.live = live_start(&a);
		log_info("live mode", LD("orders_per_second", cfg.orders_per_second), LD("late_share", cfg.late_share),
			 LD("step_seconds", cfg.live_step_seconds), LS("hook_url", cfg.hook_url ? cfg.hook_url : ""));
	}

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGUSR1) {
			if (cfg.truth_file && write_truth(&a))
				log_info("truth written", LS("path", cfg.truth_file));
			continue;
		}
		if (sig == SIGUSR2) {
			/* Freeze: the store stops changing (hooks already queued still go out),
			 * so a pipeline can catch up and be compared with one final truth. */
			live_stop(a.live);
			a.live = NULL;
			log_info("live mode stopped; the store no longer changes");
			if (cfg.truth_file && write_truth(&a))
				log_info("truth written", LS("path", cfg.truth_file));
			continue;
		}
		log_info("stopping", LS("signal", strsignal(sig)));
		break;
	}
	live_stop(a.live);
	a.live = NULL;
	server_stop(&a);
	hooks_free(a.hooks);
	feeds_free(a.feeds);
	if (cfg.truth_file && !truth_write(&a.st, cfg.truth_file))
		rc = VP_EXIT_IOERR;
	cli_finish(&cli);
	scrolls_free(a.scrolls);
	faults_free(a.faults);
	limiter_free(a.limiter);
	store_free(&a.st);
	keyring_free(&a.keys);
	curl_global_cleanup();
	return rc;
}
