/* VTEX's per-account limits by API class (API.md §7.2): OMS 6,000 requests a
 * minute per account; Catalog 45,000 a minute per account and 15,000 per
 * endpoint; after a 429 on OMS, about a minute of silence (G-FEED). Counted
 * in fixed windows; a request over a budget gets 429 with Retry-After until
 * the window ends (OMS: until its pause ends). Master Data's 10 concurrent
 * scrolls are scroll.h's. */
#ifndef SB_LIMITS_H
#define SB_LIMITS_H

#include <stdbool.h>

typedef struct {
	bool on;
	unsigned oms, catalog, catalog_endpoint; /* requests per window */
	double window;                           /* seconds */
	double oms_pause;                        /* seconds of 429 on OMS after one 429 */
} sb_limits;

/* "off", "vtex" (VTEX's figures, 60 s windows, 60 s OMS pause) or a list
 * such as "oms=50,catalog=300,catalog_endpoint=150,window=5,oms_pause=5"
 * whose missing keys keep VTEX's figures. False with *why on a bad spec. */
bool limits_parse(const char *spec, sb_limits *l, const char **why);

struct limiter;
struct limiter *limiter_new(const sb_limits *l);
void limiter_free(struct limiter *lim);
/* Counts a request of route (enum route_id); false when it is over a budget,
 * with *retry_after the seconds to wait and *class its class's name. */
bool limiter_admit(struct limiter *lim, int route, unsigned *retry_after, const char **class);

#endif
