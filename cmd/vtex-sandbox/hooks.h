/* The order hook (API.md §4.2-4.3): the configuration VTEX keeps per appKey
 * (POST pings the URL and refuses it unless the ping gets 200; GET; DELETE),
 * and the delivery of notifications: a POST per event with the configured
 * headers, retried while the receiver does not answer 200 within the
 * timeout, some sent twice, some held back so later ones overtake them. */
#ifndef SB_HOOKS_H
#define SB_HOOKS_H

#include "config.h"
#include "http.h"
#include "keys.h"
#include "order_event.h"

#include <stdbool.h>

struct hooks;

/* One hook per app key of keys (which must outlive the hooks). */
struct hooks *hooks_new(const sb_config *cfg, const keyring *keys, uint64_t seed);
/* Stops the senders; events not yet delivered are counted and logged. */
void hooks_free(struct hooks *h);

/* A configuration from the command line for the first app key: every
 * workflow status, one header (name, secret value) when secret is not NULL.
 * Not pinged. */
void hooks_set_initial(struct hooks *h, const char *url, const char *header, const char *secret);

/* POST, GET and DELETE /api/orders/hook/config, for the app key of index key. */
void hooks_post_config(struct hooks *h, int key, const char *body, size_t len, response *rs);
void hooks_get_config(struct hooks *h, int key, response *rs);
void hooks_delete_config(struct hooks *h, int key, response *rs);

/* Queues the notification of an event to every hook whose filter takes it. */
void hooks_emit(struct hooks *h, const struct order_event *ev);

#endif
