#include "feed.h"
#include "base64.h"
#include "feed_queue.h"
#include "filter.h"
#include "jw.h"
#include "keys.h"
#include "log.h"
#include "metrics.h"
#include "rng.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct feed {
	bool on;
	cJSON *filter_json; /* as configured; NULL: none given */
	struct event_filter filter;
	long visibility, retention;
	double last_entry;  /* when an event last entered, or the configuration was made */
	feed_queue q;
};

struct feeds {
	struct feed_settings set;
	pthread_mutex_t lock;
	uint64_t events; /* events numbered across feeds: eventId and the dup/reorder draws */
	size_t messages; /* in every queue, for the gauge */
	struct feed key[KEYS_MAX];
	metric *m_events, *m_dup, *m_held, *m_first, *m_again, *m_committed, *m_ignored, *m_expired, *m_full, *m_depth;
};

struct feeds *feeds_new(const struct feed_settings *s)
{
	struct feeds *f = xcalloc(1, sizeof *f);
	f->set = *s;
	pthread_mutex_init(&f->lock, NULL);
	const char *dh = "Feed messages received, the first time or again after the visibility timeout.";
	const char *ch = "Feed handles committed: removed, or ignored (unknown or stale).";
	const char *xh = "Feed messages dropped: past the retention, or the queue full.";
	f->m_events = metrics_counter("vtex_sandbox_feed_events_total", "Order events that entered a feed.", "");
	f->m_dup = metrics_counter("vtex_sandbox_feed_duplicates_total", "Feed events queued a second time.", "");
	f->m_held = metrics_counter("vtex_sandbox_feed_held_total", "Feed events held back to come out of order.", "");
	f->m_first = metrics_counter("vtex_sandbox_feed_deliveries_total", dh, "outcome=\"first\"");
	f->m_again = metrics_counter("vtex_sandbox_feed_deliveries_total", dh, "outcome=\"redelivery\"");
	f->m_committed = metrics_counter("vtex_sandbox_feed_commits_total", ch, "outcome=\"committed\"");
	f->m_ignored = metrics_counter("vtex_sandbox_feed_commits_total", ch, "outcome=\"ignored\"");
	f->m_expired = metrics_counter("vtex_sandbox_feed_dropped_total", xh, "reason=\"retention\"");
	f->m_full = metrics_counter("vtex_sandbox_feed_dropped_total", xh, "reason=\"full\"");
	f->m_depth = metrics_gauge("vtex_sandbox_feed_messages", "Messages in the feeds, visible or in flight.", "");
	return f;
}

static void clear(struct feeds *f, struct feed *fd)
{
	f->messages -= fd->q.live;
	metric_set(f->m_depth, (double)f->messages);
	fq_free(&fd->q);
	cJSON_Delete(fd->filter_json);
	memset(fd, 0, sizeof *fd);
}

void feeds_free(struct feeds *f)
{
	if (!f)
		return;
	for (size_t k = 0; k < f->set.nkeys; k++)
		clear(f, &f->key[k]);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* Drops what is past the retention; deletes the feed when no event entered
 * it for a whole retention period, as VTEX does. False when no feed is left. */
static bool expire(struct feeds *f, int key, double now)
{
	struct feed *fd = &f->key[key];
	if (!fd->on)
		return false;
	if (now - fd->last_entry >= (double)fd->retention) {
		log_info("feed deleted: no event entered it for the retention period", LI("retention_seconds", fd->retention),
			 LI("messages", (long long)fd->q.live));
		metric_add(f->m_expired, (double)fd->q.live);
		clear(f, fd);
		return false;
	}
	size_t dropped = fq_expire(&fd->q, now - (double)fd->retention);
	if (dropped) {
		f->messages -= dropped;
		metric_add(f->m_expired, (double)dropped);
		metric_set(f->m_depth, (double)f->messages);
	}
	return true;
}

/* A whole number in [lo, hi] from the first of two spellings present; def when neither is. */
static bool queue_number(const cJSON *queue, const char *a, const char *b, long lo, long hi, long def, long *out)
{
	const cJSON *v = queue ? cJSON_GetObjectItemCaseSensitive(queue, a) : NULL;
	if (!v && queue)
		v = cJSON_GetObjectItemCaseSensitive(queue, b);
	if (!v) {
		*out = def;
		return true;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < (double)lo ||
	    v->valuedouble > (double)hi)
		return false;
	*out = (long)v->valuedouble;
	return true;
}

static void put_config(const struct feed *fd, double now, buf *out)
{
	jw w;
	jw_init(&w, out);
	jw_obj(&w);
	if (fd->filter_json) {
		char *text = cJSON_PrintUnformatted(fd->filter_json);
		jw_kraw(&w, "filter", text);
		free(text);
	} else {
		jw_kraw(&w, "filter", "{\"type\":\"FromWorkflow\"}");
	}
	jw_key(&w, "queue");
	jw_obj(&w);
	jw_ki64(&w, "visibilityTimeoutInSeconds", fd->visibility);
	jw_ki64(&w, "messageRetentionPeriodInSeconds", fd->retention);
	jw_end(&w);
	jw_ki64(&w, "quantity", (int64_t)fd->q.live);
	double oldest = fq_oldest(&fd->q);
	jw_ki64(&w, "approximateAgeOfOldestMessageInSeconds", oldest < 0 ? 0 : (int64_t)(now - oldest));
	jw_end(&w);
}

int feeds_configure(struct feeds *f, int key, const char *body, size_t len, double now, buf *out, const char **msg)
{
	cJSON *json = cJSON_ParseWithLength(body, len);
	const cJSON *filter = json ? cJSON_GetObjectItemCaseSensitive(json, "filter") : NULL;
	const cJSON *queue = json ? cJSON_GetObjectItemCaseSensitive(json, "queue") : NULL;
	struct event_filter ef;
	long vis, ret;
	int status = 400;

	if (!cJSON_IsObject(json)) {
		*msg = "The request body is not a JSON object";
		goto refuse;
	}
	if (queue && !cJSON_IsObject(queue)) {
		*msg = "queue must be an object";
		goto refuse;
	}
	if ((status = filter_parse(filter, &ef, msg)) != 0)
		goto refuse;
	status = 400;
	if (!queue_number(queue, "visibilityTimeoutInSeconds", "VisibilityTimeoutInSeconds", FEED_VISIBILITY_MIN,
			  FEED_VISIBILITY_MAX, FEED_VISIBILITY_DEFAULT, &vis)) {
		*msg = "queue.visibilityTimeoutInSeconds must be a whole number of seconds from 1 to 43200";
		goto refuse;
	}
	if (!queue_number(queue, "MessageRetentionPeriodInSeconds", "messageRetentionPeriodInSeconds",
			  f->set.min_retention, FEED_RETENTION_MAX, FEED_RETENTION_MIN, &ret)) {
		static _Thread_local char why[160]; /* *msg outlives the call; the bound is --feed-min-retention's */
		snprintf(why, sizeof why, "queue.MessageRetentionPeriodInSeconds must be a whole number of seconds from %ld to %d",
			 f->set.min_retention, FEED_RETENTION_MAX);
		*msg = why;
		goto refuse;
	}
	cJSON *kept = filter ? cJSON_Duplicate(filter, true) : NULL;
	cJSON_Delete(json);

	pthread_mutex_lock(&f->lock);
	struct feed *fd = &f->key[key];
	expire(f, key, now);
	/* Configuring again replaces the filter and the queue's settings; the messages stay. */
	cJSON_Delete(fd->filter_json);
	fd->filter_json = kept;
	fd->filter = ef;
	fd->visibility = vis;
	fd->retention = ret;
	fd->last_entry = now;
	fd->on = true;
	put_config(fd, now, out);
	pthread_mutex_unlock(&f->lock);
	log_info("feed configured", LI("visibility_timeout_seconds", vis), LI("retention_seconds", ret));
	return 200;
refuse:
	cJSON_Delete(json);
	return status;
}

bool feeds_get_config(struct feeds *f, int key, double now, buf *out)
{
	pthread_mutex_lock(&f->lock);
	bool on = expire(f, key, now);
	if (on)
		put_config(&f->key[key], now, out);
	pthread_mutex_unlock(&f->lock);
	return on;
}

bool feeds_delete(struct feeds *f, int key)
{
	pthread_mutex_lock(&f->lock);
	bool on = f->key[key].on;
	if (on)
		clear(f, &f->key[key]);
	pthread_mutex_unlock(&f->lock);
	if (on)
		log_info("feed configuration deleted");
	return on;
}

/* A handle: key, message id, receipt and a check, in base64; opaque to clients. */
enum { HANDLE_BYTES = 21 };

static uint64_t handle_check(const struct feeds *f, int key, uint64_t id, uint32_t receipt)
{
	return mix64(f->set.seed ^ mix64(id ^ ((uint64_t)receipt << 32) ^ ((uint64_t)key << 56)));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_handle(jw *w, const struct feeds *f, int key, const struct fq_msg *m)
{
	unsigned char raw[HANDLE_BYTES];
	buf b = { 0 };
	raw[0] = (unsigned char)key;
	put_u64(raw + 1, m->id);
	for (int i = 0; i < 4; i++)
		raw[9 + i] = (unsigned char)(m->receipt >> (8 * i));
	put_u64(raw + 13, handle_check(f, key, m->id, m->receipt));
	base64_encode(&b, raw, sizeof raw);
	jw_kstr(w, "handle", buf_cstr(&b));
	buf_free(&b);
}

static bool parse_handle(const struct feeds *f, int key, const char *s, uint64_t *id, uint32_t *receipt)
{
	buf b = { 0 };
	bool ok = base64_decode(&b, s, strlen(s)) && b.len == HANDLE_BYTES;
	if (ok) {
		const unsigned char *raw = (const unsigned char *)b.data;
		*id = get_u64(raw + 1);
		*receipt = (uint32_t)(get_u64(raw + 9) & 0xffffffffu);
		ok = raw[0] == key && get_u64(raw + 13) == handle_check(f, key, *id, *receipt);
	}
	buf_free(&b);
	return ok;
}

/* eventId: 32 hex digits, the same for an event's duplicate. */
static void put_event_id(jw *w, const struct feeds *f, uint64_t event)
{
	char id[33];
	uint64_t a = mix64(f->set.seed ^ mix64(event ^ 0x6665656465766e74ULL)), b = mix64(a ^ event);
	snprintf(id, sizeof id, "%016llX%016llX", (unsigned long long)a, (unsigned long long)b);
	jw_kstr(w, "eventId", id);
}

bool feeds_receive(struct feeds *f, int key, size_t maxlot, double now, buf *out)
{
	struct fq_msg *got[FEED_MAX_LOT];
	pthread_mutex_lock(&f->lock);
	if (!expire(f, key, now)) {
		pthread_mutex_unlock(&f->lock);
		return false;
	}
	struct feed *fd = &f->key[key];
	size_t n = fq_receive(&fd->q, maxlot < FEED_MAX_LOT ? maxlot : FEED_MAX_LOT, now, (double)fd->visibility, got);
	jw w;
	jw_init(&w, out);
	jw_arr(&w);
	for (size_t i = 0; i < n; i++) {
		const struct fq_msg *m = got[i];
		metric_add(m->receipt > 1 ? f->m_again : f->m_first, 1);
		jw_obj(&w);
		put_event_id(&w, f, m->event);
		put_handle(&w, f, key, m);
		jw_kstr(&w, "domain", m->fulfillment ? "Fulfillment" : "Marketplace");
		jw_kstr(&w, "state", ostate_name((enum ostate)m->state));
		jw_kstr(&w, "lastState", m->last_state >= 0 ? ostate_name((enum ostate)m->last_state) : "");
		jw_kstr(&w, "orderId", m->order_id);
		jw_ktime(&w, "lastChange", m->last_change, VTIME_Z7);
		jw_ktime(&w, "currentChange", m->current_change, VTIME_Z7);
		jw_end(&w);
	}
	jw_end(&w);
	pthread_mutex_unlock(&f->lock);
	return true;
}

size_t feeds_commit(struct feeds *f, int key, const char *const *handles, size_t n, double now)
{
	size_t removed = 0;
	pthread_mutex_lock(&f->lock);
	if (expire(f, key, now)) {
		for (size_t i = 0; i < n; i++) {
			uint64_t id;
			uint32_t receipt;
			if (parse_handle(f, key, handles[i], &id, &receipt) && fq_commit(&f->key[key].q, id, receipt))
				removed++;
		}
		f->messages -= removed;
		metric_set(f->m_depth, (double)f->messages);
	}
	metric_add(f->m_committed, (double)removed);
	metric_add(f->m_ignored, (double)(n - removed));
	pthread_mutex_unlock(&f->lock);
	return removed;
}

/* Queues one copy of event number `event`, receivable from `visible`. */
static void enqueue(struct feeds *f, struct feed *fd, const struct order_event *ev, uint64_t event, double now,
		    double visible)
{
	if (fd->q.live >= FEED_MAX_MESSAGES) {
		if ((uint64_t)metric_value(f->m_full) % 1000 == 0)
			log_warn("a feed is full: dropping new events", LI("messages", FEED_MAX_MESSAGES));
		metric_add(f->m_full, 1);
		return;
	}
	fq_push(&fd->q, ev, event, now, visible);
	f->messages++;
}

void feeds_emit(struct feeds *f, const struct order_event *ev, double now)
{
	pthread_mutex_lock(&f->lock);
	for (size_t k = 0; k < f->set.nkeys; k++) {
		struct feed *fd = &f->key[k];
		if (!expire(f, (int)k, now) || !filter_takes(&fd->filter, ev->state))
			continue;
		uint64_t event = ++f->events;
		rng r = rng_for(f->set.seed, TAG_FEED, event);
		double visible = now;
		if (rng_chance(&r, f->set.reorder_rate)) { /* held back: the next events overtake it */
			visible += 0.5 + 2.5 * rng_unit(&r);
			metric_add(f->m_held, 1);
		}
		fd->last_entry = now;
		metric_add(f->m_events, 1);
		enqueue(f, fd, ev, event, now, visible);
		if (rng_chance(&r, f->set.dup_rate)) { /* at least once: the same event again, a little later */
			metric_add(f->m_dup, 1);
			enqueue(f, fd, ev, event, now, now + 0.2 + 1.8 * rng_unit(&r));
		}
	}
	metric_set(f->m_depth, (double)f->messages);
	pthread_mutex_unlock(&f->lock);
}
