/* vtex-fetch: VTEX REST client writing NDJSON (catalog, orders, clients,
 * the order feed). */
#include "catalog.h"
#include "clients.h"
#include "cli_table.h"
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

static const char synopsis[] =
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
	"\n";
static const char epilogue[] =
	"\n"
	"Environment: VTEX_ACCOUNT, VTEX_ENVIRONMENT (vtexcommercestable), VTEX_BASE_URL (overrides\n"
	"both), VTEX_APP_KEY, VTEX_APP_TOKEN or VTEX_APP_TOKEN_FILE.\n"
	"Exit status: 0 all fetched (feed: stopped by a signal); 1 some records failed for good\n"
	"(404, bad input: see --failures, --rejects); 69 VTEX refused a listing; 74 output closed;\n"
	"75 retry budget exhausted (run again, or `vtex-fetch retry` the failures file); 78\n"
	"credentials refused (401/403), no feed configured (feed: 404), or bad configuration; 64 usage.\n";

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
	const char *feed_flag, *configure_flag; /* the name of a flag given that only feed, only --configure takes */
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

static void parse_options(cli_common *cli, options *o, int argc, char **argv)
{
	http_options *h = &o->fc.http;
	feed_options *fo = &o->feed;
	feed_config_options *fc = &o->feed_config;
	long long concurrency, retries, visibility, retention, records;
	http_options_default(h);
	fo->policy = BARRIER_POLICY_DEFAULT;
	const cli_opt opts[] = {
		{ .heading = "What to fetch", .name = "prices", .type = CLI_FLAG, .dest = &o->prices,
		  .help = "catalog: add each SKU's price (Pricing API)" },
		{ .name = "created-since", .type = CLI_STRING, .dest = &o->created_since, .arg = "T",
		  .help = "orders: created at or after T (RFC 3339, a date or 'now')",
		  .man = "orders: the start of the creation window. T is RFC 3339 (0 to 7 fractional digits,\n"
			 ".BR Z \" or an offset),\"\na date\n.RB ( 2024\\-05\\-01 ,\nmidnight UTC) or\n.BR now ." },
		{ .name = "created-until", .type = CLI_STRING, .dest = &o->created_until, .arg = "T",
		  .help = "orders: created before T (default: now)" },
		{ .name = "from-hooks", .type = CLI_FLAG, .dest = &o->from_hooks,
		  .help = "orders: the orders named by hook events on stdin" },
		{ .name = "updated-since", .type = CLI_STRING, .dest = &o->updated_since, .arg = "T",
		  .help = "clients: updated or created at or after T" },
		{ .name = "updated-until", .type = CLI_STRING, .dest = &o->updated_until, .arg = "T",
		  .help = "clients: ... and up to T (default: now)" },
		{ .name = "fields", .type = CLI_STRING, .dest = &o->fields, .arg = "LIST",
		  .env = "VTEX_FETCH_CLIENT_FIELDS", .def = DEFAULT_CLIENT_FIELDS,
		  .help = "clients: Master Data _fields; keep id" },
		{ .name = "state", .type = CLI_PATH, .dest = &o->state_path, .arg = "FILE", .env = "VTEX_FETCH_STATE",
		  .help = "watermark: without a start time, continue from the last complete run; updated "
			  "after a complete run",
		  .man = "a watermark for scheduled runs:\n"
			 ".B {\"orders\":{\"created_until\":T},\"clients\":{\"updated_until\":T}}.\n"
			 "An\n.B orders\nrun without\n.B \\-\\-created\\-since\nstarts at\n.B created_until\n"
			 "minus\n.BR \\-\\-overlap ;\na\n.B clients\nrun without\n.B \\-\\-updated\\-since\n"
			 "starts at\n.B updated_until\nminus the overlap (and, without a watermark yet, is a "
			 "full export). After a complete run\n(exit 0, or 1: only permanent failures) the end "
			 "of the window is written back (a temporary\nfile, fsync, rename); after any other "
			 "exit the file is left as it was, so the next run\ncovers the same ground again. "
			 "Other keys in the file are kept." },
		{ .name = "overlap", .type = CLI_DURATION, .dest = &o->overlap_s, .arg = "SECONDS",
		  .env = "VTEX_FETCH_OVERLAP", .def = "900", .min = 0, .max = 1e9,
		  .help = "start that much before the watermark",
		  .man = "how far before the watermark the next window starts. The OMS list lags creation "
			 "by about 4 minutes and Master Data indexes with a delay;\nrecords in the overlap come "
			 "out again, and\n.BR dedup (1)\ndownstream removes them." },
		{ .heading = "Order feed", .name = "configure", .type = CLI_FLAG, .dest = &o->configure,
		  .given = &o->feed_flag,
		  .help = "set the app key's feed up (only where it differs), then exit" },
		{ .name = "status", .type = CLI_STRING, .dest = &fc->status, .arg = "LIST",
		  .env = "VTEX_FETCH_FEED_STATUS", .given = &o->configure_flag,
		  .help = "--configure: only these workflow states, comma-separated, e.g. "
			  "payment-approved,invoiced,canceled (default every state)" },
		{ .name = "visibility-timeout", .type = CLI_COUNT, .dest = &visibility, .arg = "S",
		  .env = "VTEX_FETCH_VISIBILITY_TIMEOUT", .def = "250", .min = 1, .max = MAX_VISIBILITY,
		  .given = &o->configure_flag,
		  .help = "--configure: how long, in whole seconds, a read event stays hidden; not "
			  "committed by then, it is handed out again" },
		{ .name = "retention", .type = CLI_COUNT, .dest = &retention, .arg = "S",
		  .env = "VTEX_FETCH_RETENTION", .def = "345600", .min = MIN_RETENTION, .max = MAX_RETENTION,
		  .given = &o->configure_flag,
		  .help = "--configure: how long VTEX keeps an event, committed or not, from 345600 "
			  "(4 days) to 1209600 (14 days)" },
		{ .name = "poll-ms", .type = CLI_NUMBER, .dest = &fo->poll_ms, .arg = "N",
		  .env = "VTEX_FETCH_POLL_MS", .def = "1000", .min = 10, .max = 3600000, .given = &o->feed_flag,
		  .help = "after an empty lot, wait N ms before asking again" },
		{ .name = "ack-from", .type = CLI_PATH, .dest = &fo->ack_from, .arg = "FIFO",
		  .env = "VTEX_FETCH_ACK_FROM", .given = &o->feed_flag,
		  .help = "commit events only once the pipe's sink acknowledged their barrier "
			  "(vtex-pipes(7)); without it a lot is committed once written",
		  .man = "feed: read acknowledgements from FIFO (created with mode 0600 when absent; opened\n"
			 "read-write, so a sink that restarts is no end of file) and commit only what they "
			 "cover." },
		{ .name = "barrier-ms", .type = CLI_NUMBER, .dest = &fo->policy.interval_ms, .arg = "N",
		  .env = "VTEX_FETCH_BARRIER_MS", .def = "1000", .min = 1, .max = 3600000, .given = &o->feed_flag,
		  .help = "with --ack-from: a barrier at most N ms after the first event it covers" },
		{ .name = "barrier-records", .type = CLI_COUNT, .dest = &records, .arg = "N",
		  .env = "VTEX_FETCH_BARRIER_RECORDS", .def = "10000", .min = 1, .max = 1000000000,
		  .given = &o->feed_flag, .help = "... or once N events are not covered" },
		{ .name = "ack-timeout", .type = CLI_DURATION, .dest = &fo->ack_timeout_s, .arg = "S",
		  .env = "VTEX_FETCH_ACK_TIMEOUT", .def = "30", .min = 0, .max = 86400, .given = &o->feed_flag,
		  .help = "at the end, wait S seconds for a lot in flight, and, with --ack-from, for the "
			  "acknowledgements while one comes back at least every S" },
		{ .heading = "Where failures go", .name = "failures", .type = CLI_PATH, .dest = &o->fc.failures_path,
		  .arg = "FILE", .env = "VTEX_FETCH_FAILURES",
		  .help = "what could not be fetched, one JSON line each; without it each failure is still "
			  "logged (the first 20) and counted" },
		{ .name = "rejects", .type = CLI_PATH, .dest = &o->fc.rejects_path, .arg = "FILE",
		  .env = "VTEX_FETCH_REJECTS", .help = "input lines that are not usable events (vtex-pipes(7))" },
		{ .heading = "HTTP", .name = "concurrency", .type = CLI_COUNT, .dest = &concurrency, .arg = "N",
		  .env = "VTEX_FETCH_CONCURRENCY", .def = "8", .min = 1, .max = 1024,
		  .help = "parallel requests over kept-alive connections, one libcurl multi handle" },
		{ .name = "rps", .type = CLI_NUMBER, .dest = &h->rps, .arg = "R", .env = "VTEX_FETCH_RPS",
		  .def = "0", .min = 0, .max = 1e6,
		  .help = "at most R requests a second, 0 for no limit",
		  .man = "at most R requests started per second, token bucket holding a tenth of a second's "
			 "worth\n(at least 1); retries count; 0 for no limit. VTEX's published limits are per "
			 "account (6,000 order details a minute, 45,000 catalog\nrequests a minute): leave room "
			 "for the store's other clients." },
		{ .name = "retries", .type = CLI_COUNT, .dest = &retries, .arg = "N", .env = "VTEX_FETCH_RETRIES",
		  .def = "6", .min = 0, .max = 100,
		  .help = "retries per request after the first attempt, on 429, 5xx, network errors",
		  .man = "retries per request after the first attempt. Retried: HTTP 429, 5xx (but 501, 505), "
			 "network errors and timeouts, and 2xx bodies that\nare not valid JSON." },
		{ .name = "backoff-base", .type = CLI_DURATION, .dest = &h->retry.base_s, .arg = "S",
		  .env = "VTEX_FETCH_BACKOFF_BASE", .def = "0.5", .min = 0, .max = 3600,
		  .help = "first backoff ceiling, doubling each retry",
		  .man = "exponential backoff with full jitter: before retry\n.I n\nwait a uniformly random "
			 "time in [0, min(max, base\\(mu2^(n\\-1)))." },
		{ .name = "backoff-max", .type = CLI_DURATION, .dest = &h->retry.max_s, .arg = "S",
		  .env = "VTEX_FETCH_BACKOFF_MAX", .def = "30", .min = 0, .max = 86400,
		  .help = "largest backoff ceiling" },
		{ .name = "retry-after-max", .type = CLI_DURATION, .dest = &h->retry.retry_after_max_s, .arg = "S",
		  .env = "VTEX_FETCH_RETRY_AFTER_MAX", .def = "120", .min = 0, .max = 86400,
		  .help = "longest Retry-After honoured",
		  .man = "a\n.B Retry-After\n(seconds or an HTTP date) on a 429 or 503 is honoured up to S "
			 "seconds: the retry waits at\nleast that long, and after a 429 no new request starts "
			 "until then (VTEX asks clients to stop\nwhen throttled)." },
		{ .name = "timeout", .type = CLI_DURATION, .dest = &h->timeout_s, .arg = "S",
		  .env = "VTEX_FETCH_TIMEOUT", .def = "60", .min = 0.001, .max = 86400, .help = "per attempt" },
		{ .name = "connect-timeout", .type = CLI_DURATION, .dest = &h->connect_timeout_s, .arg = "S",
		  .env = "VTEX_FETCH_CONNECT_TIMEOUT", .def = "10", .min = 0.001, .max = 3600,
		  .help = "to connect, per attempt" },
		{ .name = "cacert", .type = CLI_PATH, .dest = &h->cacert, .arg = "FILE", .env = "VTEX_FETCH_CACERT",
		  .help = "trust this CA (PEM) too; TLS is always verified" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true };

	int first = cli_table_parse(cli, &spec, argc, argv);
	h->concurrency = (int)concurrency;
	h->retry.max_attempts = 1 + (int)retries;
	fc->visibility_s = (long)visibility;
	fc->retention_s = (long)retention;
	fo->policy.records = (unsigned long)records;
	if (first >= argc)
		cli_usage_error(cli, "a command is needed: catalog, orders, order, clients, retry or feed");
	o->command = argv[first];
	o->args = argv + first + 1;
	o->nargs = argc - first - 1;
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
	cli_init(&cli, "vtex-fetch");
	parse_options(&cli, &o, argc, argv);

	const char *cmd = o.command;
	bool is_orders = strcmp(cmd, "orders") == 0, is_clients = strcmp(cmd, "clients") == 0;
	bool is_feed = strcmp(cmd, "feed") == 0;
	if (!is_orders && !is_clients && !is_feed && strcmp(cmd, "catalog") != 0 && strcmp(cmd, "order") != 0 &&
	    strcmp(cmd, "retry") != 0)
		cli_usage_error(&cli, "unknown command '%s' (catalog, orders, order, clients, retry, feed)", cmd);
	if (!is_feed && (o.feed_flag || o.configure_flag))
		cli_usage_error(&cli, "--%s: only for feed", o.feed_flag ? o.feed_flag : o.configure_flag);
	if (is_feed && !o.configure && o.configure_flag)
		cli_usage_error(&cli, "feed: --%s goes with --configure", o.configure_flag);
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
