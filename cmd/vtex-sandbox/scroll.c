#include "scroll.h"
#include "buf.h"
#include "progress.h"
#include "rng.h"
#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct scroll {
	char token[SCROLL_TOKEN_LEN + 1];
	uint32_t *idx;
	uint32_t n, pos, size, fields;
	double last_used;
	bool done; /* the empty page has been served: no longer counts as open */
	struct scroll *next;
};

struct scrolls {
	pthread_mutex_t lock;
	struct scroll *list;
	double ttl;
	uint64_t seed, counter;
};

struct scrolls *scrolls_new(unsigned ttl_seconds, uint64_t seed)
{
	struct scrolls *sc = xcalloc(1, sizeof *sc);
	pthread_mutex_init(&sc->lock, NULL);
	sc->ttl = ttl_seconds;
	sc->seed = seed ^ (uint64_t)(progress_now() * 1e9);
	return sc;
}

static void drop(struct scroll *s)
{
	free(s->idx);
	free(s);
}

void scrolls_free(struct scrolls *sc)
{
	if (!sc)
		return;
	while (sc->list) {
		struct scroll *s = sc->list;
		sc->list = s->next;
		drop(s);
	}
	pthread_mutex_destroy(&sc->lock);
	free(sc);
}

/* Forgets tokens idle longer than the ttl; returns how many are still open. Lock held. */
static unsigned sweep(struct scrolls *sc, double now)
{
	unsigned open = 0;
	for (struct scroll **pp = &sc->list; *pp;) {
		struct scroll *s = *pp;
		if (now - s->last_used > sc->ttl) {
			*pp = s->next;
			drop(s);
			continue;
		}
		open += !s->done;
		pp = &s->next;
	}
	return open;
}

bool scrolls_open(struct scrolls *sc, uint32_t *idx, uint32_t n, uint32_t size, uint32_t fields,
		  char token[SCROLL_TOKEN_LEN + 1])
{
	double now = progress_now();
	pthread_mutex_lock(&sc->lock);
	if (sweep(sc, now) >= SCROLL_MAX_OPEN) {
		pthread_mutex_unlock(&sc->lock);
		free(idx);
		return false;
	}
	struct scroll *s = xcalloc(1, sizeof *s);
	rng r = rng_for(sc->seed, TAG_GUID, ++sc->counter);
	text_hex(rng_next(&r), rng_next(&r), 32, 0, s->token);
	text_hex(rng_next(&r), rng_next(&r), 16, 0, s->token + 32);
	s->idx = idx;
	s->n = n;
	s->size = size;
	s->fields = fields;
	s->last_used = now;
	s->next = sc->list;
	sc->list = s;
	memcpy(token, s->token, sizeof s->token);
	pthread_mutex_unlock(&sc->lock);
	return true;
}

bool scrolls_next(struct scrolls *sc, const char *token, uint32_t **page, uint32_t *count, uint32_t *total,
		  uint32_t *fields)
{
	double now = progress_now();
	bool found = false;
	pthread_mutex_lock(&sc->lock);
	sweep(sc, now);
	for (struct scroll *s = sc->list; s; s = s->next) {
		if (strcmp(s->token, token) != 0)
			continue;
		uint32_t left = s->n - s->pos;
		*count = left < s->size ? left : s->size;
		*page = xmalloc(((size_t)*count + 1) * sizeof **page);
		memcpy(*page, s->idx + s->pos, (size_t)*count * sizeof **page);
		s->pos += *count;
		*total = s->n;
		*fields = s->fields;
		s->last_used = now;
		if (*count == 0)
			s->done = true;
		found = true;
		break;
	}
	pthread_mutex_unlock(&sc->lock);
	return found;
}
