#include "settle.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	unsigned long long at; /* its line number */
	char *text;
	size_t len;
} held_barrier;

/* Numbers in [base, next) are kept in a ring, one byte each (1: queued, not
 * settled); every number below base is settled, and the number at base is
 * not (unless nothing is outstanding). The window spans the messages in
 * flight, a few hundred thousand at most (librdkafka's queue). */
struct kc_settle {
	unsigned char *ring;
	size_t cap;                    /* a power of two */
	unsigned long long base, next;
	size_t outstanding;
	held_barrier *barriers;        /* oldest first, from index head */
	size_t head, nbarriers, capbarriers;
};

kc_settle *kc_settle_new(void)
{
	kc_settle *s = xcalloc(1, sizeof *s);
	s->cap = 1024;
	s->ring = xcalloc(s->cap, 1);
	return s;
}

void kc_settle_free(kc_settle *s)
{
	if (!s)
		return;
	for (size_t i = s->head; i < s->nbarriers; i++)
		free(s->barriers[i].text);
	free(s->barriers);
	free(s->ring);
	free(s);
}

static unsigned char *slot(const kc_settle *s, unsigned long long n)
{
	return &s->ring[n & (s->cap - 1)];
}

/* Room for numbers up to n in the window. */
static void reserve(kc_settle *s, unsigned long long n)
{
	if (n - s->base < s->cap)
		return;
	size_t cap = s->cap;
	while (n - s->base >= cap)
		cap *= 2;
	unsigned char *ring = xcalloc(cap, 1);
	for (unsigned long long k = s->base; k < s->next; k++)
		ring[k & (cap - 1)] = *slot(s, k);
	free(s->ring);
	s->ring = ring;
	s->cap = cap;
}

/* Moves base past the settled numbers. */
static void advance(kc_settle *s)
{
	if (!s->outstanding) {
		s->base = s->next;
		return;
	}
	while (s->base < s->next && !*slot(s, s->base))
		s->base++;
}

void kc_settle_queued(kc_settle *s, unsigned long long n)
{
	if (n < s->next)
		return; /* out of order: a caller's bug; never count it */
	if (!s->outstanding) {
		s->base = s->next = n; /* nothing in flight: the window restarts here */
	} else {
		reserve(s, n);
		for (unsigned long long k = s->next; k < n; k++)
			*slot(s, k) = 0;
	}
	*slot(s, n) = 1;
	s->next = n + 1;
	s->outstanding++;
}

void kc_settle_done(kc_settle *s, unsigned long long n)
{
	if (n < s->base || n >= s->next || !*slot(s, n))
		return;
	*slot(s, n) = 0;
	s->outstanding--;
	advance(s);
}

void kc_settle_barrier(kc_settle *s, unsigned long long n, const char *line, size_t len)
{
	if (s->head == s->nbarriers) {
		s->head = s->nbarriers = 0;
	} else if (s->head > 0 && s->nbarriers == s->capbarriers) {
		memmove(s->barriers, s->barriers + s->head, (s->nbarriers - s->head) * sizeof *s->barriers);
		s->nbarriers -= s->head;
		s->head = 0;
	}
	if (s->nbarriers == s->capbarriers) {
		s->capbarriers = s->capbarriers ? 2 * s->capbarriers : 8;
		s->barriers = xrealloc(s->barriers, s->capbarriers * sizeof *s->barriers);
	}
	s->barriers[s->nbarriers++] = (held_barrier){ n, xstrndup(line, len), len };
}

const char *kc_settle_ready(const kc_settle *s, size_t *len)
{
	if (s->head == s->nbarriers)
		return NULL;
	const held_barrier *b = &s->barriers[s->head];
	/* base is the lowest number not settled: a message after the barrier. */
	if (s->outstanding && s->base < b->at)
		return NULL;
	*len = b->len;
	return b->text;
}

void kc_settle_pop(kc_settle *s)
{
	if (s->head == s->nbarriers)
		return;
	free(s->barriers[s->head].text);
	s->head++;
}

size_t kc_settle_outstanding(const kc_settle *s)
{
	return s->outstanding;
}

size_t kc_settle_barriers(const kc_settle *s)
{
	return s->nbarriers - s->head;
}
