/* One order status change as the hook and the feed announce it (API.md
 * §4.3-4.4): live mode makes it, hooks.c and feed.c each render it. */
#ifndef SB_ORDER_EVENT_H
#define SB_ORDER_EVENT_H

#include "plan.h"
#include "vtime.h"

#include <stdbool.h>

struct order_event {
	const char *order_id;
	bool fulfillment; /* Domain: Fulfillment (affiliate orders) or Marketplace */
	enum ostate state;
	int last_state;   /* enum ostate, or -1 for the first event of an order */
	vtime_t last_change, current_change;
};

#endif
