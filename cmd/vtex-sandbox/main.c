/* vtex-sandbox: a local VTEX store for the demo, the tests and the
 * benchmarks. See man/man1/vtex-sandbox.1. */
#include "app.h"
#include "cli.h"
#include "exitcode.h"
#include "faults.h"
#include "feed.h"
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"Usage: vtex-sandbox [OPTION]...\n"
	"A local VTEX store: VTEX's Catalog, Pricing, OMS, hook, feed and Master Data CL endpoints\n"
	"with their paths, auth, caps and shapes, over deterministic generated data.\n"
	"Credentials: only the pair in VTEX_APP_KEY and VTEX_APP_TOKEN (or VTEX_APP_TOKEN_FILE), and the\n"
	"APPKEY=APPTOKEN pairs in VTEX_SANDBOX_APP_KEYS (or _FILE); each app key has its own hook and feed.\n"
	"\n"
	"Store:\n"
	"      --listen ADDR:PORT     address to serve, [ADDR6]:PORT for IPv6 (VTEX_SANDBOX_LISTEN;\n"
	"                             127.0.0.1:8099; port 0: any free)\n"
	"      --ready-file PATH      write the base URL there once serving (VTEX_SANDBOX_READY_FILE)\n"
	"      --account NAME         account name; pricing is under /NAME/pricing (VTEX_SANDBOX_ACCOUNT; sandbox)\n"
	"      --seed N               data seed: same seed, same store (VTEX_SANDBOX_SEED; 1)\n"
	"      --products N           products (VTEX_SANDBOX_PRODUCTS; 500)\n"
	"      --clients N            CL documents (VTEX_SANDBOX_CLIENTS; 2000)\n"
	"      --orders N             orders in the history (VTEX_SANDBOX_ORDERS; 5000)\n"
	"      --now TIME             the sandbox clock at start, e.g. 2026-01-15T12:00:00Z\n"
	"                             (VTEX_SANDBOX_NOW; the current time)\n"
	"      --history-days N       days of order history before --now, at most 729 (VTEX_SANDBOX_HISTORY_DAYS; 700)\n"
	"      --busy-day-share P     share of the orders on the busiest day (VTEX_SANDBOX_BUSY_DAY_SHARE; 0.04)\n"
	"      --truth PATH           write the ground truth there (VTEX_SANDBOX_TRUTH)\n"
	"      --threads N            server threads (VTEX_SANDBOX_THREADS; number of CPUs)\n"
	"      --max-connections N    open connections at most (VTEX_SANDBOX_MAX_CONNECTIONS; 1000)\n"
	"      --scroll-ttl SECONDS   idle life of a Master Data scroll token (VTEX_SANDBOX_SCROLL_TTL; 1200)\n"
	"      --list-lag SECONDS     orders appear in the list this long after creation (VTEX_SANDBOX_LIST_LAG; 0)\n"
	"Live mode:\n"
	"      --orders-per-second R  new orders per second, and status changes over time (VTEX_SANDBOX_ORDERS_PER_SECOND; 0: off)\n"
	"      --live-step-seconds S  mean time between two steps of an order (VTEX_SANDBOX_LIVE_STEP_SECONDS; 2)\n"
	"      --new-client-share P   share of live orders from new customers (VTEX_SANDBOX_NEW_CLIENT_SHARE; 0.25)\n"
	"      --client-updates-per-second R  CL profile edits per second (VTEX_SANDBOX_CLIENT_UPDATES_PER_SECOND;\n"
	"                             a quarter of --orders-per-second)\n"
	"      --late-share P         older orders (4 to 50 days old) invoiced or canceled, per new order\n"
	"                             (VTEX_SANDBOX_LATE_SHARE; 0.1)\n"
	"      --hook-url URL         send order hooks there from the start (VTEX_SANDBOX_HOOK_URL)\n"
	"      --hook-header NAME     header carrying VTEX_SANDBOX_HOOK_SECRET (or _FILE) with --hook-url\n"
	"                             (VTEX_SANDBOX_HOOK_HEADER; key)\n"
	"      --hook-dup-rate P      share of notifications (and of feed events) sent twice\n"
	"                             (VTEX_SANDBOX_HOOK_DUP_RATE; 0.05)\n"
	"      --hook-reorder-rate P  share of notifications (and of feed events) held back so later ones\n"
	"                             overtake them (VTEX_SANDBOX_HOOK_REORDER_RATE; 0.05)\n"
	"      --hook-max-attempts N  delivery attempts per notification (VTEX_SANDBOX_HOOK_MAX_ATTEMPTS; 100)\n"
	"      --hook-timeout-ms N    a delivery fails without a 200 within this (VTEX_SANDBOX_HOOK_TIMEOUT_MS; 5000)\n"
	"      --feed-config JSON     configure VTEX_APP_KEY's order feed from the start with this body of\n"
	"                             POST /api/orders/feed/config, e.g. '{}' (VTEX_SANDBOX_FEED_CONFIG)\n"
	"      --feed-min-retention S TEST ONLY: accept a feed retention down to S seconds instead of VTEX's\n"
	"                             345600 (VTEX_SANDBOX_FEED_MIN_RETENTION; 345600)\n"
	"Faults and pace:\n"
	"      --fault-rate P         share of requests that get a fault (VTEX_SANDBOX_FAULT_RATE; 0)\n"
	"      --faults LIST          among 429,5xx,reset,truncate,slow (VTEX_SANDBOX_FAULTS; all)\n"
	"      --fault-seed N         make the fault sequence repeatable (VTEX_SANDBOX_FAULT_SEED)\n"
	"      --slow-ms N            delay of the slow fault (VTEX_SANDBOX_SLOW_MS; 15000)\n"
	"      --retry-after N        Retry-After seconds on 429 (VTEX_SANDBOX_RETRY_AFTER; 1)\n"
	"      --rate-limit RPS       answer 429 above this many requests/s (VTEX_SANDBOX_RATE_LIMIT; 0: none)\n"
	"      --account-limits SPEC  VTEX's per-account limits by class, 429 with Retry-After above them:\n"
	"                             off, vtex (OMS 6,000/min, Catalog 45,000/min and 15,000/min per\n"
	"                             endpoint, 60 s of 429 on OMS after one) or a list such as\n"
	"                             oms=50,catalog=300,catalog_endpoint=150,window=5,oms_pause=5\n"
	"                             (VTEX_SANDBOX_ACCOUNT_LIMITS; off)\n"
	"      --latency-ms N         answer every request this much later (VTEX_SANDBOX_LATENCY_MS; 0)\n"
	"Common:\n" CLI_COMMON_HELP;

enum {
	OPT_LISTEN = CLI_OPT_TOOL, OPT_READY_FILE, OPT_ACCOUNT, OPT_SEED, OPT_PRODUCTS, OPT_CLIENTS,
	OPT_ORDERS, OPT_NOW, OPT_HISTORY_DAYS, OPT_BUSY_DAY_SHARE, OPT_TRUTH, OPT_THREADS,
	OPT_MAX_CONNECTIONS, OPT_SCROLL_TTL, OPT_LIST_LAG, OPT_FAULT_RATE, OPT_FAULTS, OPT_FAULT_SEED,
	OPT_SLOW_MS, OPT_RETRY_AFTER, OPT_RATE_LIMIT, OPT_LATENCY_MS, OPT_ORDERS_PER_SECOND,
	OPT_LIVE_STEP_SECONDS, OPT_NEW_CLIENT_SHARE, OPT_CLIENT_UPDATES_PER_SECOND, OPT_HOOK_URL,
	OPT_HOOK_HEADER, OPT_HOOK_DUP_RATE, OPT_HOOK_REORDER_RATE, OPT_HOOK_MAX_ATTEMPTS, OPT_HOOK_TIMEOUT_MS,
	OPT_FEED_CONFIG, OPT_FEED_MIN_RETENTION, OPT_LATE_SHARE, OPT_ACCOUNT_LIMITS,
};

static const struct option longopts[] = {
	{ "listen", required_argument, 0, OPT_LISTEN },
	{ "ready-file", required_argument, 0, OPT_READY_FILE },
	{ "account", required_argument, 0, OPT_ACCOUNT },
	{ "seed", required_argument, 0, OPT_SEED },
	{ "products", required_argument, 0, OPT_PRODUCTS },
	{ "clients", required_argument, 0, OPT_CLIENTS },
	{ "orders", required_argument, 0, OPT_ORDERS },
	{ "now", required_argument, 0, OPT_NOW },
	{ "history-days", required_argument, 0, OPT_HISTORY_DAYS },
	{ "busy-day-share", required_argument, 0, OPT_BUSY_DAY_SHARE },
	{ "truth", required_argument, 0, OPT_TRUTH },
	{ "threads", required_argument, 0, OPT_THREADS },
	{ "max-connections", required_argument, 0, OPT_MAX_CONNECTIONS },
	{ "scroll-ttl", required_argument, 0, OPT_SCROLL_TTL },
	{ "list-lag", required_argument, 0, OPT_LIST_LAG },
	{ "fault-rate", required_argument, 0, OPT_FAULT_RATE },
	{ "faults", required_argument, 0, OPT_FAULTS },
	{ "fault-seed", required_argument, 0, OPT_FAULT_SEED },
	{ "slow-ms", required_argument, 0, OPT_SLOW_MS },
	{ "retry-after", required_argument, 0, OPT_RETRY_AFTER },
	{ "rate-limit", required_argument, 0, OPT_RATE_LIMIT },
	{ "account-limits", required_argument, 0, OPT_ACCOUNT_LIMITS },
	{ "latency-ms", required_argument, 0, OPT_LATENCY_MS },
	{ "orders-per-second", required_argument, 0, OPT_ORDERS_PER_SECOND },
	{ "live-step-seconds", required_argument, 0, OPT_LIVE_STEP_SECONDS },
	{ "new-client-share", required_argument, 0, OPT_NEW_CLIENT_SHARE },
	{ "client-updates-per-second", required_argument, 0, OPT_CLIENT_UPDATES_PER_SECOND },
	{ "late-share", required_argument, 0, OPT_LATE_SHARE },
	{ "hook-url", required_argument, 0, OPT_HOOK_URL },
	{ "hook-header", required_argument, 0, OPT_HOOK_HEADER },
	{ "hook-dup-rate", required_argument, 0, OPT_HOOK_DUP_RATE },
	{ "hook-reorder-rate", required_argument, 0, OPT_HOOK_REORDER_RATE },
	{ "hook-max-attempts", required_argument, 0, OPT_HOOK_MAX_ATTEMPTS },
	{ "hook-timeout-ms", required_argument, 0, OPT_HOOK_TIMEOUT_MS },
	{ "feed-config", required_argument, 0, OPT_FEED_CONFIG },
	{ "feed-min-retention", required_argument, 0, OPT_FEED_MIN_RETENTION },
	CLI_COMMON_LONGOPTS,
	{ 0 },
};

/* Every option's environment variable, read first so that flags override them. */
static const struct {
	int opt;
	const char *env;
} env_names[] = {
	{ OPT_LISTEN, "VTEX_SANDBOX_LISTEN" }, { OPT_READY_FILE, "VTEX_SANDBOX_READY_FILE" },
	{ OPT_ACCOUNT, "VTEX_SANDBOX_ACCOUNT" }, { OPT_SEED, "VTEX_SANDBOX_SEED" },
	{ OPT_PRODUCTS, "VTEX_SANDBOX_PRODUCTS" }, { OPT_CLIENTS, "VTEX_SANDBOX_CLIENTS" },
	{ OPT_ORDERS, "VTEX_SANDBOX_ORDERS" }, { OPT_NOW, "VTEX_SANDBOX_NOW" },
	{ OPT_HISTORY_DAYS, "VTEX_SANDBOX_HISTORY_DAYS" }, { OPT_BUSY_DAY_SHARE, "VTEX_SANDBOX_BUSY_DAY_SHARE" },
	{ OPT_TRUTH, "VTEX_SANDBOX_TRUTH" }, { OPT_THREADS, "VTEX_SANDBOX_THREADS" },
	{ OPT_MAX_CONNECTIONS, "VTEX_SANDBOX_MAX_CONNECTIONS" }, { OPT_SCROLL_TTL, "VTEX_SANDBOX_SCROLL_TTL" },
	{ OPT_LIST_LAG, "VTEX_SANDBOX_LIST_LAG" }, { OPT_FAULT_RATE, "VTEX_SANDBOX_FAULT_RATE" },
	{ OPT_FAULTS, "VTEX_SANDBOX_FAULTS" }, { OPT_FAULT_SEED, "VTEX_SANDBOX_FAULT_SEED" },
	{ OPT_SLOW_MS, "VTEX_SANDBOX_SLOW_MS" }, { OPT_RETRY_AFTER, "VTEX_SANDBOX_RETRY_AFTER" },
	{ OPT_RATE_LIMIT, "VTEX_SANDBOX_RATE_LIMIT" },
	{ OPT_ACCOUNT_LIMITS, "VTEX_SANDBOX_ACCOUNT_LIMITS" }, { OPT_LATENCY_MS, "VTEX_SANDBOX_LATENCY_MS" },
	{ OPT_ORDERS_PER_SECOND, "VTEX_SANDBOX_ORDERS_PER_SECOND" },
	{ OPT_LIVE_STEP_SECONDS, "VTEX_SANDBOX_LIVE_STEP_SECONDS" },
	{ OPT_NEW_CLIENT_SHARE, "VTEX_SANDBOX_NEW_CLIENT_SHARE" },
	{ OPT_CLIENT_UPDATES_PER_SECOND, "VTEX_SANDBOX_CLIENT_UPDATES_PER_SECOND" },
	{ OPT_LATE_SHARE, "VTEX_SANDBOX_LATE_SHARE" },
	{ OPT_HOOK_URL, "VTEX_SANDBOX_HOOK_URL" }, { OPT_HOOK_HEADER, "VTEX_SANDBOX_HOOK_HEADER" },
	{ OPT_HOOK_DUP_RATE, "VTEX_SANDBOX_HOOK_DUP_RATE" }, { OPT_HOOK_REORDER_RATE, "VTEX_SANDBOX_HOOK_REORDER_RATE" },
	{ OPT_HOOK_MAX_ATTEMPTS, "VTEX_SANDBOX_HOOK_MAX_ATTEMPTS" }, { OPT_HOOK_TIMEOUT_MS, "VTEX_SANDBOX_HOOK_TIMEOUT_MS" },
	{ OPT_FEED_CONFIG, "VTEX_SANDBOX_FEED_CONFIG" }, { OPT_FEED_MIN_RETENTION, "VTEX_SANDBOX_FEED_MIN_RETENTION" },
};

static const char *option_name(int opt)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static void set_option(cli_common *c, sb_config *cfg, int opt, const char *v)
{
	char flag[48];
	snprintf(flag, sizeof flag, "--%s", option_name(opt));
	switch (opt) {
	case OPT_LISTEN: cfg->listen = v; break;
	case OPT_READY_FILE: cfg->ready_file = v; break;
	case OPT_ACCOUNT:
		if (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
			cli_usage_error(c, "--account: '%s' is not a VTEX account name (lower-case letters and digits)", v);
		cfg->account = v;
		break;
	case OPT_SEED: cfg->seed = (uint64_t)cli_parse_ll(c, flag, v, 0, INT64_MAX); break;
	case OPT_PRODUCTS: cfg->products = (uint32_t)cli_parse_ll(c, flag, v, 1, 10000000); break;
	case OPT_CLIENTS: cfg->clients = (uint32_t)cli_parse_ll(c, flag, v, 0, 50000000); break;
	case OPT_ORDERS: cfg->orders = (uint32_t)cli_parse_ll(c, flag, v, 0, 100000000); break;
	case OPT_NOW:
		if (!vtime_parse(v, strlen(v), &cfg->now))
			cli_usage_error(c, "--now: '%s' is not a timestamp such as 2026-01-15T12:00:00Z", v);
		break;
	case OPT_HISTORY_DAYS: cfg->history_days = (int)cli_parse_ll(c, flag, v, 1, 729); break;
	case OPT_BUSY_DAY_SHARE: cfg->busy_day_share = cli_parse_double(c, flag, v, 0, 0.5); break;
	case OPT_TRUTH: cfg->truth_file = v; break;
	case OPT_THREADS: cfg->threads = (unsigned)cli_parse_ll(c, flag, v, 1, 256); break;
	case OPT_MAX_CONNECTIONS: cfg->max_connections = (unsigned)cli_parse_ll(c, flag, v, 1, 100000); break;
	case OPT_SCROLL_TTL: cfg->scroll_ttl = (unsigned)cli_parse_ll(c, flag, v, 1, 86400); break;
	case OPT_LIST_LAG: cfg->list_lag = (unsigned)cli_parse_ll(c, flag, v, 0, 86400); break;
	case OPT_FAULT_RATE: cfg->fault_rate = cli_parse_double(c, flag, v, 0, 1); break;
	case OPT_FAULTS:
		if (!faults_parse_list(v, cfg->faults))
			cli_usage_error(c, "--faults: '%s' is not a list of 429, 5xx, reset, truncate, slow", v);
		break;
	case OPT_FAULT_SEED:
		cfg->fault_seed = (uint64_t)cli_parse_ll(c, flag, v, 0, INT64_MAX);
		cfg->fault_seeded = true;
		break;
	case OPT_SLOW_MS: cfg->slow_ms = (unsigned)cli_parse_ll(c, flag, v, 0, 600000); break;
	case OPT_RETRY_AFTER: cfg->retry_after = (unsigned)cli_parse_ll(c, flag, v, 0, 3600); break;
	case OPT_RATE_LIMIT: cfg->rate_limit = cli_parse_double(c, flag, v, 0, 1e7); break;
	case OPT_ACCOUNT_LIMITS: {
		const char *why = NULL;
		if (!limits_parse(v, &cfg->account_limits, &why))
			cli_usage_error(c, "--account-limits: '%s': %s", v, why);
		break;
	}
	case OPT_LATENCY_MS: cfg->latency_ms = (unsigned)cli_parse_ll(c, flag, v, 0, 600000); break;
	case OPT_ORDERS_PER_SECOND: cfg->orders_per_second = cli_parse_double(c, flag, v, 0, 100000); break;
	case OPT_LIVE_STEP_SECONDS: cfg->live_step_seconds = cli_parse_double(c, flag, v, 0.01, 86400); break;
	case OPT_NEW_CLIENT_SHARE: cfg->new_client_share = cli_parse_double(c, flag, v, 0, 1); break;
	case OPT_CLIENT_UPDATES_PER_SECOND: cfg->client_updates_per_second = cli_parse_double(c, flag, v, 0, 100000); break;
	case OPT_LATE_SHARE: cfg->late_share = cli_parse_double(c, flag, v, 0, 1); break;
	case OPT_HOOK_URL:
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
			cli_usage_error(c, "--hook-url: '%s' is not an http or https URL", v);
		cfg->hook_url = v;
		break;
	case OPT_HOOK_HEADER:
		if (!*v || strpbrk(v, ": \t\r\n"))
			cli_usage_error(c, "--hook-header: '%s' is not a header name", v);
		cfg->hook_header_name = v;
		break;
	case OPT_HOOK_DUP_RATE: cfg->hook_dup_rate = cli_parse_double(c, flag, v, 0, 1); break;
	case OPT_HOOK_REORDER_RATE: cfg->hook_reorder_rate = cli_parse_double(c, flag, v, 0, 1); break;
	case OPT_HOOK_MAX_ATTEMPTS: cfg->hook_max_attempts = (unsigned)cli_parse_ll(c, flag, v, 1, 10000); break;
	case OPT_HOOK_TIMEOUT_MS: cfg->hook_timeout_ms = (unsigned)cli_parse_ll(c, flag, v, 1, 600000); break;
	case OPT_FEED_CONFIG: cfg->feed_config = v; break;
	case OPT_FEED_MIN_RETENTION: cfg->feed_min_retention = (long)cli_parse_ll(c, flag, v, 1, FEED_RETENTION_MIN); break;
	default: cli_usage_error(c, "unexpected option");
	}
}

static void defaults(sb_config *cfg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	memset(cfg, 0, sizeof *cfg);
	cfg->listen = "127.0.0.1:8099";
	cfg->account = "sandbox";
	cfg->seed = 1;
	cfg->products = 500;
	cfg->clients = 2000;
	cfg->orders = 5000;
	cfg->now = vtime_now();
	cfg->history_days = 700;
	cfg->busy_day_share = 0.04;
	cfg->threads = cpus > 0 ? (unsigned)cpus : 2;
	cfg->max_connections = 1000;
	cfg->scroll_ttl = 1200;
	for (int k = 1; k < FAULT__COUNT; k++)
		cfg->faults[k] = true;
	cfg->slow_ms = 15000;
	cfg->retry_after = 1;
	cfg->live_step_seconds = 2;
	cfg->new_client_share = 0.25;
	cfg->client_updates_per_second = -1; /* derived from --orders-per-second unless given */
	cfg->late_share = 0.1;
	cfg->hook_header_name = "key";
	cfg->hook_dup_rate = 0.05;
	cfg->hook_reorder_rate = 0.05;
	cfg->hook_max_attempts = 100;
	cfg->hook_timeout_ms = 5000;
	cfg->feed_min_retention = FEED_RETENTION_MIN;
}

static void parse_args(cli_common *c, sb_config *cfg, int argc, char **argv)
{
	int opt;
	for (size_t i = 0; i < sizeof env_names / sizeof *env_names; i++) {
		const char *v = cli_env(env_names[i].env, NULL);
		if (v)
			set_option(c, cfg, env_names[i].opt, v);
	}
	while ((opt = getopt_long(argc, argv, "hV", longopts, NULL)) != -1)
		if (!cli_common_option(c, opt, optarg))
			set_option(c, cfg, opt, optarg);
	if (optind < argc)
		cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
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
	cli_common cli;
	sb_config cfg;
	app a;
	char url[128];
	sigset_t sigs;
	int sig, rc = VP_EXIT_OK;

	cli_init(&cli, "vtex-sandbox", help);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	defaults(&cfg);
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
		write_ready_file(cfg.ready_file, url);
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
