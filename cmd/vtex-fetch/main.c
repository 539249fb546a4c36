/* vtex-fetch: VTEX REST client writing NDJSON (catalog, orders, clients,
 * the order feed). */
#include "catalog.h"
#include "clients.h"
#include "cli.h"
#include "exitcode.h"
#include "feed.h"
#include "fetch.h"
#include "log.h"
#include "ndjson_reader.h"
#include "orders.h"
#include "responses.h"
#include "state.h"
#include "window.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char HELP[] =
	"Usage: vtex-fetch catalog [--prices] [OPTION]...\n"
	"       vtex-fetch orders --created-since T [--created-until T] [OPTION]...\n"
	"       vtex-fetch orders --from-hooks [OPTION]...   < hook events (NDJSON)\n"
	"       vtex-fetch order ID... [OPTION]...\n"
	"       vtex-fetch clients [--updated-since T [--updated-until T]] [OPTION]...\n"
	"       vtex-fetch retry [FILE] [OPTION]...           < a --failures file\n"
	"       vtex-fetch feed [--ack-from FIFO] [OPTION]...  (until SIGTERM or SIGINT)\n"
	"       vtex-fetch feed --configure [--status LIST] [OPTION]...\n"
	"Fetch records from a VTEX store's REST APIs and write them to standard output,\n"
	"one JSON object per line: products with their SKUs (and prices), full order\n"
	"details, Master Data CL clients. Whatever cannot be fetched goes to --failures,\n"
	"in a form `vtex-fetch retry` takes back. `feed` reads the order Feed v3 and\n"
	"writes each event as a hook notification line, committing what was read.\n"
	"\n"
	"What to fetch:\n"
	"      --prices               catalog: add each SKU's price (Pricing API)\n"
	"      --created-since T      orders: created at or after T (RFC 3339 or 'now')\n"
	"      --created-until T      orders: created before T (default: now)\n"
	"      --from-hooks           orders: the orders named by hook events on stdin\n"
	"      --updated-since T      clients: updated or created at or after T\n"
	"      --updated-until T      clients: ... and up to T (default: now)\n"
	"      --fields LIST          clients: Master Data _fields (env VTEX_FETCH_CLIENT_FIELDS)\n"
	"      --state FILE           watermark: without a start time, continue from the last\n"
	"                             complete run; updated after a complete run (env VTEX_FETCH_STATE)\n"
	"      --overlap SECONDS      start that much before the watermark (env VTEX_FETCH_OVERLAP; 900)\n"
	"Order feed:\n"
	"      --configure            set the app key's feed up (only if it differs), then exit\n"
	"      --status LIST          --configure: only these workflow states, comma-separated\n"
	"                             (env VTEX_FETCH_FEED_STATUS; every state)\n"
	"      --visibility-timeout S --configure: how long a read event stays hidden; not committed\n"
	"                             by then, it comes back (env VTEX_FETCH_VISIBILITY_TIMEOUT; 250)\n"
	"      --retention S          --configure: how long VTEX keeps an event, 345600 to 1209600\n"
	"                             (env VTEX_FETCH_RETENTION; 345600, 4 days)\n"
	"      --poll-ms N            after an empty lot, wait N ms before asking again\n"
	"                             (env VTEX_FETCH_POLL_MS; 1000)\n"
	"      --ack-from FIFO        commit events only once the pipe's sink acknowledged their barrier\n"
	"                             (vtex-pipes(7)); without it a lot is committed once written\n"
	"                             (env VTEX_FETCH_ACK_FROM)\n"
	"      --barrier-ms N         a barrier at most N ms after the first event it covers\n"
	"                             (env VTEX_FETCH_BARRIER_MS; 1000)\n"
	"      --barrier-records N    ... or once N events are not covered\n"
	"                             (env VTEX_FETCH_BARRIER_RECORDS; 10000)\n"
	"      --ack-timeout S        at the end, wait S seconds for a lot in flight, and for the\n"
	"                             acknowledgements while one comes back at least every S\n"
	"                             (env VTEX_FETCH_ACK_TIMEOUT; 30)\n"
	"Where failures go:\n"
	"      --failures FILE        what could not be fetched, one JSON line each (env VTEX_FETCH_FAILURES)\n"
	"      --rejects FILE         input lines that are not usable events (env VTEX_FETCH_REJECTS)\n"
	"HTTP:\n"
	"      --concurrency N        parallel requests over kept-alive connections (env VTEX_FETCH_CONCURRENCY; 8)\n"
	"      --rps R                at most R requests a second, 0 for no limit (env VTEX_FETCH_RPS; 0)\n"
	"      --retries N            retries per request on 429, 5xx, network errors (env VTEX_FETCH_RETRIES; 6)\n"
	"      --backoff-base S       first backoff ceiling, doubling each retry (env VTEX_FETCH_BACKOFF_BASE; 0.5)\n"
	"      --backoff-max S        largest backoff ceiling (env VTEX_FETCH_BACKOFF_MAX; 30)\n"
	"      --retry-after-max S    longest Retry-After honoured (env VTEX_FETCH_RETRY_AFTER_MAX; 120)\n"
	"      --timeout S            per attempt (env VTEX_FETCH_TIMEOUT; 60)\n"
	"      --connect-timeout S    (env VTEX_FETCH_CONNECT_TIMEOUT; 10)\n"
	"      --cacert FILE          trust this CA (PEM) too; TLS is always verified (env VTEX_FETCH_CACERT)\n"
	CLI_INPUT_HELP
	CLI_COMMON_HELP
	"\n"
	"Environment: VTEX_ACCOUNT, VTEX_ENVIRONMENT (vtexcommercestable), VTEX_BASE_URL (overrides\n"
	"both), VTEX_APP_KEY, VTEX_APP_TOKEN or VTEX_APP_TOKEN_FILE.\n"
	"Exit status: 0 all fetched (feed: stopped by a signal); 1 some records failed for good\n"
	"(404, bad input: see --failures, --rejects); 69 VTEX refused a listing; 74 output closed;\n"
	"75 retry budget exhausted (run again, or `vtex-fetch retry` the failures file); 78\n"
	"credentials refused (401/403), no feed configured (feed: 404), or bad configuration; 64 usage.\n";

enum {
	OPT_PRICES = CLI_OPT_TOOL, OPT_CREATED_SINCE, OPT_CREATED_UNTIL, OPT_FROM_HOOKS,
	OPT_UPDATED_SINCE, OPT_UPDATED_UNTIL, OPT_FIELDS, OPT_STATE, OPT_OVERLAP, OPT_FAILURES,
	OPT_REJECTS, OPT_CONCURRENCY, OPT_RPS, OPT_RETRIES, OPT_BACKOFF_BASE, OPT_BACKOFF_MAX,
	OPT_RETRY_AFTER_MAX, OPT_TIMEOUT, OPT_CONNECT_TIMEOUT, OPT_CACERT, OPT_CONFIGURE, OPT_STATUS,
	OPT_VISIBILITY_TIMEOUT, OPT_RETENTION, OPT_POLL_MS, OPT_ACK_FROM, OPT_BARRIER_MS, OPT_BARRIER_RECORDS,
	OPT_ACK_TIMEOUT,
};

static const struct option LONGOPTS[] = {
	{ "prices", no_argument, 0, OPT_PRICES },
	{ "created-since", required_argument, 0, OPT_CREATED_SINCE },
	{ "created-until", required_argument, 0, OPT_CREATED_UNTIL },
	{ "from-hooks", no_argument, 0, OPT_FROM_HOOKS },
	{ "updated-since", required_argument, 0, OPT_UPDATED_SINCE },
	{ "updated-until", required_argument, 0, OPT_UPDATED_UNTIL },
	{ "fields", required_argument, 0, OPT_FIELDS },
	{ "state", required_argument, 0, OPT_STATE },
	{ "overlap", required_argument, 0, OPT_OVERLAP },
	{ "failures", required_argument, 0, OPT_FAILURES },
	{ "rejects", required_argument, 0, OPT_REJECTS },
	{ "concurrency", required_argument, 0, OPT_CONCURRENCY },
	{ "rps", required_argument, 0, OPT_RPS },
	{ "retries", required_argument, 0, OPT_RETRIES },
	{ "backoff-base", required_argument, 0, OPT_BACKOFF_BASE },
	{ "backoff-max", required_argument, 0, OPT_BACKOFF_MAX },
	{ "retry-after-max", required_argument, 0, OPT_RETRY_AFTER_MAX },
	{ "timeout", required_argument, 0, OPT_TIMEOUT },
	{ "connect-timeout", required_argument, 0, OPT_CONNECT_TIMEOUT },
	{ "cacert", required_argument, 0, OPT_CACERT },
	{ "configure", no_argument, 0, OPT_CONFIGURE },
	{ "status", required_argument, 0, OPT_STATUS },
	{ "visibility-timeout", required_argument, 0, OPT_VISIBILITY_TIMEOUT },
	{ "retention", required_argument, 0, OPT_RETENTION },
	{ "poll-ms", required_argument, 0, OPT_POLL_MS },
	{ "ack-from", required_argument, 0, OPT_ACK_FROM },
	{ "barrier-ms", required_argument, 0, OPT_BARRIER_MS },
	{ "barrier-records", required_argument, 0, OPT_BARRIER_RECORDS },
	{ "ack-timeout", required_argument, 0, OPT_ACK_TIMEOUT },
	CLI_COMMON_LONGOPTS,
	CLI_INPUT_LONGOPTS,
	{ 0 },
};

/* The feed queue's bounds (API.md 4.4); VTEX states none for the visibility
 * timeout, so it is kept within 12 hours. */
#define MAX_VISIBILITY 43200
#define MIN_RETENTION 345600
#define MAX_RETENTION 1209600

#define DEFAULT_CLIENT_FIELDS                                                                    \
	"id,email,firstName,lastName,document,documentType,phone,homePhone,isCorporate," \
	"corporateName,tradeName,corporateDocument,stateRegistration,isNewsletterOptIn,"           \
	"localeDefault,userId,createdIn,updatedIn"

typedef struct {
	const char *command;
	bool prices, from_hooks;
	const char *created_since, *created_until, *updated_since, *updated_until;
	const char *fields, *state_path;
	double overlap_s;
	fetch_config fc;
	bool configure;
	feed_options feed;
	feed_config_options feed_config;
	const char *feed_flag, *configure_flag; /* a flag given that only feed, only --configure takes */
	char **args;
	int nargs;
} options;

typedef struct {
	fetch *f;
	orders *orders;
	catalog *catalog[2]; /* without, with prices */
	clients *clients;
} run;

static vtime_t parse_time(const cli_common *cli, const char *opt, const char *s)
{
	vtime_t t;
	if (strcmp(s, "now") == 0)
		return vtime_now();
	if (!vtime_parse(s, strlen(s), &t))
		cli_usage_error(cli, "%s: '%s' is not a timestamp (2024-05-01T00:00:00Z, 2024-05-01 or now)",
				opt, s);
	return t;
}

static double env_double(const cli_common *cli, const char *env, const char *opt, double dflt,
			 double min, double max)
{
	const char *v = cli_env(env, NULL);
	return v ? cli_parse_double(cli, opt, v, min, max) : dflt;
}

static void parse_options(cli_common *cli, options *o, int argc, char **argv)
{
	http_options *h = &o->fc.http;
	http_options_default(h);
	o->fields = cli_env("VTEX_FETCH_CLIENT_FIELDS", DEFAULT_CLIENT_FIELDS);
	o->state_path = cli_env("VTEX_FETCH_STATE", NULL);
	o->fc.failures_path = cli_env("VTEX_FETCH_FAILURES", NULL);
	o->fc.rejects_path = cli_env("VTEX_FETCH_REJECTS", NULL);
	h->cacert = cli_env("VTEX_FETCH_CACERT", NULL);
	o->overlap_s = env_double(cli, "VTEX_FETCH_OVERLAP", "VTEX_FETCH_OVERLAP", 900, 0, 1e9);
	h->concurrency = (int)env_double(cli, "VTEX_FETCH_CONCURRENCY", "VTEX_FETCH_CONCURRENCY", 8, 1, 1024);
	h->rps = env_double(cli, "VTEX_FETCH_RPS", "VTEX_FETCH_RPS", 0, 0, 1e6);
	h->retry.max_attempts = 1 + (int)env_double(cli, "VTEX_FETCH_RETRIES", "VTEX_FETCH_RETRIES", 6, 0, 100);
	h->retry.base_s = env_double(cli, "VTEX_FETCH_BACKOFF_BASE", "VTEX_FETCH_BACKOFF_BASE", 0.5, 0, 3600);
	h->retry.max_s = env_double(cli, "VTEX_FETCH_BACKOFF_MAX", "VTEX_FETCH_BACKOFF_MAX", 30, 0, 86400);
	h->retry.retry_after_max_s =
		env_double(cli, "VTEX_FETCH_RETRY_AFTER_MAX", "VTEX_FETCH_RETRY_AFTER_MAX", 120, 0, 86400);
	h->timeout_s = env_double(cli, "VTEX_FETCH_TIMEOUT", "VTEX_FETCH_TIMEOUT", 60, 0.001, 86400);
	h->connect_timeout_s =
		env_double(cli, "VTEX_FETCH_CONNECT_TIMEOUT", "VTEX_FETCH_CONNECT_TIMEOUT", 10, 0.001, 3600);
	feed_options *fo = &o->feed;
	feed_config_options *fc = &o->feed_config;
	fc->status = cli_env("VTEX_FETCH_FEED_STATUS", NULL);
	fc->visibility_s = (long)env_double(cli, "VTEX_FETCH_VISIBILITY_TIMEOUT", "VTEX_FETCH_VISIBILITY_TIMEOUT",
					    250, 1, MAX_VISIBILITY);
	fc->retention_s = (long)env_double(cli, "VTEX_FETCH_RETENTION", "VTEX_FETCH_RETENTION", MIN_RETENTION,
					   MIN_RETENTION, MAX_RETENTION);
	fo->poll_ms = env_double(cli, "VTEX_FETCH_POLL_MS", "VTEX_FETCH_POLL_MS", 1000, 10, 3600000);
	fo->ack_from = cli_env("VTEX_FETCH_ACK_FROM", NULL);
	fo->policy = BARRIER_POLICY_DEFAULT;
	fo->policy.interval_ms = env_double(cli, "VTEX_FETCH_BARRIER_MS", "VTEX_FETCH_BARRIER_MS", 1000, 1, 3600000);
	fo->policy.records = (unsigned long)env_double(cli, "VTEX_FETCH_BARRIER_RECORDS", "VTEX_FETCH_BARRIER_RECORDS",
						      10000, 1, 1e9);
	fo->ack_timeout_s = env_double(cli, "VTEX_FETCH_ACK_TIMEOUT", "VTEX_FETCH_ACK_TIMEOUT", 30, 0, 86400);

	int opt;
	while ((opt = getopt_long(argc, argv, "hV", LONGOPTS, NULL)) != -1) {
		if (cli_common_option(cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PRICES: o->prices = true; break;
		case OPT_CREATED_SINCE: o->created_since = optarg; break;
		case OPT_CREATED_UNTIL: o->created_until = optarg; break;
		case OPT_FROM_HOOKS: o->from_hooks = true; break;
		case OPT_UPDATED_SINCE: o->updated_since = optarg; break;
		case OPT_UPDATED_UNTIL: o->updated_until = optarg; break;
		case OPT_FIELDS: o->fields = optarg; break;
		case OPT_STATE: o->state_path = optarg; break;
		case OPT_OVERLAP: o->overlap_s = cli_parse_double(cli, "--overlap", optarg, 0, 1e9); break;
		case OPT_FAILURES: o->fc.failures_path = optarg; break;
		case OPT_REJECTS: o->fc.rejects_path = optarg; break;
		case OPT_CONCURRENCY: h->concurrency = (int)cli_parse_ll(cli, "--concurrency", optarg, 1, 1024); break;
		case OPT_RPS: h->rps = cli_parse_double(cli, "--rps", optarg, 0, 1e6); break;
		case OPT_RETRIES: h->retry.max_attempts = 1 + (int)cli_parse_ll(cli, "--retries", optarg, 0, 100); break;
		case OPT_BACKOFF_BASE: h->retry.base_s = cli_parse_double(cli, "--backoff-base", optarg, 0, 3600); break;
		case OPT_BACKOFF_MAX: h->retry.max_s = cli_parse_double(cli, "--backoff-max", optarg, 0, 86400); break;
		case OPT_RETRY_AFTER_MAX:
			h->retry.retry_after_max_s = cli_parse_double(cli, "--retry-after-max", optarg, 0, 86400);
			break;
		case OPT_TIMEOUT: h->timeout_s = cli_parse_double(cli, "--timeout", optarg, 0.001, 86400); break;
		case OPT_CONNECT_TIMEOUT:
			h->connect_timeout_s = cli_parse_double(cli, "--connect-timeout", optarg, 0.001, 3600);
			break;
		case OPT_CACERT: h->cacert = optarg; break;
		case OPT_CONFIGURE: o->configure = true; o->feed_flag = "--configure"; break;
		case OPT_STATUS: fc->status = optarg; o->configure_flag = "--status"; break;
		case OPT_VISIBILITY_TIMEOUT:
			fc->visibility_s = (long)cli_parse_ll(cli, "--visibility-timeout", optarg, 1, MAX_VISIBILITY);
			o->configure_flag = "--visibility-timeout";
			break;
		case OPT_RETENTION:
			fc->retention_s = (long)cli_parse_ll(cli, "--retention", optarg, MIN_RETENTION, MAX_RETENTION);
			o->configure_flag = "--retention";
			break;
		case OPT_POLL_MS:
			fo->poll_ms = cli_parse_double(cli, "--poll-ms", optarg, 10, 3600000);
			o->feed_flag = "--poll-ms";
			break;
		case OPT_ACK_FROM: fo->ack_from = optarg; o->feed_flag = "--ack-from"; break;
		case OPT_BARRIER_MS:
			fo->policy.interval_ms = cli_parse_double(cli, "--barrier-ms", optarg, 1, 3600000);
			o->feed_flag = "--barrier-ms";
			break;
		case OPT_BARRIER_RECORDS:
			fo->policy.records = (unsigned long)cli_parse_ll(cli, "--barrier-records", optarg, 1, 1000000000);
			o->feed_flag = "--barrier-records";
			break;
		case OPT_ACK_TIMEOUT:
			fo->ack_timeout_s = cli_parse_double(cli, "--ack-timeout", optarg, 0, 86400);
			o->feed_flag = "--ack-timeout";
			break;
		default: cli_usage_error(cli, "unexpected option");
		}
	}
	if (optind >= argc)
		cli_usage_error(cli, "a command is needed: catalog, orders, order, clients, retry or feed");
	o->command = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	if (h->cacert && access(h->cacert, R_OK) != 0)
		cli_usage_error(cli, "--cacert: cannot read '%s'", h->cacert);
}

static bool feed(http_client *c, size_t room, void *ctx)
{
	(void)c;
	run *r = ctx;
	bool more = false;
	progress_tick(&r->f->prog);
	if (r->orders)
		more |= orders_feed(r->orders, room);
	for (int i = 0; i < 2; i++)
		if (r->catalog[i])
			more |= catalog_feed(r->catalog[i], room);
	if (r->clients)
		more |= clients_feed(r->clients, room);
	return more;
}

static orders *need_orders(run *r)
{
	if (!r->orders)
		r->orders = orders_new(r->f);
	return r->orders;
}

static catalog *need_catalog(run *r, bool prices)
{
	if (!r->catalog[prices])
		r->catalog[prices] = catalog_new(r->f, prices);
	return r->catalog[prices];
}

static clients *need_clients(run *r, const char *fields)
{
	if (!r->clients)
		r->clients = clients_new(r->f, fields);
	return r->clients;
}

static bool record_time(cJSON *rec, const char *key, vtime_t *out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
	return cJSON_IsString(v) && vtime_parse(v->valuestring, strlen(v->valuestring), out);
}

/* One line of a failures file back into work; returns the reason it cannot be. */
static const char *take_failure(run *r, const options *o, cJSON *rec)
{
	cJSON *kind = cJSON_GetObjectItemCaseSensitive(rec, "kind");
	const char *k = cJSON_IsString(kind) ? kind->valuestring : "";
	bool prices = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "prices")) || o->prices;
	vtime_t a, b;
	if (strcmp(k, "order") == 0) {
		cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "orderId");
		if (!cJSON_IsString(id))
			return "order failure without orderId";
		cJSON *ev = cJSON_DetachItemFromObjectCaseSensitive(rec, "event");
		orders_add_id(need_orders(r), id->valuestring, ev);
	} else if (strcmp(k, "orders-slice") == 0) {
		if (!record_time(rec, "since", &a) || !record_time(rec, "until", &b) || b <= a)
			return "orders-slice failure without a since < until";
		orders_add_window(need_orders(r), (window){ a, b });
	} else if (strcmp(k, "product") == 0) {
		cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "productId");
		cJSON *skus = cJSON_GetObjectItemCaseSensitive(rec, "skuIds");
		long pid;
		if (!resp_whole(id, 1, &pid) || !cJSON_IsArray(skus))
			return "product failure without productId and skuIds";
		size_t n = (size_t)cJSON_GetArraySize(skus), i = 0;
		long *ids = xcalloc(n ? n : 1, sizeof *ids);
		cJSON *s;
		cJSON_ArrayForEach(s, skus) {
			if (!resp_whole(s, 1, &ids[i++])) {
				free(ids);
				return "product failure with a skuId that is not a positive whole number";
			}
		}
		catalog_add_product(need_catalog(r, prices), pid, ids, n);
		free(ids);
	} else if (strcmp(k, "catalog-page") == 0) {
		cJSON *from = cJSON_GetObjectItemCaseSensitive(rec, "from");
		cJSON *to = cJSON_GetObjectItemCaseSensitive(rec, "to");
		long a, b;
		if (!resp_whole(from, 1, &a) || !resp_whole(to, 1, &b))
			return "catalog-page failure without from and to (positive whole numbers)";
		catalog_add_page(need_catalog(r, prices), a, b);
	} else if (strcmp(k, "catalog") == 0) {
		catalog_add_all(need_catalog(r, prices));
	} else if (strcmp(k, "clients") == 0) {
		bool w = record_time(rec, "since", &a) && record_time(rec, "until", &b);
		clients_add(need_clients(r, o->fields), w, w ? a : 0, w ? b : 0);
	} else {
		return "unknown failure kind";
	}
	return NULL;
}

static int read_failures(run *r, const options *o, const char *path)
{
	int fd = STDIN_FILENO;
	if (path && strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_error("cannot open the failures file", LS("path", path));
		return VP_EXIT_IOERR;
	}
	ndjson_reader *rd = ndjson_reader_open(fd, path ? path : "-");
	ndjson_line line;
	cJSON *rec;
	enum ndjson_status st;
	while ((st = ndjson_next_object(rd, &line, &rec)) != NDJSON_EOF) {
		if (st == NDJSON_IOERR) {
			log_error("cannot read the failures file", LS("path", path ? path : "-"));
			ndjson_reader_close(rd);
			return VP_EXIT_IOERR;
		}
		const char *why = st == NDJSON_BAD ? line.reason : take_failure(r, o, rec);
		if (why)
			rejects_add(r->f->rejects, ndjson_reader_name(rd), line.lineno, why, line.text, line.len,
				    st != NDJSON_BAD);
		cJSON_Delete(rec);
	}
	ndjson_reader_close(rd);
	if (fd != STDIN_FILENO)
		close(fd);
	return VP_EXIT_OK;
}

int main(int argc, char **argv)
{
	cli_common cli;
	options o = { 0 };
	cli_init(&cli, "vtex-fetch", HELP);
	parse_options(&cli, &o, argc, argv);

	const char *cmd = o.command;
	bool is_orders = strcmp(cmd, "orders") == 0, is_clients = strcmp(cmd, "clients") == 0;
	bool is_feed = strcmp(cmd, "feed") == 0;
	if (!is_orders && !is_clients && !is_feed && strcmp(cmd, "catalog") != 0 && strcmp(cmd, "order") != 0 &&
	    strcmp(cmd, "retry") != 0)
		cli_usage_error(&cli, "unknown command '%s' (catalog, orders, order, clients, retry, feed)", cmd);
	if (!is_feed && (o.feed_flag || o.configure_flag))
		cli_usage_error(&cli, "%s: only for feed", o.feed_flag ? o.feed_flag : o.configure_flag);
	if (is_feed && !o.configure && o.configure_flag)
		cli_usage_error(&cli, "feed: %s goes with --configure", o.configure_flag);
	if (strcmp(cmd, "order") == 0 && o.nargs == 0)
		cli_usage_error(&cli, "order: give one or more order ids");
	if (strcmp(cmd, "order") != 0 && strcmp(cmd, "retry") != 0 && o.nargs)
		cli_usage_error(&cli, "%s: unexpected argument '%s'", cmd, o.args[0]);
	if (strcmp(cmd, "retry") == 0 && o.nargs > 1)
		cli_usage_error(&cli, "retry: one failures file at most");
	if (is_orders && o.from_hooks && (o.created_since || o.created_until))
		cli_usage_error(&cli, "orders: --from-hooks and a creation window exclude each other");
	if (o.updated_until && !o.updated_since && !o.state_path)
		cli_usage_error(&cli, "clients: --updated-until needs --updated-since");

	/* Windows and the watermark, before any network work. */
	state st = { 0 };
	bool use_state = o.state_path && ((is_orders && !o.from_hooks) || is_clients);
	if (use_state && !state_load(&st, o.state_path))
		return VP_EXIT_CONFIG;
	vtime_t run_start = vtime_now(), since = 0, until = 0;
	vtime_t overlap = (vtime_t)(o.overlap_s * VTIME_TICKS_PER_SEC);
	bool has_window = false;
	if (is_orders && !o.from_hooks) {
		until = o.created_until ? parse_time(&cli, "--created-until", o.created_until) : run_start;
		if (o.created_since)
			since = parse_time(&cli, "--created-since", o.created_since);
		else if (use_state && state_get(&st, "orders", "created_until", &since))
			since -= overlap;
		else
			cli_usage_error(&cli, "orders: give --created-since, --from-hooks, or a --state with a watermark");
		if (since >= until)
			cli_usage_error(&cli, "orders: the window is empty (since >= until)");
		has_window = true;
	} else if (is_clients) {
		until = o.updated_until ? parse_time(&cli, "--updated-until", o.updated_until) : run_start;
		if (o.updated_since) {
			since = parse_time(&cli, "--updated-since", o.updated_since);
			has_window = true;
		} else if (use_state && state_get(&st, "clients", "updated_until", &since)) {
			since -= overlap;
			has_window = true;
		}
		if (has_window && since > until)
			cli_usage_error(&cli, "clients: the window is empty (since > until)");
	}

	fetch f;
	fetch_init(&f, &o.fc);
	run r = { .f = &f };
	progress_start(&f.prog, "records");
	int rc = VP_EXIT_OK;
	if (strcmp(cmd, "catalog") == 0) {
		catalog_add_all(need_catalog(&r, o.prices));
	} else if (is_orders && o.from_hooks) {
		orders_follow(need_orders(&r), STDIN_FILENO);
	} else if (is_orders) {
		orders_add_window(need_orders(&r), (window){ since, until });
	} else if (is_feed && o.configure) {
		feed_configure(&f, &o.feed_config);
	} else if (is_feed) {
		feed_run(&f, &o.feed);
	} else if (strcmp(cmd, "order") == 0) {
		for (int i = 0; i < o.nargs; i++)
			orders_add_id(need_orders(&r), o.args[i], NULL);
	} else if (is_clients) {
		clients_add(need_clients(&r, o.fields), has_window, since, until);
	} else {
		rc = read_failures(&r, &o, o.nargs ? o.args[0] : NULL);
	}
	if (rc == VP_EXIT_OK && !is_feed && !http_client_run(f.http, feed, &r)) {
		log_error("the HTTP event loop failed");
		rc = VP_EXIT_SOFTWARE;
	}
	fetch_cut_outstanding(&f);
	if (r.orders)
		orders_free(r.orders);
	for (int i = 0; i < 2; i++)
		if (r.catalog[i])
			catalog_free(r.catalog[i]);
	if (r.clients)
		clients_free(r.clients);
	fetch_note_exit(&f, rc);
	int code = fetch_finish(&f);

	/* The watermark moves only after a run that fetched everything it could
	 * (exit 1 means only permanent failures, which a rerun would not fix). */
	if (use_state && (code == VP_EXIT_OK || code == VP_EXIT_REJECTS)) {
		if (is_orders)
			state_set(&st, "orders", "created_until", until);
		else
			state_set(&st, "clients", "updated_until", until);
		if (!state_save(&st) && code == VP_EXIT_OK)
			code = VP_EXIT_IOERR;
	}
	if (use_state)
		state_free(&st);
	cli_finish(&cli);
	return code;
}
