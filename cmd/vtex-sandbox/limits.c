#include "limits.h"
#include "buf.h"
#include "progress.h"
#include "routes.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { CLASS_OMS, CLASS_CATALOG, CLASS__COUNT };

struct window {
	double start;
	unsigned count;
};

struct limiter {
	sb_limits l;
	pthread_mutex_t lock;
	struct window cls[CLASS__COUNT], route[R__COUNT];
	double oms_paused_until;
};

static const sb_limits vtex = { true, 6000, 45000, 15000, 60, 60 };

bool limits_parse(const char *spec, sb_limits *l, const char **why)
{
	*l = vtex;
	if (strcmp(spec, "off") == 0) {
		l->on = false;
		return true;
	}
	if (strcmp(spec, "vtex") == 0)
		return true;
	while (*spec) {
		size_t n = strcspn(spec, ",");
		const char *eq = memchr(spec, '=', n);
		if (!eq) {
			*why = "each item is NAME=VALUE";
			return false;
		}
		char *end;
		double v = strtod(eq + 1, &end);
		if (end != spec + n || eq + 1 == end || !(v > 0) || v > 1e9) {
			*why = "each value is a positive number";
			return false;
		}
		size_t k = (size_t)(eq - spec);
#define KEY(s) (k == sizeof s - 1 && strncmp(spec, s, k) == 0)
		if (KEY("oms"))
			l->oms = (unsigned)v;
		else if (KEY("catalog"))
			l->catalog = (unsigned)v;
		else if (KEY("catalog_endpoint"))
			l->catalog_endpoint = (unsigned)v;
		else if (KEY("window"))
			l->window = v;
		else if (KEY("oms_pause"))
			l->oms_pause = v;
		else {
			*why = "names are oms, catalog, catalog_endpoint, window, oms_pause";
			return false;
		}
#undef KEY
		spec += n + (spec[n] == ',');
	}
	return true;
}

struct limiter *limiter_new(const sb_limits *l)
{
	struct limiter *lim = xcalloc(1, sizeof *lim);
	lim->l = *l;
	pthread_mutex_init(&lim->lock, NULL);
	return lim;
}

void limiter_free(struct limiter *lim)
{
	if (!lim)
		return;
	pthread_mutex_destroy(&lim->lock);
	free(lim);
}

static int class_of(int route)
{
	switch (route) {
	case R_ORDERS:
	case R_ORDER:
		return CLASS_OMS;
	case R_PRODUCT_AND_SKU_IDS:
	case R_SKU_IDS:
	case R_PRODUCT:
	case R_PRODUCT_GET:
	case R_SKU:
	case R_SKU_CONTEXT:
	case R_SKUS_BY_PRODUCT:
		return CLASS_CATALOG;
	default:
		return -1;
	}
}

/* Counts one more request in w; the seconds until its window ends when it is over max. */
static double over(struct window *w, unsigned max, double window, double now)
{
	if (now >= w->start + window) {
		w->start = now - fmod(now - w->start, window);
		w->count = 0;
	}
	if (w->count >= max)
		return w->start + window - now;
	w->count++;
	return 0;
}

static unsigned whole_seconds(double s)
{
	return s < 1 ? 1 : (unsigned)ceil(s);
}

bool limiter_admit(struct limiter *lim, int route, unsigned *retry_after, const char **class)
{
	int c = lim->l.on ? class_of(route) : -1;
	if (c < 0)
		return true;
	double now = progress_now(), wait = 0;
	pthread_mutex_lock(&lim->lock);
	if (c == CLASS_OMS) {
		*class = "oms";
		if (lim->oms_paused_until > now)
			wait = lim->oms_paused_until - now;
		else if ((wait = over(&lim->cls[c], lim->l.oms, lim->l.window, now)) > 0) {
			if (wait < lim->l.oms_pause)
				wait = lim->l.oms_pause;
			lim->oms_paused_until = now + wait;
		}
	} else {
		*class = "catalog";
		/* The endpoint's budget first: a request it refuses costs no account budget. */
		wait = over(&lim->route[route], lim->l.catalog_endpoint, lim->l.window, now);
		if (wait <= 0 && (wait = over(&lim->cls[c], lim->l.catalog, lim->l.window, now)) > 0)
			lim->route[route].count--;
	}
	pthread_mutex_unlock(&lim->lock);
	*retry_after = whole_seconds(wait);
	return wait <= 0;
}
