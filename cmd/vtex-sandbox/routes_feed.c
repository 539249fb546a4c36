/* /api/orders/feed/config and /api/orders/feed (API.md §4.4). */
#include "args.h"
#include "feed.h"
#include "progress.h"
#include "routes.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char no_feed[] = "No feed configured for this appKey";

void h_feed_config(app *a, request *rq, response *rs)
{
	double now = progress_now();
	if (strcmp(rq->method, "POST") == 0) {
		const char *msg = "The feed configuration was refused";
		int status = feeds_configure(a->feeds, rq->key, rq->body.data ? rq->body.data : "", rq->body.len, now,
					     &rs->body, &msg);
		if (status != 200)
			resp_oms_error(rs, status, "1", msg);
	} else if (strcmp(rq->method, "DELETE") == 0) {
		if (feeds_delete(a->feeds, rq->key))
			resp_text(rs, 200, "");
		else
			resp_oms_error(rs, 404, "1", no_feed);
	} else if (!feeds_get_config(a->feeds, rq->key, now, &rs->body)) {
		resp_oms_error(rs, 404, "1", no_feed);
	}
}

/* POST {"handles":["...",...]} */
static void commit(app *a, request *rq, response *rs)
{
	cJSON *json = cJSON_ParseWithLength(rq->body.data ? rq->body.data : "", rq->body.len);
	const cJSON *handles = json ? cJSON_GetObjectItemCaseSensitive(json, "handles") : NULL;
	if (!cJSON_IsArray(handles)) {
		cJSON_Delete(json);
		resp_oms_error(rs, 400, "1", "The body must be {\"handles\":[\"<handle>\",...]}");
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(handles), i = 0;
	const char **list = xcalloc(n ? n : 1, sizeof *list);
	const cJSON *h;
	cJSON_ArrayForEach(h, handles) {
		if (!cJSON_IsString(h)) {
			free(list);
			cJSON_Delete(json);
			resp_oms_error(rs, 400, "1", "handles must be strings");
			return;
		}
		list[i++] = h->valuestring;
	}
	feeds_commit(a->feeds, rq->key, list, n, progress_now());
	free(list);
	cJSON_Delete(json);
	resp_text(rs, 200, "");
}

void h_feed(app *a, request *rq, response *rs)
{
	if (strcmp(rq->method, "POST") == 0) {
		commit(a, rq, rs);
		return;
	}
	const char *v = req_arg(rq, "maxlot");
	long long maxlot;
	if (!v || !*v) {
		resp_oms_error(rs, 400, "1", "The maxlot parameter is required");
		return;
	}
	if (!param_long(v, &maxlot) || maxlot < 1 || maxlot > FEED_MAX_LOT) {
		resp_oms_error(rs, 400, "1", "maxlot must be a whole number from 1 to 10");
		return;
	}
	if (!feeds_receive(a->feeds, rq->key, (size_t)maxlot, progress_now(), &rs->body))
		resp_oms_error(rs, 404, "1", no_feed);
}
