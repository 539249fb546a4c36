/* Where the VTEX store's API is and how to authenticate to it, from the
 * environment (ARCHITECTURE §6): VTEX_BASE_URL, or VTEX_ACCOUNT with
 * VTEX_ENVIRONMENT (vtexcommercestable); VTEX_APP_KEY with VTEX_APP_TOKEN or
 * VTEX_APP_TOKEN_FILE. Shared by every tool that calls VTEX.
 *
 * With VTEX_GATEWAY (the URL of a vtex-gateway, or unix:PATH for its Unix
 * socket) set, every request goes there instead and carries no VTEX
 * credentials (the gateway holds them): only the gateway's own token
 * (VTEX_GATEWAY_TOKEN or VTEX_GATEWAY_TOKEN_FILE, when set), the priority (VTEX_GATEWAY_PRIORITY: realtime, batch or backfill;
 * batch by default), the run id and the flow. */
#ifndef VP_VTEX_API_H
#define VP_VTEX_API_H

#include "http.h"

#include <stdbool.h>

typedef struct {
	char *base_url;    /* https://ACCOUNT.ENVIRONMENT.com.br, or VTEX_BASE_URL without trailing '/' */
	char *pricing_url; /* https://api.vtex.com/ACCOUNT, or VTEX_BASE_URL/ACCOUNT */
} vtex_endpoint;

/* false with *why (what is missing) and *hint (what to set) when the
 * environment does not say where the store is. */
bool vtex_endpoint_from_env(vtex_endpoint *e, const char **why, const char **hint);
void vtex_endpoint_free(vtex_endpoint *e);

/* Sends the app key and token with every request of c (through a gateway:
 * the headers above instead); the token never reaches a log. false with *why
 * and *hint when they are missing or unusable. */
bool vtex_add_credentials(http_client *c, const char **why, const char **hint);

#endif
