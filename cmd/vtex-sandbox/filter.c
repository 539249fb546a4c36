#include "filter.h"

#include <string.h>

int filter_parse(const cJSON *filter, struct event_filter *f, const char **msg)
{
	f->all_states = true;
	f->states = 0;
	if (!filter)
		return 0;
	if (!cJSON_IsObject(filter)) {
		*msg = "filter must be an object";
		return 400;
	}
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(filter, "type");
	const cJSON *states = cJSON_GetObjectItemCaseSensitive(filter, "status");
	bool has_expr = cJSON_GetObjectItemCaseSensitive(filter, "expression") ||
			cJSON_GetObjectItemCaseSensitive(filter, "disableSingleFire");
	if (states && has_expr) {
		*msg = "filter.status cannot be combined with filter.expression or filter.disableSingleFire";
		return 409;
	}
	bool workflow = !cJSON_IsString(type) || strcmp(type->valuestring, "FromOrders") != 0;
	if (type && (!cJSON_IsString(type) || (workflow && strcmp(type->valuestring, "FromWorkflow") != 0))) {
		*msg = "filter.type must be FromWorkflow or FromOrders";
		return 400;
	}
	if (!workflow || !states)
		return 0;
	if (!cJSON_IsArray(states)) {
		*msg = "filter.status must be an array of status names";
		return 400;
	}
	f->all_states = false;
	const cJSON *s;
	cJSON_ArrayForEach(s, states) {
		enum ostate st;
		/* VTEX does not validate status names: unknown ones simply never match. */
		if (cJSON_IsString(s) && ostate_parse(s->valuestring, strlen(s->valuestring), &st))
			f->states |= 1u << st;
	}
	return 0;
}
