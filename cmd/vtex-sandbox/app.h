/* What every request handler can reach: the store, the settings, the
 * credentials and the stateful parts (scroll tokens, hooks, feeds). */
#ifndef SB_APP_H
#define SB_APP_H

#include "config.h"
#include "keys.h"
#include "store.h"

struct scrolls;
struct hooks;
struct feeds;
struct faults;
struct limiter;
struct delayer;
struct httpd;
struct live;

typedef struct app {
	store st;
	const sb_config *cfg;
	keyring keys; /* keys.key[0] is VTEX_APP_KEY */
	struct scrolls *scrolls;
	struct hooks *hooks;
	struct feeds *feeds;
	struct faults *faults;
	struct limiter *limiter;
	struct delayer *delayer;
	struct live *live;
	struct httpd *server;
} app;

#endif
