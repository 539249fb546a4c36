/* ndjson-post: NDJSON records to an HTTP API (see ndjson-post(1)). Records
 * are read as the HTTP client has room for more requests (backpressure), each
 * request carrying one record, or a JSON array of records (--batch); the
 * client retries 429 and 5xx with backoff and Retry-After under --rps and
 * --concurrency. Each request carries an idempotency key derived from its
 * records, so a retried or re-run request can be recognised by the API. */
#include "base64.h"
#include "cli_table.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "ndjson_reader.h"
#include "post.h"
#include "progress.h"
#include "rejects.h"
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char synopsis[] =
	"Usage: ndjson-post --url URL [OPTION]... [FILE]...\n"
	"Send NDJSON records (from the FILEs or stdin) to an HTTP API: one request per\n"
	"record, or batches sent as a JSON array. 429 and 5xx answers are retried with\n"
	"backoff (honouring Retry-After); records the API refuses (other 4xx) go to the\n"
	"rejects file with the status and the start of the answer. Writes nothing on stdout.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Exit status: 0 every record accepted, 1 some refused (see --rejects), 64 usage,\n"
	"74 input not readable, 75 the API kept failing (429, 5xx, network) after every\n"
	"retry: run again later, 78 credentials refused (401, 403), TLS not trusted or\n"
	"bad configuration. See ndjson-post(1).\n";

typedef enum { AUTH_NONE, AUTH_BEARER, AUTH_BASIC, AUTH_HMAC } auth_kind;

typedef struct {
	cli_common cli;
	const char *url, *method, *hmac_header, *idem_key, *idem_header, *cacert, *rejects;
	char **headers;
	size_t nheaders;
	long long batch;
	size_t max_bytes;
	double rps, timeout;
	long long concurrency, retries;
	int auth;                  /* an auth_kind */
	bool own_ctype;            /* a -H gave Content-Type */
	bool secret_header;        /* a header carries a credential */
	bool secret_on_argv;       /* ... and came from -H: its name, for the error */
	const char *argv_secret;
	bool allow_secret_header, allow_plain_http;
	char **files;
	int nfiles;
} options;

static void add_header(options *o, const char *h, bool from_argv)
{
	const char *colon = strchr(h, ':');
	if (!colon || colon == h)
		cli_usage_error(&o->cli, "--header: '%.*s' is not 'Name: value'", (int)strcspn(h, ":"), h);
	if (http_header_is_secret(h, (size_t)(colon - h))) {
		o->secret_header = true;
		if (from_argv && !o->argv_secret)
			o->argv_secret = h;
	}
	if ((size_t)(colon - h) == 12 && !strncasecmp(h, "Content-Type", 12))
		o->own_ctype = true;
	o->headers = xrealloc(o->headers, (o->nheaders + 1) * sizeof *o->headers);
	o->headers[o->nheaders++] = xstrdup(h);
}

/* -H, repeatable; NDJSON_POST_HEADERS holds one header a line. */
static void header_option(void *dest, const char *from, const char *value)
{
	options *o = dest;
	if (*from == '-') {
		add_header(o, value, true);
		return;
	}
	char *copy = xstrdup(value), *save = NULL;
	for (char *h = strtok_r(copy, "\n", &save); h; h = strtok_r(NULL, "\n", &save))
		add_header(o, h, false);
	free(copy);
}

static void options_parse(options *o, int argc, char **argv)
{
	static const char *const auth_kinds[] = { "none", "bearer", "basic", "hmac", NULL };
	const cli_opt opts[] = {
		{ .name = "url", .short_name = 'u', .type = CLI_STRING, .dest = &o->url, .arg = "URL",
		  .env = "NDJSON_POST_URL",
		  .help = "target; {field} is replaced by the record's field, percent-encoded (dots reach "
			  "nested fields), e.g. 'https://crm.internal/customers/{customer_id}'",
		  .man = "the target URL, a template (above)." },
		{ .name = "method", .short_name = 'X', .type = CLI_STRING, .dest = &o->method, .arg = "METHOD",
		  .env = "NDJSON_POST_METHOD", .def = "POST", .help = "POST, PUT, PATCH, ..." },
		{ .name = "header", .short_name = 'H', .type = CLI_CUSTOM, .dest = o, .parse = header_option,
		  .arg = "'N: V'", .env = "NDJSON_POST_HEADERS",
		  .help = "add a header (repeatable; the variable holds one per line, and adds to them)",
		  .man = "an extra header, repeatable. The variable holds one header per line; the\n"
			 "command line's add to them.\n.B Content-Type: application/json\n"
			 "is sent unless a header sets another." },
		{ .name = "batch", .short_name = 'b', .type = CLI_COUNT, .dest = &o->batch, .arg = "N",
		  .env = "NDJSON_POST_BATCH", .def = "1", .min = 1, .max = 100000,
		  .help = "records per request, sent as a JSON array; 1 sends each record as it is. A batch "
			  "also ends where the URL changes" },
		{ .name = "max-bytes", .type = CLI_BYTES, .dest = &o->max_bytes, .arg = "SIZE",
		  .env = "NDJSON_POST_MAX_BYTES", .def = "1M", .min = 16,
		  .help = "largest request body; a longer record is rejected" },
		{ .name = "auth", .type = CLI_ENUM, .dest = &o->auth, .choices = auth_kinds, .arg = "KIND",
		  .env = "NDJSON_POST_AUTH", .def = "none",
		  .help = "none; bearer (NDJSON_POST_TOKEN[_FILE]); basic (NDJSON_POST_USER, "
			  "NDJSON_POST_PASSWORD[_FILE]); hmac: the body's HMAC-SHA256 with "
			  "NDJSON_POST_HMAC_KEY[_FILE], as 'sha256=HEX' in --hmac-header" },
		{ .name = "hmac-header", .type = CLI_STRING, .dest = &o->hmac_header, .arg = "NAME",
		  .env = "NDJSON_POST_HMAC_HEADER", .def = "X-Signature", .help = "the header of --auth hmac" },
		{ .name = "idempotency-key", .type = CLI_STRING, .dest = &o->idem_key, .arg = "F1[,F2]|line|none",
		  .env = "NDJSON_POST_IDEMPOTENCY_KEY", .def = "line",
		  .help = "the key's source: these fields of each record, or the whole line" },
		{ .name = "idempotency-header", .type = CLI_STRING, .dest = &o->idem_header, .arg = "NAME",
		  .env = "NDJSON_POST_IDEMPOTENCY_HEADER", .def = "Idempotency-Key",
		  .help = "the header that carries the key" },
		{ .name = "rps", .type = CLI_NUMBER, .dest = &o->rps, .arg = "R", .env = "NDJSON_POST_RPS",
		  .def = "0", .min = 0, .max = 1e6, .help = "at most R requests a second, 0 for no limit" },
		{ .name = "concurrency", .type = CLI_COUNT, .dest = &o->concurrency, .arg = "N",
		  .env = "NDJSON_POST_CONCURRENCY", .def = "4", .min = 1, .max = 1024,
		  .help = "requests in flight" },
		{ .name = "retries", .type = CLI_COUNT, .dest = &o->retries, .arg = "N",
		  .env = "NDJSON_POST_RETRIES", .def = "7", .min = 1, .max = 100,
		  .help = "attempts per request, the first included" },
		{ .name = "timeout", .type = CLI_DURATION, .dest = &o->timeout, .arg = "SEC",
		  .env = "NDJSON_POST_TIMEOUT", .def = "30", .min = 0.1, .max = 3600, .help = "per attempt" },
		{ .name = "cacert", .type = CLI_PATH, .dest = &o->cacert, .arg = "FILE", .env = "NDJSON_POST_CACERT",
		  .help = "trust this CA (PEM) too; TLS is always verified" },
		{ .name = "allow-secret-header", .type = CLI_FLAG, .dest = &o->allow_secret_header,
		  .env = "NDJSON_POST_ALLOW_SECRET_HEADER",
		  .help = "take a -H carrying a credential (Authorization, Cookie, *token*, *secret*, ...) on "
			  "the command line, where every user can read it (prefer --auth, or "
			  "NDJSON_POST_HEADERS)",
		  .man = "Take a\n.B \\-H\nthat carries a credential (Authorization, Proxy-Authorization, "
			 "Cookie, or a name holding\ntoken, secret, password, apikey or api-key) on the "
			 "command line, where every user of the\nhost can read it in /proc/PID/cmdline. "
			 "Without it such a\n.B \\-H\nis a usage error (64) naming the header, never its "
			 "value. Prefer\n.B \\-\\-auth\nwith its secret from the environment or a file, or "
			 "the header in\n.BR NDJSON_POST_HEADERS ." },
		{ .name = "allow-plain-http", .type = CLI_FLAG, .dest = &o->allow_plain_http,
		  .env = "NDJSON_POST_ALLOW_PLAIN_HTTP",
		  .help = "send credentials (--auth, a credential header) over http:// to a host other than "
			  "the loopback",
		  .man = "Send credentials\n.RB ( \"\\-\\-auth bearer\" \", \" basic ,\nor a credential "
			 "header) over plain http:// to a host other than the loopback. Without it\nthat is a "
			 "usage error (64): they would cross the network in clear. The loopback\n(localhost, "
			 "127.0.0.0/8, [::1]) is allowed, since nothing leaves the host;\n"
			 ".B \"\\-\\-auth hmac\"\nis allowed, since the key is not sent." },
		{ .name = "rejects", .type = CLI_PATH, .dest = &o->rejects, .arg = "FILE",
		  .env = "NDJSON_POST_REJECTS", .help = "refused records, with the reason" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts, .input = true };
	cli_common *c = &o->cli;

	memset(o, 0, sizeof *o);
	cli_init(c, "ndjson-post");
	int first = cli_table_parse(c, &spec, argc, argv);
	o->files = argv + first;
	o->nfiles = argc - first;
	if (!o->url)
		cli_usage_error(c, "--url is required");
	if (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8))
		cli_usage_error(c, "--url: '%s' is not an http:// or https:// URL", o->url);
	if (!*o->method || strpbrk(o->method, " \r\n:"))
		cli_usage_error(c, "--method: '%s' is not an HTTP method", o->method);
	if (o->cacert && access(o->cacert, R_OK) != 0)
		cli_usage_error(c, "--cacert: cannot read '%s'", o->cacert);
	if (strpbrk(o->hmac_header, ": \r\n") || strpbrk(o->idem_header, ": \r\n"))
		cli_usage_error(c, "--hmac-header and --idempotency-header take a header name");
	/* The command line is readable by every user of the host (/proc/PID/cmdline). */
	if (o->argv_secret && !o->allow_secret_header)
		cli_usage_error(c, "-H %.*s: a credential on the command line is readable by every user; use "
			        "--auth with NDJSON_POST_TOKEN[_FILE], or NDJSON_POST_HEADERS, or --allow-secret-header",
				(int)strcspn(o->argv_secret, ":"), o->argv_secret);
	if ((o->auth == AUTH_BEARER || o->auth == AUTH_BASIC || o->secret_header) && http_url_plain_remote(o->url) && !o->allow_plain_http)
		cli_usage_error(c, "--url: credentials would cross the network in clear (http:// to a host other "
			        "than the loopback); use https://, or --allow-plain-http");
}

/* One record of a request: where it came from, and its text in the body. */
typedef struct {
	size_t lineno;
	size_t off, len;
} rec_ref;

/* A request on its way: its records, for the rejects. */
typedef struct {
	const char *source;
	buf body;
	rec_ref *recs;
	size_t n;
} sent;

struct run;
/* A request's context: the run, and what was sent; linked in the run's list
 * until done (a stopped client never calls back the requests it dropped). */
typedef struct pending {
	struct run *r;
	sent s;
	struct pending *prev, *next;
} pending;

typedef struct run {
	options *o;
	http_client *http;
	rejects *rej;
	url_template url;
	key_fields keys;
	char *hmac_key;
	/* input */
	int file;                  /* index into o->files; -1: stdin */
	int fd;
	const char *source;
	ndjson_reader *in;
	bool done_reading;
	/* the batch being filled */
	buf body, keymat, cur_url;
	rec_ref *recs;
	size_t n, cap;
	progress prog;
	metric *m_in, *m_sent, *m_rejected, *m_failed;
	pending *inflight;
	unsigned long long failed;
	int fatal;
} run;

static void reject(run *r, const char *source, size_t lineno, const char *reason, const char *text, size_t len)
{
	rejects_add(r->rej, source, lineno, reason, text, len, true);
	metric_add(r->m_rejected, 1);
}

static void pending_free(pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		p->r->inflight = p->next;
	if (p->next)
		p->next->prev = p->prev;
	buf_free(&p->s.body);
	free(p->s.recs);
	free(p);
}

static void done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	pending *p = ctx;
	run *r = p->r;
	sent *s = &p->s;
	(void)req;
	if (res->outcome == HTTP_OUTCOME_OK && res->status >= 200 && res->status < 300) {
		metric_add(r->m_sent, (double)s->n);
		progress_add(&r->prog, s->n);
	} else if (res->outcome == HTTP_OUTCOME_OK && (res->status == 401 || res->status == 403)) {
		log_error(res->status == 401 ? "the API refused the credentials (401): check --auth and its secret"
					     : "the API denied access (403): check the credentials' rights",
			  LI("status", res->status), LS("source", s->source), LI("line", s->recs[0].lineno));
		if (!r->fatal)
			r->fatal = VP_EXIT_CONFIG;
		metric_add(r->m_failed, (double)s->n);
		http_client_stop(c);
	} else if (res->outcome == HTTP_OUTCOME_OK) {
		/* Refused: each record to the rejects, with the status and the answer's start. */
		buf why = { 0 };
		const char *rb = res->body.data ? res->body.data : "";
		size_t rl = res->body.len < 200 ? res->body.len : 200;
		buf_printf(&why, "HTTP %ld: ", res->status);
		for (size_t i = 0; i < rl; i++)
			buf_putc(&why, rb[i] == '\n' || rb[i] == '\r' ? ' ' : rb[i]);
		log_warn("the API refused a request", LI("status", res->status), LS("source", s->source),
			 LI("line", s->recs[0].lineno), LI("records", s->n));
		for (size_t i = 0; i < s->n; i++)
			reject(r, s->source, s->recs[i].lineno, buf_cstr(&why), s->body.data + s->recs[i].off, s->recs[i].len);
		buf_free(&why);
	} else {
		log_error(res->outcome == HTTP_OUTCOME_GAVE_UP ? "the API kept failing; the records were not delivered"
							       : "the request cannot be made",
			  LI("status", res->status), LS("error", res->error ? res->error : ""), LI("attempts", res->attempts),
			  LS("source", s->source), LI("line", s->recs[0].lineno), LI("records", s->n));
		r->failed += s->n;
		metric_add(r->m_failed, (double)s->n);
		if (res->outcome == HTTP_OUTCOME_FATAL) {
			/* An untrusted certificate or a bad URL fails every request alike. */
			if (!r->fatal)
				r->fatal = VP_EXIT_CONFIG;
			http_client_stop(c);
		}
	}
	pending_free(p);
}

/* Sends the batch being filled; false when it is empty. */
static bool submit(run *r)
{
	if (!r->n)
		return false;
	options *o = r->o;
	if (o->batch > 1)
		buf_putc(&r->body, ']');
	http_request *req = http_request_new(o->method, buf_cstr(&r->cur_url));
	http_request_label(req, "post");
	http_request_body(req, r->body.data, r->body.len);
	if (!o->own_ctype)
		http_request_header(req, "Content-Type: application/json");
	for (size_t i = 0; i < o->nheaders; i++)
		http_request_header(req, o->headers[i]);
	buf h = { 0 };
	if (strcmp(o->idem_key, "none")) {
		char key[33];
		idempotency_key(r->keymat.data, r->keymat.len, key);
		buf_printf(&h, "%s: %s", o->idem_header, key);
		http_request_header(req, buf_cstr(&h));
	}
	if (o->auth == AUTH_HMAC) {
		char sig[65];
		hmac_sha256_hex(r->hmac_key, strlen(r->hmac_key), r->body.data, r->body.len, sig);
		h.len = 0;
		buf_printf(&h, "%s: sha256=%s", o->hmac_header, sig);
		http_request_header(req, buf_cstr(&h));
	}
	buf_free(&h);
	pending *ctx = xcalloc(1, sizeof *ctx);
	ctx->r = r;
	ctx->s.source = r->source;
	ctx->s.body = r->body;
	ctx->s.recs = r->recs;
	ctx->s.n = r->n;
	ctx->next = r->inflight;
	if (r->inflight)
		r->inflight->prev = ctx;
	r->inflight = ctx;
	http_request_on_done(req, done, ctx);
	http_submit(r->http, req);
	r->body = (buf){ 0 };
	r->recs = NULL;
	r->n = r->cap = 0;
	r->keymat.len = 0;
	r->cur_url.len = 0;
	return true;
}

/* Adds a record to the batch, sending the batch first when the record does
 * not belong in it. Returns whether a request went out. */
static bool add(run *r, const cJSON *rec, const ndjson_line *line, const buf *url)
{
	options *o = r->o;
	bool went = false;
	size_t extra = line->len + (o->batch > 1 ? 2 : 0);
	if (r->n && ((long long)r->n >= o->batch || r->body.len + extra > o->max_bytes ||
		     strcmp(buf_cstr(&r->cur_url), ((buf *)url)->data)))
		went = submit(r);
	if (!r->n) {
		buf_puts(&r->cur_url, ((buf *)url)->data);
		if (o->batch > 1)
			buf_putc(&r->body, '[');
	} else
		buf_putc(&r->body, ',');
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->recs = xrealloc(r->recs, r->cap * sizeof *r->recs);
	}
	r->recs[r->n++] = (rec_ref){ line->lineno, r->body.len, line->len };
	buf_put(&r->body, line->text, line->len);
	key_material_add(&r->keys, rec, line->text, line->len, &r->keymat);
	return went;
}

/* Opens the next input; false when there is none. */
static bool next_input(run *r)
{
	if (r->in) {
		ndjson_reader_close(r->in);
		r->in = NULL;
		if (r->fd != STDIN_FILENO)
			close(r->fd);
	}
	options *o = r->o;
	if (o->nfiles ? r->file >= o->nfiles : r->file > 0)
		return false;
	if (o->nfiles == 0) {
		r->fd = STDIN_FILENO;
		r->source = "-";
	} else {
		r->source = o->files[r->file];
		r->fd = open(r->source, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			log_error("cannot open an input file", LS("path", r->source), LS("error", strerror(errno)));
			r->fatal = VP_EXIT_IOERR;
			return false;
		}
	}
	r->file++;
	r->in = ndjson_reader_open(r->fd, r->source);
	return true;
}

static bool input_ready(run *r)
{
	if (ndjson_reader_buffered(r->in))
		return true;
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

static bool feed(http_client *c, size_t room, void *ctx)
{
	run *r = ctx;
	buf url = { 0 };
	while (room && !r->fatal && !r->done_reading) {
		if (!r->in && !next_input(r)) {
			r->done_reading = true;
			submit(r);
			break;
		}
		/* Requests in flight: read only what is there, so they are not held up. */
		if (http_client_pending(c) && !input_ready(r)) {
			submit(r);
			break;
		}
		ndjson_line line;
		cJSON *rec = NULL;
		enum ndjson_status st = ndjson_next_object(r->in, &line, &rec);
		if (st == NDJSON_EOF) {
			/* A batch never spans two inputs: its line numbers name one source. */
			if (submit(r))
				room--;
			ndjson_reader_close(r->in);
			if (r->fd != STDIN_FILENO)
				close(r->fd);
			r->in = NULL;
			continue;
		}
		if (st == NDJSON_IOERR) {
			log_error("cannot read the input", LS("source", r->source), LS("error", strerror(errno)));
			r->fatal = VP_EXIT_IOERR;
			break;
		}
		metric_add(r->m_in, 1);
		if (st == NDJSON_BAD) {
			rejects_add(r->rej, r->source, line.lineno, line.reason, line.text, line.len, false);
			metric_add(r->m_rejected, 1);
			continue;
		}
		const char *missing = NULL, *bad = NULL;
		url.len = 0;
		size_t extra = line.len + (r->o->batch > 1 ? 2 : 0);
		if (!url_template_expand(&r->url, rec, &url, &missing, &bad)) {
			buf why = { 0 };
			buf_printf(&why, "the URL's field {%s} %s", missing, bad);
			reject(r, r->source, line.lineno, buf_cstr(&why), line.text, line.len);
			buf_free(&why);
		} else if (extra > r->o->max_bytes) {
			reject(r, r->source, line.lineno, "the record is larger than --max-bytes", line.text, line.len);
		} else if (add(r, rec, &line, &url))
			room--;
		cJSON_Delete(rec);
	}
	buf_free(&url);
	return !r->done_reading && !r->fatal;
}

int main(int argc, char **argv)
{
	options o;
	options_parse(&o, argc, argv);
	run r = { .o = &o, .file = 0, .fd = -1 };
	const char *err = NULL;
	if (!url_template_parse(&r.url, o.url, &err))
		cli_usage_error(&o.cli, "--url: %s", err);
	key_fields_parse(&r.keys, strcmp(o.idem_key, "none") ? o.idem_key : NULL);

	http_options ho;
	http_options_default(&ho);
	ho.concurrency = o.concurrency;
	ho.rps = o.rps;
	ho.timeout_s = o.timeout;
	ho.cacert = o.cacert;
	ho.retry.max_attempts = o.retries;
	r.http = http_client_new(&ho);

	int rc = VP_EXIT_OK;
	buf h = { 0 };
	if (o.auth == AUTH_BEARER) {
		char *tok = secret_read("NDJSON_POST_TOKEN", &err);
		if (!tok) {
			log_error("--auth bearer needs NDJSON_POST_TOKEN or NDJSON_POST_TOKEN_FILE", LS("error", err ? err : "unset"));
			rc = VP_EXIT_CONFIG;
		} else {
			buf_printf(&h, "Authorization: Bearer %s", tok);
			http_client_default_header(r.http, buf_cstr(&h));
			secret_free(tok);
		}
	} else if (o.auth == AUTH_BASIC) {
		const char *user = cli_env("NDJSON_POST_USER", NULL);
		char *pw = secret_read("NDJSON_POST_PASSWORD", &err);
		if (!user || !pw) {
			log_error("--auth basic needs NDJSON_POST_USER and NDJSON_POST_PASSWORD (or _FILE)",
				  LS("error", err ? err : "unset"));
			rc = VP_EXIT_CONFIG;
		} else {
			buf cred = { 0 };
			buf_printf(&cred, "%s:%s", user, pw);
			buf_puts(&h, "Authorization: Basic ");
			base64_encode(&h, cred.data, cred.len);
			http_client_default_header(r.http, buf_cstr(&h));
			secret_wipe(cred.data, cred.len);
			buf_free(&cred);
		}
		secret_free(pw);
	} else if (o.auth == AUTH_HMAC) {
		r.hmac_key = secret_read("NDJSON_POST_HMAC_KEY", &err);
		if (!r.hmac_key) {
			log_error("--auth hmac needs NDJSON_POST_HMAC_KEY or NDJSON_POST_HMAC_KEY_FILE", LS("error", err ? err : "unset"));
			rc = VP_EXIT_CONFIG;
		}
	}
	secret_wipe(h.data, h.len);
	buf_free(&h);
	r.rej = rc ? NULL : rejects_open(o.rejects, "ndjson-post");
	if (!rc && !r.rej) {
		log_error("cannot open the rejects file", LS("path", o.rejects), LS("error", strerror(errno)));
		rc = VP_EXIT_CONFIG;
	}
	if (rc) {
		http_client_free(r.http);
		url_template_free(&r.url);
		key_fields_free(&r.keys);
		secret_free(r.hmac_key);
		return rc;
	}
	const char *in = "outcome=\"in\"";
	r.m_in = metrics_counter("vtex_pipes_records_total", "Records by outcome.", in);
	r.m_sent = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"sent\"");
	r.m_rejected = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"rejected\"");
	r.m_failed = metrics_counter("vtex_pipes_records_total", "Records by outcome.", "outcome=\"failed\"");
	progress_start(&r.prog, "records");
	double t0 = progress_now();
	if (!http_client_run(r.http, feed, &r) && !r.fatal) {
		log_error("the HTTP client failed");
		r.fatal = VP_EXIT_SOFTWARE;
	}
	progress_end(&r.prog);
	unsigned long long rejected = rejects_count(r.rej);
	log_info("done", LI("records", metric_value(r.m_in)), LI("sent", metric_value(r.m_sent)),
		 LI("rejected", rejected), LI("failed", r.failed), LD("seconds", progress_now() - t0));
	if (!rejects_close(r.rej)) {
		log_error("cannot write the rejects file", LS("path", o.rejects));
		r.fatal = vp_exit_worst(r.fatal, VP_EXIT_IOERR);
	}
	if (r.in) {
		ndjson_reader_close(r.in);
		if (r.fd != STDIN_FILENO)
			close(r.fd);
	}
	http_client_free(r.http);
	while (r.inflight)
		pending_free(r.inflight);
	buf_free(&r.body);
	buf_free(&r.keymat);
	buf_free(&r.cur_url);
	free(r.recs);
	url_template_free(&r.url);
	key_fields_free(&r.keys);
	secret_free(r.hmac_key);
	for (size_t i = 0; i < o.nheaders; i++)
		free(o.headers[i]);
	free(o.headers);
	cli_finish(&o.cli);
	rc = r.fatal;
	if (r.failed)
		rc = vp_exit_worst(rc, VP_EXIT_TEMPFAIL);
	return rejected ? vp_exit_worst(rc, VP_EXIT_REJECTS) : rc;
}
