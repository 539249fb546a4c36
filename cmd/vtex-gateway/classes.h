/* The endpoint classes the gateway budgets (API.md §7.2), how a request's
 * path falls into one, and their settings: VTEX's figures by default, a JSON
 * config file to change them. */
#ifndef GW_CLASSES_H
#define GW_CLASSES_H

#include <stdbool.h>
#include <stddef.h>

enum gw_class { GW_OMS, GW_CATALOG, GW_PRICING, GW_MD_SCROLL, GW_MASTERDATA, GW_ORDERS, GW_OTHER, GW__CLASSES };

typedef struct {
	double budget;          /* requests per window; 0: no budget */
	double endpoint_budget; /* per endpoint (path with its ids as '*') per window; 0: none */
	double window;          /* seconds */
	unsigned concurrency;   /* requests in flight at most */
	double pause;           /* seconds of silence after a 429 without Retry-After */
} gw_class_cfg;

const char *gw_class_name(int c);
/* VTEX's figures: OMS 6,000/min with 60 s of silence after a 429; Catalog
 * 45,000/min and 15,000/min per endpoint; 10 Master Data scrolls at once. */
void gw_classes_default(gw_class_cfg cfg[GW__CLASSES]);
/* Overrides from a JSON file {"oms": {"budget": 6000, "window": 60, ...}, ...};
 * false with *why (static) on an unreadable file or an unknown name. */
bool gw_classes_load(gw_class_cfg cfg[GW__CLASSES], const char *path, const char **why);
/* The class of a request path (no query). */
int gw_class_of(const char *path);
/* The endpoint of a path: every segment of digits (an id) as '*', into out. */
void gw_endpoint_of(const char *path, char *out, size_t outsz);

#endif
