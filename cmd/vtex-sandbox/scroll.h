/* Master Data scroll cursors: one token per query (X-VTEX-MD-TOKEN), pages
 * of the size fixed by the first call, an idle lifetime renewed by each use,
 * at most 10 open at once (API.md §5.1). */
#ifndef SB_SCROLL_H
#define SB_SCROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scrolls;

enum { SCROLL_MAX_OPEN = 10, SCROLL_TOKEN_LEN = 48 };

struct scrolls *scrolls_new(unsigned ttl_seconds, uint64_t seed);
void scrolls_free(struct scrolls *sc);
/* Takes ownership of idx[0..n). False when SCROLL_MAX_OPEN scrolls are open. */
bool scrolls_open(struct scrolls *sc, uint32_t *idx, uint32_t n, uint32_t size, uint32_t fields,
		  char token[SCROLL_TOKEN_LEN + 1]);
/* The next page of token: copies up to its size indices into page (malloc'd),
 * sets *count, *total and *fields. False when the token is unknown or expired. */
bool scrolls_next(struct scrolls *sc, const char *token, uint32_t **page, uint32_t *count, uint32_t *total,
		  uint32_t *fields);

#endif
