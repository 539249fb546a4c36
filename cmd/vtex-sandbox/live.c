#include "live.h"
#include "feed.h"
#include "hooks.h"
#include "log.h"
#include "metrics.h"
#include "plan.h"
#include "progress.h"
#include "rng.h"
#include "timefmt.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How far back orders can still be open at the start: the longest path takes
 * under 10 days, a late order up to PLAN_LATE_MAX_DAYS more. */
#define OPEN_LOOKBACK_DAYS (12 + PLAN_LATE_MAX_DAYS)

struct step_due {
	double due;
	uint32_t idx;
};

struct live {
	app *a;
	pthread_t thread;
	pthread_mutex_t lock; /* held while a change is made; live_pause takes it */
	pthread_cond_t wake;
	bool stopping;
	struct step_due *heap;
	size_t n, cap;
	uint64_t draws;
	double next_order, next_update, next_late;
	uint32_t *late, nlate;  /* older orders waiting for their late step (plan.h) */
	uint64_t late_draws;    /* their own stream: which ones move, in which order, is the seed's */
	metric *m_orders, *m_steps, *m_clients, *m_updates, *m_late_invoiced, *m_late_canceled;
};

static void push(struct live *l, double due, uint32_t idx)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->heap = xrealloc(l->heap, l->cap * sizeof *l->heap);
	}
	size_t i = l->n++;
	while (i > 0 && l->heap[(i - 1) / 2].due > due) {
		l->heap[i] = l->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	l->heap[i] = (struct step_due){ due, idx };
}

static struct step_due pop(struct live *l)
{
	struct step_due top = l->heap[0], last = l->heap[--l->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->n)
			break;
		if (c + 1 < l->n && l->heap[c + 1].due < l->heap[c].due)
			c++;
		if (l->heap[c].due >= last.due)
			break;
		l->heap[i] = l->heap[c];
		i = c;
	}
	if (l->n)
		l->heap[i] = last;
	return top;
}

static rng draw(struct live *l)
{
	return rng_for(l->a->st.seed, TAG_LIVE, ++l->draws);
}

/* Seconds until a step: around --live-step-seconds. */
static double step_delay(struct live *l)
{
	rng r = draw(l);
	return l->a->cfg->live_step_seconds * (0.3 + 1.4 * rng_unit(&r));
}

static void announce(struct live *l, uint32_t idx, const struct order_plan *p, const order_live *ol, uint8_t k)
{
	char id[40];
	uint8_t aff = plan_affiliate(l->a->st.seed, idx);
	struct order_event ev = {
		.order_id = plan_order_id(&l->a->st, idx, aff, id),
		.fulfillment = aff != 0,
		.state = (enum ostate)p->steps[k],
		.last_state = k ? p->steps[k - 1] : -1,
		.last_change = ol->time[k ? k - 1 : 0],
		.current_change = ol->time[k],
	};
	hooks_emit(l->a->hooks, &ev);
	feeds_emit(l->a->feeds, &ev, progress_now());
}

/* Realizes the next step of order idx now, announces it, schedules the one after. */
static void advance(struct live *l, uint32_t idx)
{
	store *s = &l->a->st;
	order_rec *o = store_order(s, idx);
	order_live *ol = atomic_load(&o->live);
	struct order_plan p;
	plan_schedule(s, idx, o->created, &p);
	uint8_t k = atomic_load(&ol->realized);
	if (k >= p.nsteps)
		return;
	vtime_t now = store_now(s);
	ol->time[k] = now > ol->time[k - 1] ? now : ol->time[k - 1] + 1;
	atomic_store_explicit(&ol->realized, (uint8_t)(k + 1), memory_order_release);
	metric_add(l->m_steps, 1);
	announce(l, idx, &p, ol, k);
	if (k + 1 < p.nsteps && k + 1 != p.late_step) /* a late step waits for late_change() */
		push(l, progress_now() + step_delay(l), idx);
}

static rng late_draw(struct live *l)
{
	return rng_for(l->a->st.seed, TAG_LATE, (1ULL << 40) | ++l->late_draws);
}

/* An older order waiting in handling or ready-for-handling takes its late
 * step now (invoice, cancel or request-cancel); the steps after it follow as
 * usual. Orders are drawn from the pool so that a seed always moves the same
 * ones in the same order. */
static void late_change(struct live *l)
{
	if (!l->nlate)
		return;
	store *s = &l->a->st;
	rng r = late_draw(l);
	uint32_t j = rng_below(&r, l->nlate), idx = l->late[j];
	l->late[j] = l->late[--l->nlate];
	order_rec *o = store_order(s, idx);
	struct order_plan p;
	plan_schedule(s, idx, o->created, &p);
	order_live *ol = xcalloc(1, sizeof *ol);
	memcpy(ol->time, p.sched, sizeof ol->time);
	atomic_init(&ol->realized, p.late_step);
	atomic_store_explicit(&o->live, ol, memory_order_release);
	metric_add(p.steps[p.nsteps - 1] == ST_CANCELED ? l->m_late_canceled : l->m_late_invoiced, 1);
	advance(l, idx);
	if (!l->nlate)
		log_info("live mode: no older order is left waiting for a late status change");
}

static uint32_t new_client(struct live *l, vtime_t at)
{
	store *s = &l->a->st;
	rng r = draw(l);
	uint32_t idx = store_nclients(s);
	client_rec *c = seg_next_slot(&s->clients);
	c->created_in = at - rng_range(&r, VT_SEC, 10 * VT_SEC);
	c->first_order = at;
	atomic_store(&c->updated_in, rng_chance(&r, 0.1) ? 0 : c->created_in);
	atomic_store(&c->last_interaction, at);
	seg_publish(&s->clients);
	metric_add(l->m_clients, 1);
	return idx;
}

static void new_order(struct live *l)
{
	store *s = &l->a->st;
	rng r = draw(l);
	uint32_t idx = store_norders(s), client;
	vtime_t now = store_now(s);
	vtime_t created = idx && store_order(s, idx - 1)->created >= now ? store_order(s, idx - 1)->created + 1 : now;

	if (!s->n_static_clients || rng_chance(&r, l->a->cfg->new_client_share)) {
		client = new_client(l, created);
	} else if (store_nclients(s) > s->n_static_clients && rng_chance(&r, 0.1)) {
		client = s->n_static_clients + rng_below(&r, store_nclients(s) - s->n_static_clients);
	} else {
		uint32_t rank = (uint32_t)(s->n_buyers * pow(rng_unit(&r), 1.3));
		client = store_client_for_rank(s, rank < s->n_buyers ? rank : s->n_buyers - 1, s->n_static_clients);
	}
	client_rec *c = store_client(s, client);
	atomic_store(&c->last_interaction, created);
	if (rng_chance(&r, 0.3)) /* the checkout touched the profile */
		atomic_store(&c->updated_in, created + VT_SEC);

	struct order_plan p;
	plan_build(s, idx, created, client, &p);
	order_live *ol = xcalloc(1, sizeof *ol);
	ol->time[0] = created;
	atomic_init(&ol->realized, 1);
	order_rec *o = seg_next_slot(&s->orders);
	o->created = created;
	o->client = client;
	o->value = p.value;
	o->total_items = p.total_items;
	atomic_store(&o->live, ol);
	seg_publish(&s->orders);
	metric_add(l->m_orders, 1);
	announce(l, idx, &p, ol, 0);
	push(l, progress_now() + step_delay(l), idx);
}

static void profile_edit(struct live *l)
{
	store *s = &l->a->st;
	rng r = draw(l);
	uint32_t n = store_nclients(s);
	if (!n)
		return;
	client_rec *c = store_client(s, rng_below(&r, n));
	atomic_fetch_add(&c->version, 1); /* a new phone number */
	atomic_store(&c->updated_in, store_now(s));
	metric_add(l->m_updates, 1);
}

/* Orders still on their way at the start move on in live mode too; late
 * orders waiting for their late step join the pool of late_change() when
 * they are at least PLAN_LATE_MIN_DAYS old, so that their change falls well
 * outside any recent creation window, and otherwise keep waiting. */
static void adopt_open_orders(struct live *l)
{
	store *s = &l->a->st;
	uint32_t n = store_norders(s), adopted = 0;
	uint32_t from = store_orders_from(s, s->anchor - (vtime_t)OPEN_LOOKBACK_DAYS * VT_DAY, n);
	vtime_t old_enough = s->anchor - (vtime_t)PLAN_LATE_MIN_DAYS * VT_DAY;
	for (uint32_t i = from; i < n; i++) {
		order_rec *o = store_order(s, i);
		struct order_plan p;
		plan_schedule(s, i, o->created, &p);
		uint8_t k = plan_realized_at(&p, s->anchor);
		if (k >= p.nsteps)
			continue;
		if (k == p.late_step) {
			if (o->created <= old_enough) {
				l->late = xrealloc(l->late, (l->nlate + 1) * sizeof *l->late);
				l->late[l->nlate++] = i;
			}
			continue;
		}
		order_live *ol = xcalloc(1, sizeof *ol);
		memcpy(ol->time, p.sched, sizeof ol->time);
		atomic_init(&ol->realized, k);
		atomic_store_explicit(&o->live, ol, memory_order_release);
		push(l, progress_now() + step_delay(l), i);
		adopted++;
	}
	log_info("live mode: open orders will move on", LI("orders", adopted),
		 LI("older_orders_waiting", l->nlate));
}

static double exp_interval(rng r, double rate)
{
	return -log(1.0 - rng_unit(&r)) / rate;
}

static void *run(void *arg)
{
	struct live *l = arg;
	const sb_config *cfg = l->a->cfg;
	double late_rate = cfg->late_share * cfg->orders_per_second;
	pthread_mutex_lock(&l->lock);
	while (!l->stopping) {
		double now = progress_now();
		if (cfg->orders_per_second > 0 && now >= l->next_order) {
			new_order(l);
			l->next_order += exp_interval(draw(l), cfg->orders_per_second);
			continue;
		}
		if (cfg->client_updates_per_second > 0 && now >= l->next_update) {
			profile_edit(l);
			l->next_update += exp_interval(draw(l), cfg->client_updates_per_second);
			continue;
		}
		if (late_rate > 0 && l->nlate && now >= l->next_late) {
			late_change(l);
			l->next_late += exp_interval(late_draw(l), late_rate);
			continue;
		}
		if (l->n && l->heap[0].due <= now) {
			advance(l, pop(l).idx);
			continue;
		}
		double next = 1e300;
		if (cfg->orders_per_second > 0)
			next = l->next_order;
		if (cfg->client_updates_per_second > 0 && l->next_update < next)
			next = l->next_update;
		if (late_rate > 0 && l->nlate && l->next_late < next)
			next = l->next_late;
		if (l->n && l->heap[0].due < next)
			next = l->heap[0].due;
		if (next > now + 1)
			next = now + 1;
		struct timespec ts;
		ts.tv_sec = (time_t)next;
		ts.tv_nsec = (long)((next - floor(next)) * 1e9);
		pthread_cond_timedwait(&l->wake, &l->lock, &ts);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

struct live *live_start(app *a)
{
	struct live *l = xcalloc(1, sizeof *l);
	pthread_condattr_t ca;
	l->a = a;
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->wake, &ca);
	pthread_condattr_destroy(&ca);
	l->m_orders = metrics_counter("vtex_sandbox_live_orders_total", "Orders created in live mode.", "");
	l->m_steps = metrics_counter("vtex_sandbox_live_status_changes_total", "Order status changes in live mode.", "");
	l->m_clients = metrics_counter("vtex_sandbox_live_clients_total", "CL documents created in live mode.", "");
	l->m_updates = metrics_counter("vtex_sandbox_live_profile_edits_total", "CL documents edited in live mode.", "");
	const char *lh = "Older orders (created days or weeks before) moved on to their last status in live mode.";
	l->m_late_invoiced = metrics_counter("vtex_sandbox_live_late_changes_total", lh, "to=\"invoiced\"");
	l->m_late_canceled = metrics_counter("vtex_sandbox_live_late_changes_total", lh, "to=\"canceled\"");
	adopt_open_orders(l);
	const sb_config *cfg = a->cfg;
	double now = progress_now(), late_rate = cfg->late_share * cfg->orders_per_second;
	l->next_order = now + (cfg->orders_per_second > 0 ? exp_interval(draw(l), cfg->orders_per_second) : 0);
	l->next_update = now + (cfg->client_updates_per_second > 0 ? exp_interval(draw(l), cfg->client_updates_per_second) : 0);
	l->next_late = now + (late_rate > 0 ? exp_interval(late_draw(l), late_rate) : 0);
	pthread_create(&l->thread, NULL, run, l);
	return l;
}

void live_stop(struct live *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	free(l->heap);
	free(l->late);
	free(l);
}

void live_pause(struct live *l)
{
	if (l)
		pthread_mutex_lock(&l->lock);
}

void live_resume(struct live *l)
{
	if (l)
		pthread_mutex_unlock(&l->lock);
}
