/* `vtex-fetch feed --configure`: the app key's order feed (API.md 4.4),
 * posted only when VTEX does not hold that configuration already, so that
 * running it again changes nothing. */
#include "exitcode.h"
#include "feed.h"
#include "json_path.h"
#include "log.h"
#include "responses.h"

#include <stdlib.h>
#include <string.h>

/* The workflow states of API.md 4.1: VTEX does not check them, so a
 * misspelt one would silently never match. */
static const char *const STATES[] = {
	"order-created", "on-order-completed", "on-order-completed-ffm", "payment-pending",
	"waiting-for-order-authorization", "approve-payment", "payment-approved", "request-cancel",
	"waiting-for-seller-decision", "waiting-ffmt-authorization", "waiting-for-authorization",
	"waiting-for-manual-authorization", "authorize-fulfillment", "order-create-error", "order-creation-error",
	"window-to-cancel", "window-to-change-seller", "waiting-for-mkt-authorization", "waiting-seller-handling",
	"ready-for-handling", "start-handling", "handling", "invoice-after-cancellation-deny", "order-accepted",
	"invoice", "invoiced", "replaced", "cancellation-requested", "cancel", "canceled",
};

static bool known_state(const char *s)
{
	for (size_t i = 0; i < sizeof STATES / sizeof *STATES; i++)
		if (strcmp(STATES[i], s) == 0)
			return true;
	return false;
}

static cJSON *config_body(const feed_config_options *o)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *filter = cJSON_AddObjectToObject(j, "filter");
	cJSON_AddStringToObject(filter, "type", "FromWorkflow");
	if (o->status) {
		cJSON *arr = cJSON_AddArrayToObject(filter, "status");
		char *copy = xstrdup(o->status), *save = NULL;
		for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			if (!known_state(t))
				log_warn("not a workflow state VTEX documents (VTEX does not check them: a misspelt one "
					 "never matches)",
					 LS("status", t));
			cJSON_AddItemToArray(arr, cJSON_CreateString(t));
		}
		free(copy);
	}
	cJSON *queue = cJSON_AddObjectToObject(j, "queue");
	cJSON_AddNumberToObject(queue, "visibilityTimeoutInSeconds", (double)o->visibility_s);
	/* The casing of VTEX's request schema (its GET shows camelCase). */
	cJSON_AddNumberToObject(queue, "MessageRetentionPeriodInSeconds", (double)o->retention_s);
	return j;
}

typedef struct {
	fetch *f;
	fetch_status st;
	long status;
	const char *what;
	cJSON *json;
} answer;

static void answered(http_client *c, http_request *req, http_response *res, void *ctx)
{
	(void)c;
	answer *a = ctx;
	const char *why;
	a->st = fetch_classify(a->f, req, res, &a->json, &why);
	a->status = res->status;
	/* 404 on the GET only says there is no feed yet. */
	if (a->st != FETCH_OK && a->st != FETCH_STOPPED && !(a->st == FETCH_NOT_FOUND && strcmp(a->what, "GET") == 0))
		log_error("cannot set the order feed up", LS("request", a->what),
			  LS("reason", why ? why : "failed"), LI("status", res->status));
}

static void exchange(fetch *f, http_request *req, answer *a)
{
	http_request_on_done(req, answered, a);
	http_submit(f->http, req);
	http_client_run(f->http, NULL, NULL);
}

int feed_configure(fetch *f, const feed_config_options *o)
{
	cJSON *want = config_body(o);
	answer have = { .f = f, .what = "GET" };
	http_request *req = fetch_get(f, "/api/orders/feed/config");
	http_request_label(req, "feed-config");
	exchange(f, req, &have);
	int code = VP_EXIT_OK;
	if (have.st == FETCH_OK && resp_feed_config_matches(have.json, want)) {
		log_info("the order feed is configured so already; nothing changed");
	} else if (have.st == FETCH_OK || have.st == FETCH_NOT_FOUND) {
		char *text = cJSON_PrintUnformatted(want);
		buf body = { 0 };
		buf_puts(&body, text);
		free(text);
		answer post = { .f = f, .what = "POST" };
		req = fetch_post(f, "/api/orders/feed/config", &body);
		buf_free(&body);
		http_request_label(req, "feed-config");
		exchange(f, req, &post);
		cJSON_Delete(post.json);
		if (post.st == FETCH_OK)
			log_info(have.st == FETCH_OK ? "order feed configuration replaced" : "order feed configured",
				 LS("status", o->status ? o->status : "every state"), LI("visibility_timeout_s", o->visibility_s),
				 LI("retention_s", o->retention_s));
		else if (post.status == 409) /* a filter VTEX finds contradictory: a setting to fix */
			code = VP_EXIT_CONFIG;
		else
			code = post.st == FETCH_PERMANENT || post.st == FETCH_NOT_FOUND ? VP_EXIT_UNAVAILABLE
										      : fetch_exit_for(post.st);
	} else {
		code = have.st == FETCH_PERMANENT ? VP_EXIT_UNAVAILABLE : fetch_exit_for(have.st);
	}
	cJSON_Delete(have.json);
	cJSON_Delete(want);
	fetch_note_exit(f, code);
	return code;
}
