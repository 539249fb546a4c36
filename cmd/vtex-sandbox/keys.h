/* The credential pairs the sandbox accepts: VTEX_APP_KEY with its token
 * first, then the pairs of VTEX_SANDBOX_APP_KEYS (or _FILE). As on VTEX, each
 * app key has its own hook and its own feed (API.md §4). */
#ifndef SB_KEYS_H
#define SB_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum { KEYS_MAX = 16 };

typedef struct {
	size_t n;
	char *key[KEYS_MAX], *token[KEYS_MAX];
} keyring;

/* Adds one pair (copied); false with *err when the ring is full or the key is there already. */
bool keyring_add(keyring *k, const char *key, const char *token, const char **err);
/* Adds "APPKEY=APPTOKEN" pairs separated by white space; false with *err on a malformed list. */
bool keyring_add_list(keyring *k, const char *list, const char **err);
/* The index of the pair presented, or -1. Every pair is compared in full. */
int keyring_find(const keyring *k, const char *key, const char *token);
void keyring_free(keyring *k);

#endif
