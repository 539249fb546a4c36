#include "fetch.h"
#include "json_text.h"
#include "cli.h"
#include "exitcode.h"
#include "json_arena.h"
#include "json_path.h"
#include "log.h"
#include "metrics.h"
#include "responses.h"
#include "vtex_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void config_error(const char *msg, const char *hint)
{
	log_error(msg, LS("hint", hint));
	exit(VP_EXIT_CONFIG);
}

void fetch_init(fetch *f, const fetch_config *cfg)
{
	*f = (fetch){ .exit_code = VP_EXIT_OK };
	vtex_endpoint ep;
	const char *why, *hint;
	if (!vtex_endpoint_from_env(&ep, &why, &hint))
		config_error(why, hint);
	f->base_url = ep.base_url;
	f->pricing_url = ep.pricing_url;

	http_options o = cfg->http;
	f->attempts = o.retry.max_attempts;
	f->http = http_client_new(&o);
	json_arena_install_scoped();
	http_client_default_header(f->http, "Content-Type: application/json");
	if (!vtex_add_credentials(f->http, &why, &hint))
		config_error(why, hint);

	f->out = ndjson_writer_open(STDOUT_FILENO, "-");
	if (cfg->failures_path) {
		f->failures = ndjson_writer_open_file(cfg->failures_path, false);
		if (!f->failures) {
			log_error("cannot open the failures file", LS("path", cfg->failures_path),
				  LS("error", strerror(errno)));
			exit(VP_EXIT_CONFIG);
		}
	}
	f->rejects = rejects_open(cfg->rejects_path, "vtex-fetch");
	if (!f->rejects) {
		log_error("cannot open the rejects file", LS("path", cfg->rejects_path),
			  LS("error", strerror(errno)));
		exit(VP_EXIT_CONFIG);
	}
	f->m_records = metrics_counter("vtex_pipes_records_total", "Records by outcome.",
				       "outcome=\"out\"");
	f->m_failures = metrics_counter("vtex_pipes_records_total", "Records by outcome.",
					"outcome=\"failed\"");
	log_debug("gateway", LS("base_url", f->base_url), LS("pricing_url", f->pricing_url),
		  LI("concurrency", o.concurrency), LD("rps", o.rps));
}

void fetch_note_exit(fetch *f, int code)
{
	f->exit_code = vp_exit_worst(f->exit_code, code);
}

void job_start(fetch *f, job *j, job_fail_fn fail)
{
	j->fail = fail;
	j->prev = NULL;
	j->next = f->jobs;
	if (f->jobs)
		f->jobs->prev = j;
	f->jobs = j;
	f->njobs++;
}

void job_end(fetch *f, job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		f->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	j->prev = j->next = NULL;
	f->njobs--;
}

void fetch_cut_outstanding(fetch *f)
{
	while (f->jobs) {
		job *j = f->jobs;
		job_end(f, j);
		j->fail(f, j, "not fetched: the run was stopped");
	}
}

int fetch_finish(fetch *f)
{
	progress_end(&f->prog);
	http_client_free(f->http);
	json_arena_uninstall();
	if (!ndjson_writer_close(f->out))
		fetch_note_exit(f, VP_EXIT_IOERR);
	if (f->failures && !ndjson_writer_close(f->failures))
		fetch_note_exit(f, VP_EXIT_IOERR);
	if (rejects_count(f->rejects))
		fetch_note_exit(f, VP_EXIT_REJECTS);
	if (!rejects_close(f->rejects))
		fetch_note_exit(f, VP_EXIT_IOERR);
	log_info("done", LI("records", f->records), LI("failures", f->failed),
		 LI("exit", f->exit_code));
	free(f->base_url);
	free(f->pricing_url);
	return f->exit_code;
}

static const char *check_json_transient(http_request *req, http_response *res, void *ctx);

static http_request *get(const char *base, const char *path, http_check_fn check)
{
	buf u = { 0 };
	buf_printf(&u, "%s%s", base, path);
	http_request *r = http_request_new("GET", buf_cstr(&u));
	buf_free(&u);
	http_request_header(r, "Accept: application/json");
	http_request_check(r, check);
	return r;
}

http_request *fetch_get(fetch *f, const char *path)
{
	return get(f->base_url, path, fetch_check_json);
}

http_request *fetch_get_transient(fetch *f, const char *path)
{
	return get(f->base_url, path, check_json_transient);
}

http_request *fetch_post(fetch *f, const char *path, const buf *body)
{
	buf u = { 0 };
	buf_printf(&u, "%s%s", f->base_url, path);
	http_request *r = http_request_new("POST", buf_cstr(&u));
	buf_free(&u);
	http_request_header(r, "Accept: application/json");
	http_request_body(r, body->data, body->len);
	return r;
}

http_request *fetch_get_pricing(fetch *f, const char *path)
{
	return get(f->pricing_url, path, fetch_check_json);
}

/* The body a check parsed, handed to fetch_classify for the same response
 * so it is not parsed twice: the check and the done callback of an
 * accepted response run back to back on the one loop thread. */
static cJSON *checked_json;
static const http_response *checked_res;

static const char *check_json(http_response *res, bool transient)
{
	if (res->status < 200 || res->status > 299)
		return NULL;
	/* One no callback took (before the arena it may sit in is reset). */
	cJSON_Delete(checked_json);
	checked_json = NULL;
	checked_res = NULL;
	if (transient)
		json_arena_scope_begin();
	cJSON *j = cJSON_ParseWithLength(res->body.data ? res->body.data : "", res->body.len);
	if (transient)
		json_arena_scope_end();
	if (!j)
		return "response body is not valid JSON";
	checked_json = j;
	checked_res = res;
	return NULL;
}

const char *fetch_check_json(http_request *req, http_response *res, void *ctx)
{
	(void)req;
	(void)ctx;
	return check_json(res, false);
}

/* A transient answer's tree comes from the arena (json_arena.h): no malloc
 * or free per value. It is valid until the next transient answer is
 * checked, that is until its done callback returns. */
static const char *check_json_transient(http_request *req, http_response *res, void *ctx)
{
	(void)req;
	(void)ctx;
	return check_json(res, true);
}

static cJSON *take_checked(const http_response *res)
{
	cJSON *j = NULL;
	if (checked_res == res) {
		j = checked_json;
		checked_json = NULL;
		checked_res = NULL;
	}
	return j;
}

fetch_status fetch_classify(fetch *f, http_request *req, http_response *res, cJSON **json,
			    const char **why)
{
	*why = res->error;
	cJSON *parsed = take_checked(res);
	if (json)
		*json = NULL;
	if (res->outcome == HTTP_OUTCOME_GAVE_UP)
		return FETCH_TEMPORARY;
	if (res->outcome == HTTP_OUTCOME_FATAL) {
		if (res->error_kind != HTTP_ERR_TLS_TRUST && res->error_kind != HTTP_ERR_REQUEST)
			return FETCH_PERMANENT;
		/* Every other request would fail the same way: a configuration error. */
		if (!f->stopped) {
			f->stopped = true;
			log_error(res->error_kind == HTTP_ERR_TLS_TRUST
					  ? "the server's TLS certificate is not trusted"
					  : "the request cannot be made",
				  LS("error", res->error ? res->error : ""),
				  LS("hint", res->error_kind == HTTP_ERR_TLS_TRUST
						     ? "for a private CA give its certificate with --cacert"
						     : "check VTEX_BASE_URL / VTEX_ACCOUNT and --cacert"),
				  LS("url", http_request_url(req)));
			http_client_stop(f->http);
		}
		fetch_note_exit(f, VP_EXIT_CONFIG);
		return FETCH_STOPPED;
	}
	if (res->status == 401 || res->status == 403) {
		if (!f->stopped) {
			f->stopped = true;
			if (res->status == 401)
				log_error("VTEX refused the credentials (HTTP 401)",
					  LS("hint", "check VTEX_APP_KEY and VTEX_APP_TOKEN"),
					  LS("url", http_request_url(req)));
			else
				log_error("VTEX denied access (HTTP 403): the app key lacks a permission for "
					  "this endpoint, or is not valid for this store",
					  LS("hint", "check VTEX_APP_KEY, VTEX_APP_TOKEN and VTEX_ACCOUNT; give the "
						     "key's License Manager role the resource this endpoint needs "
						     "(vtex-fetch(1), PERMISSIONS)"),
					  LS("url", http_request_url(req)));
			http_client_stop(f->http);
		}
		fetch_note_exit(f, VP_EXIT_CONFIG);
		*why = res->status == 401 ? "HTTP 401: credentials refused" : "HTTP 403: permission denied";
		return FETCH_STOPPED;
	}
	if (res->status == 404) {
		*why = "HTTP 404: not found";
		return FETCH_NOT_FOUND;
	}
	if (res->status < 200 || res->status > 299) {
		/* Read at once by the caller (the loop is single-threaded). */
		static char status_why[200];
		/* VTEX's error bodies are short messages: say what it said, on one line. */
		resp_error_reason(status_why, sizeof status_why, res->status, res->body.data, res->body.len);
		*why = status_why;
		return FETCH_PERMANENT;
	}
	if (json) {
		/* The input rule of every tool (json_text.h): cJSON would cut a
		 * value at a \u0000 and write it out shortened. */
		const char *bad = json_text_problem(res->body.data ? res->body.data : "", res->body.len);
		*json = parsed && !bad ? parsed : bad ? NULL : cJSON_ParseWithLength(res->body.data, res->body.len);
		if (*json != parsed)
			cJSON_Delete(parsed);
		parsed = NULL;
		if (!*json) {
			*why = bad ? bad : "response body is not valid JSON";
			return FETCH_PERMANENT;
		}
	}
	cJSON_Delete(parsed);
	return FETCH_OK;
}

int fetch_exit_for(fetch_status st)
{
	switch (st) {
	case FETCH_OK: return VP_EXIT_OK;
	case FETCH_TEMPORARY: return VP_EXIT_TEMPFAIL;
	case FETCH_STOPPED: return VP_EXIT_CONFIG;
	default: return VP_EXIT_REJECTS;
	}
}

bool fetch_sync_side_files(fetch *f)
{
	return (!f->failures || ndjson_writer_sync(f->failures)) && rejects_sync(f->rejects);
}

void fetch_emit(fetch *f, const cJSON *record)
{
	json_write(ndjson_line_buf(f->out), record);
	fetch_end_record(f);
}

void fetch_end_record(fetch *f)
{
	buf_putc(ndjson_line_buf(f->out), '\n');
	fetch_end_records(f, 1);
}

void fetch_end_records(fetch *f, unsigned long long n)
{
	ndjson_end_lines(f->out, n);
	f->records += n;
	metric_add(f->m_records, (double)n);
	progress_add(&f->prog, n);
}

void fetch_fail(fetch *f, const char *kind, cJSON *extra, fetch_status st, const char *reason,
		long http_status)
{
	cJSON *rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "kind", kind);
	if (extra) {
		cJSON *item;
		while ((item = extra->child)) {
			cJSON_DetachItemViaPointer(extra, item);
			cJSON_AddItemToObject(rec, item->string, item);
		}
		cJSON_Delete(extra);
	}
	cJSON_AddStringToObject(rec, "reason", reason ? reason : "unknown");
	if (http_status)
		cJSON_AddNumberToObject(rec, "status", (double)http_status);
	cJSON_AddBoolToObject(rec, "retryable", st == FETCH_TEMPORARY || st == FETCH_STOPPED);
	f->failed++;
	metric_add(f->m_failures, 1);
	fetch_note_exit(f, fetch_exit_for(st));
	buf line = { 0 };
	json_write(&line, rec);
	if (f->failed <= 20)
		log_warn("not fetched", LS("record", buf_cstr(&line)));
	else if (f->failed == 21)
		log_warn("more failures: see the failures file or the metrics");
	if (f->failures)
		ndjson_write_line(f->failures, line.data, line.len);
	buf_free(&line);
	cJSON_Delete(rec);
}

void fetch_urlencode(buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			buf_putc(b, (char)ch);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[ch >> 4]);
			buf_putc(b, hex[ch & 15]);
		}
	}
}
