/* The filter object the hook and the feed configurations share (API.md §4.1):
 * FromWorkflow with an optional list of statuses, or FromOrders with a JSONata
 * expression, which the sandbox keeps but does not evaluate (such a filter
 * takes every status change). */
#ifndef SB_FILTER_H
#define SB_FILTER_H

#include "plan.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

struct event_filter {
	bool all_states;
	uint32_t states; /* bit per enum ostate, when !all_states */
};

/* Reads filter (NULL: no filter, which is FromWorkflow with every status).
 * Returns 0 when it is accepted, else the HTTP status to answer (400, or 409
 * for status mixed with expression or disableSingleFire) with *msg. */
int filter_parse(const cJSON *filter, struct event_filter *f, const char **msg);

static inline bool filter_takes(const struct event_filter *f, enum ostate st)
{
	return f->all_states || (f->states & (1u << st));
}

#endif
