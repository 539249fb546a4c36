/* What every vtex-fetch command shares: the VTEX gateway (base URLs,
 * credentials, the HTTP client), the output and failure streams, the
 * outstanding-work registry and the run's exit status. */
#ifndef VF_FETCH_H
#define VF_FETCH_H

#include "http.h"
#include "metrics.h"
#include "ndjson_writer.h"
#include "progress.h"
#include "rejects.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct fetch fetch;
typedef struct job job;

/* A unit of work that must end in output or a failure record (an order
 * detail, a product, a list slice). If the run is cut short (credentials
 * refused), every job still outstanding is written as a failure. */
typedef void (*job_fail_fn)(fetch *f, job *j, const char *reason);
struct job {
	job_fail_fn fail;
	job *prev, *next;
};

struct fetch {
	http_client *http;
	char *base_url;      /* https://ACCOUNT.ENVIRONMENT.com.br, or VTEX_BASE_URL */
	char *pricing_url;   /* https://api.vtex.com/ACCOUNT, or VTEX_BASE_URL/ACCOUNT */
	ndjson_writer *out;
	ndjson_writer *failures; /* NULL: failures are only logged */
	rejects *rejects;
	job *jobs;           /* outstanding */
	size_t njobs;        /* how many */
	int exit_code;
	int attempts;        /* HTTP attempts per request; also relists of an inconsistent slice */
	bool stopped;
	progress prog;
	unsigned long long records, failed;
	metric *m_records, *m_failures;
};

/* The knobs that main() collects from flags and environment. */
typedef struct {
	http_options http;
	const char *failures_path;
	const char *rejects_path;
} fetch_config;

/* Reads VTEX_ACCOUNT, VTEX_ENVIRONMENT, VTEX_BASE_URL, VTEX_APP_KEY and
 * VTEX_APP_TOKEN(_FILE); on a missing setting logs what is missing and exits
 * VP_EXIT_CONFIG. */
void fetch_init(fetch *f, const fetch_config *cfg);
/* After a run that was cut short: each outstanding job writes its failure
 * record (and frees what it owns). Call before freeing the command contexts. */
void fetch_cut_outstanding(fetch *f);
/* Flushes and closes everything; returns the exit status of the run. */
int fetch_finish(fetch *f);

/* Raises the run's exit status: 78 > 69 > 75 > 1 > 0. */
void fetch_note_exit(fetch *f, int code);

void job_start(fetch *f, job *j, job_fail_fn fail);
void job_end(fetch *f, job *j);

/* A GET on the store (path starts with '/') or the Pricing API, JSON accepted. */
http_request *fetch_get(fetch *f, const char *path);
/* fetch_get for an answer whose tree fetch_classify hands to a done callback
 * that keeps no part of it past its return (cJSON_Duplicate what must stay):
 * the tree is parsed in an arena, which the next such answer reuses. */
http_request *fetch_get_transient(fetch *f, const char *path);
/* A POST of a JSON body on the store; any answer body is accepted. */
http_request *fetch_post(fetch *f, const char *path, const buf *body);
http_request *fetch_get_pricing(fetch *f, const char *path);

/* Check callback for JSON endpoints: a 2xx whose body is not JSON is retried
 * (truncated or garbled in transit). */
const char *fetch_check_json(http_request *req, http_response *res, void *ctx);

/* How a finished request went, from the caller's point of view. */
typedef enum {
	FETCH_OK,         /* 2xx with a JSON body: *json is set (caller frees) */
	FETCH_NOT_FOUND,  /* 404 */
	FETCH_TEMPORARY,  /* retry budget exhausted: a later run may succeed */
	FETCH_PERMANENT,  /* another 4xx, or a failure no retry fixes */
	FETCH_STOPPED,    /* 401/403: the run is being stopped */
} fetch_status;

/* Classifies res; on 401/403 logs the clear message once and stops the run.
 * *why gets a short reason for a failure record (static or in res). */
fetch_status fetch_classify(fetch *f, http_request *req, http_response *res, cJSON **json,
			    const char **why);
/* The exit status a failure of this kind implies. */
int fetch_exit_for(fetch_status st);

/* Writes out and fsyncs the failures and rejects files (before a barrier
 * is passed on: vtex-pipes(7), ACKNOWLEDGEMENTS); false on a write error. */
bool fetch_sync_side_files(fetch *f);

/* Writes one record (compact JSON) to standard output. */
void fetch_emit(fetch *f, const cJSON *record);
/* Ends a record built in ndjson_line_buf(f->out) and counts it. */
void fetch_end_record(fetch *f);
/* Ends n records (whole lines) put in ndjson_line_buf(f->out) and counts them. */
void fetch_end_records(fetch *f, unsigned long long n);
/* Writes one failure record: {"kind":KIND, ...fields of extra..., "reason":..,
 * "status":..}; extra is consumed. Raises the exit status by st. */
void fetch_fail(fetch *f, const char *kind, cJSON *extra, fetch_status st, const char *reason,
		long http_status);

/* URL-encodes s into b (RFC 3986 unreserved kept). */
void fetch_urlencode(buf *b, const char *s);

#endif
