/* Every setting of vtex-sandbox, from flags or VTEX_SANDBOX_* variables (main.c's
 * option table). Whole numbers are long long, as the table parses them. */
#ifndef SB_CONFIG_H
#define SB_CONFIG_H

#include "limits.h"
#include "vtime.h"

#include <stdbool.h>

enum fault_kind { FAULT_NONE, FAULT_429, FAULT_5XX, FAULT_RESET, FAULT_TRUNCATE, FAULT_SLOW, FAULT__COUNT };

typedef struct {
	const char *listen;      /* host:port; port 0 picks a free one */
	const char *ready_file;  /* gets the base URL once the server accepts */
	const char *account;
	long long seed;
	long long products, clients, orders;
	vtime_t now;             /* the sandbox clock at start */
	long long history_days;
	double busy_day_share;
	const char *truth_file;
	long long threads, max_connections;

	/* live mode */
	double orders_per_second;
	double live_step_seconds;
	double new_client_share;
	double client_updates_per_second;
	double late_share;       /* late changes of older orders per new order */
	const char *hook_url;
	const char *hook_header_name;
	double hook_dup_rate, hook_reorder_rate;
	long long hook_max_attempts;
	long long hook_timeout_ms;
	const char *feed_config;  /* body of POST /api/orders/feed/config for VTEX_APP_KEY's feed at start */
	long long feed_min_retention;  /* test only: below VTEX's 345600 */

	/* faults and pace */
	double fault_rate;
	bool faults[FAULT__COUNT];
	long long fault_seed;    /* -1: a different draw each run */
	long long slow_ms;
	long long retry_after;
	double rate_limit;
	sb_limits account_limits;
	long long latency_ms;

	long long scroll_ttl;
	long long list_lag;
} sb_config;

#endif
