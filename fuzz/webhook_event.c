/* libFuzzer target: vtex-webhook's body check and NDJSON line.
 * links: cmd/vtex-webhook
 *
 * The input is a request body. Checks: a body accepted as an order event
 * becomes one line (no newline in it) that parses as a JSON object equal to
 * the body plus "_received_at" (compared as cJSON prints them); a ping or a refusal never crashes, and a
 * refusal always says why. */
#include "vtex-webhook/event.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data, *why = NULL;
	event_kind k = event_check(body, size, &why);
	if (k == EVENT_BAD) {
		if (!why)
			abort();
		return 0;
	}
	if (k == EVENT_PING)
		return 0;
	buf line = { 0 };
	event_line(&line, body, size, "2026-01-15T00:00:00Z");
	if (memchr(line.data, '\n', line.len) || memchr(line.data, '\r', line.len))
		abort();
	cJSON *got = cJSON_ParseWithLength(line.data, line.len);
	cJSON *want = cJSON_ParseWithLength(body, size);
	if (!cJSON_IsObject(got) || !want)
		abort();
	cJSON *at = cJSON_DetachItemFromObjectCaseSensitive(got, "_received_at");
	if (!cJSON_IsString(at) || strcmp(at->valuestring, "2026-01-15T00:00:00Z") != 0)
		abort();
	/* Printed back, both are the same text (fields in order, repeats kept). */
	char *pg = cJSON_PrintUnformatted(got), *pw = cJSON_PrintUnformatted(want);
	if (!pg || !pw || strcmp(pg, pw) != 0)
		abort();
	free(pg);
	free(pw);
	cJSON_Delete(at);
	cJSON_Delete(got);
	cJSON_Delete(want);
	buf_free(&line);
	return 0;
}
