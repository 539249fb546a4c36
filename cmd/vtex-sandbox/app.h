/* What every request handler can reach: the store, the settings, the
 * credentials and the stateful parts (scroll tokens, hook configuration). */
#ifndef SB_APP_H
#define SB_APP_H

#include "config.h"
#include "store.h"

struct scrolls;
struct hooks;
struct faults;
struct delayer;
struct live;

typedef struct app {
	store st;
	const sb_config *cfg;
	char *app_key, *app_token;
	struct scrolls *scrolls;
	struct hooks *hooks;
	struct faults *faults;
	struct delayer *delayer;
	struct live *live;
	struct MHD_Daemon *daemon;
} app;

#endif
