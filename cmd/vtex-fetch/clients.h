/* Clients: the Master Data v1 scroll on entity CL, sorted by id, over an
 * update window or the whole entity. A scroll token that expires (or a page
 * that cannot be read) opens a new scroll of the ids after the last one seen;
 * ids already written are remembered, so nothing is written twice, and the
 * walk only ends once the ids written cover REST-Content-Total. */
#ifndef VF_CLIENTS_H
#define VF_CLIENTS_H

#include "fetch.h"
#include "vtime.h"

typedef struct clients clients;

/* fields: the _fields list (comma-separated). */
clients *clients_new(fetch *f, const char *fields);
void clients_free(clients *c);
/* Scrolls clients updated (or created) in [since, until], both inclusive as
 * Master Data's `between` is; has_window false: every client. */
void clients_add(clients *c, bool has_window, vtime_t since, vtime_t until);
bool clients_feed(clients *c, size_t room);

#endif
