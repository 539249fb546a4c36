#include "hooks.h"
#include "buf.h"
#include "filter.h"
#include "jw.h"
#include "log.h"
#include "metrics.h"
#include "progress.h"
#include "rng.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { SENDERS = 4 };
/* Notifications waiting at most; past this (a receiver down for long under a
 * busy live store) new ones are dropped, logged and counted, not queued. */
enum { MAX_PENDING = 200000 };
#define RETRY_FIRST 0.5 /* seconds; doubles per attempt */
#define RETRY_MAX 30.0

/* One configuration; deliveries keep a reference so a change does not pull it from under them. */
struct hook_config {
	_Atomic int refs;
	cJSON *json;   /* {"filter":{...},"hook":{"url":...,"headers":{...}}} as accepted */
	char *url;
	struct curl_slist *headers;
	struct event_filter filter;
};

struct delivery {
	double due;
	unsigned attempt;
	bool duplicate;
	uint64_t seq;
	char *payload;
	char order_id[40];
	struct hook_config *cfg;
};

struct hooks {
	const sb_config *cfg;
	const keyring *keys;
	uint64_t seed, seq;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct hook_config *current[KEYS_MAX]; /* per app key */
	struct delivery **heap; /* min-heap on due */
	size_t n, cap;
	bool stopping;
	pthread_t senders[SENDERS];
	metric *m_events, *m_ok, *m_retry, *m_dropped, *m_dup, *m_held;
};

static void config_unref(struct hook_config *c)
{
	if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	cJSON_Delete(c->json);
	free(c->url);
	curl_slist_free_all(c->headers);
	free(c);
}

static void delivery_free(struct delivery *d)
{
	config_unref(d->cfg);
	free(d->payload);
	free(d);
}

static void heap_push(struct hooks *h, struct delivery *d)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->heap = xrealloc(h->heap, h->cap * sizeof *h->heap);
	}
	size_t i = h->n++;
	while (i > 0 && h->heap[(i - 1) / 2]->due > d->due) {
		h->heap[i] = h->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->heap[i] = d;
	pthread_cond_broadcast(&h->wake);
}

static struct delivery *heap_pop(struct hooks *h)
{
	struct delivery *top = h->heap[0], *last = h->heap[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->heap[c + 1]->due < h->heap[c]->due)
			c++;
		if (h->heap[c]->due >= last->due)
			break;
		h->heap[i] = h->heap[c];
		i = c;
	}
	if (h->n)
		h->heap[i] = last;
	return top;
}

static size_t discard_body(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* POSTs body to the hook; returns the HTTP status, or 0 when none came in time. */
static long post(const struct hook_config *c, const char *body, unsigned timeout_ms)
{
	CURL *curl = curl_easy_init();
	long status = 0;
	if (!curl)
		return 0;
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
	for (struct curl_slist *s = c->headers; s; s = s->next)
		headers = curl_slist_append(headers, s->data);
	curl_easy_setopt(curl, CURLOPT_URL, c->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "vtex-sandbox");
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return status;
}

static void *sender(void *arg)
{
	struct hooks *h = arg;
	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		if (h->n == 0) {
			pthread_cond_wait(&h->wake, &h->lock);
			continue;
		}
		double now = progress_now();
		if (h->heap[0]->due > now) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			double wait = h->heap[0]->due - now, t = (double)ts.tv_sec + ts.tv_nsec / 1e9 + wait;
			ts.tv_sec = (time_t)t;
			ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
			pthread_cond_timedwait(&h->wake, &h->lock, &ts);
			continue;
		}
		struct delivery *d = heap_pop(h);
		pthread_mutex_unlock(&h->lock);

		long status = post(d->cfg, d->payload, h->cfg->hook_timeout_ms);
		d->attempt++;
		rng r = rng_for(h->seed, TAG_HOOK, (d->seq << 8) | (d->attempt & 0xff));
		struct delivery *again = NULL;
		if (status == 200) {
			metric_add(h->m_ok, 1);
			log_debug("hook delivered", LS("order", d->order_id), LI("attempt", d->attempt));
			if (!d->duplicate && rng_chance(&r, h->cfg->hook_dup_rate)) {
				/* at-least-once: the same notification once more, a little later */
				again = xcalloc(1, sizeof *again);
				*again = *d;
				again->payload = xstrdup(d->payload);
				again->duplicate = true;
				again->attempt = 0;
				again->due = progress_now() + 0.2 + 1.8 * rng_unit(&r);
				atomic_fetch_add(&d->cfg->refs, 1);
				metric_add(h->m_dup, 1);
			}
			delivery_free(d);
		} else if (d->attempt >= h->cfg->hook_max_attempts) {
			metric_add(h->m_dropped, 1);
			log_warn("hook notification dropped after the last attempt", LS("order", d->order_id),
				 LI("attempts", d->attempt), LI("status", status));
			delivery_free(d);
		} else {
			metric_add(h->m_retry, 1);
			double backoff = RETRY_FIRST * (double)(1u << (d->attempt < 7 ? d->attempt - 1 : 6));
			d->due = progress_now() + (backoff < RETRY_MAX ? backoff : RETRY_MAX) * (0.8 + 0.4 * rng_unit(&r));
			log_debug("hook delivery failed, will retry", LS("order", d->order_id), LI("attempt", d->attempt),
				  LI("status", status));
			again = d;
		}
		pthread_mutex_lock(&h->lock);
		if (again)
			heap_push(h, again);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct hooks *hooks_new(const sb_config *cfg, const keyring *keys, uint64_t seed)
{
	struct hooks *h = xcalloc(1, sizeof *h);
	h->cfg = cfg;
	h->keys = keys;
	h->seed = seed;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	const char *help = "Hook notifications, by outcome of a delivery attempt.";
	h->m_events = metrics_counter("vtex_sandbox_hook_events_total", "Order events queued for the hook.", "");
	h->m_ok = metrics_counter("vtex_sandbox_hook_deliveries_total", help, "outcome=\"ok\"");
	h->m_retry = metrics_counter("vtex_sandbox_hook_deliveries_total", help, "outcome=\"retry\"");
	h->m_dropped = metrics_counter("vtex_sandbox_hook_deliveries_total", help, "outcome=\"dropped\"");
	h->m_dup = metrics_counter("vtex_sandbox_hook_duplicates_total", "Notifications sent a second time.", "");
	h->m_held = metrics_counter("vtex_sandbox_hook_held_total", "Notifications held back to arrive out of order.", "");
	for (int i = 0; i < SENDERS; i++)
		pthread_create(&h->senders[i], NULL, sender, h);
	return h;
}

void hooks_free(struct hooks *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_broadcast(&h->wake);
	pthread_mutex_unlock(&h->lock);
	for (int i = 0; i < SENDERS; i++)
		pthread_join(h->senders[i], NULL);
	if (h->n)
		log_warn("stopping with hook notifications not delivered", LI("pending", h->n));
	while (h->n)
		delivery_free(heap_pop(h));
	free(h->heap);
	for (size_t k = 0; k < h->keys->n; k++)
		config_unref(h->current[k]);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Replaces the configuration of an app key (NULL removes it). */
static void install(struct hooks *h, int key, struct hook_config *c)
{
	pthread_mutex_lock(&h->lock);
	struct hook_config *old = h->current[key];
	h->current[key] = c;
	pthread_mutex_unlock(&h->lock);
	config_unref(old);
}

static struct hook_config *config_new(cJSON *json, const char *url)
{
	struct hook_config *c = xcalloc(1, sizeof *c);
	atomic_init(&c->refs, 1);
	c->json = json;
	c->url = xstrdup(url);
	c->filter.all_states = true;
	return c;
}

void hooks_set_initial(struct hooks *h, const char *url, const char *header, const char *secret)
{
	cJSON *json = cJSON_CreateObject();
	cJSON *filter = cJSON_AddObjectToObject(json, "filter");
	cJSON_AddStringToObject(filter, "type", "FromWorkflow");
	cJSON *hook = cJSON_AddObjectToObject(json, "hook");
	cJSON_AddStringToObject(hook, "url", url);
	cJSON *headers = cJSON_AddObjectToObject(hook, "headers");
	struct hook_config *c = config_new(json, url);
	if (secret) {
		cJSON_AddStringToObject(headers, header, secret);
		buf line = { 0 };
		buf_printf(&line, "%s: %s", header, secret);
		c->headers = curl_slist_append(NULL, buf_cstr(&line));
		buf_free(&line);
	}
	install(h, 0, c);
}

/* Checks the body and builds the configuration; NULL with status and message on a refusal. */
static struct hook_config *parse_config(const char *body, size_t len, int *status, const char **msg)
{
	cJSON *json = cJSON_ParseWithLength(body, len);
	cJSON *filter = json ? cJSON_GetObjectItemCaseSensitive(json, "filter") : NULL;
	cJSON *hook = json ? cJSON_GetObjectItemCaseSensitive(json, "hook") : NULL;
	cJSON *url = hook ? cJSON_GetObjectItemCaseSensitive(hook, "url") : NULL;
	cJSON *headers = hook ? cJSON_GetObjectItemCaseSensitive(hook, "headers") : NULL;
	*status = 400;
	if (!cJSON_IsObject(json)) {
		*msg = "The request body is not a JSON object";
		goto refuse;
	}
	if (!cJSON_IsObject(filter) || !cJSON_IsObject(hook) || !cJSON_IsString(url) || !cJSON_IsObject(headers)) {
		*msg = "filter, hook, hook.url and hook.headers are required";
		goto refuse;
	}
	if (strncmp(url->valuestring, "http://", 7) != 0 && strncmp(url->valuestring, "https://", 8) != 0) {
		*msg = "hook.url must be an http or https URL";
		goto refuse;
	}
	struct event_filter ef;
	int fs = filter_parse(filter, &ef, msg);
	if (fs) {
		*status = fs;
		goto refuse;
	}
	struct hook_config *c = config_new(json, url->valuestring);
	c->filter = ef;
	const cJSON *hd;
	cJSON_ArrayForEach(hd, headers) {
		if (!cJSON_IsString(hd) || strpbrk(hd->string, ":\r\n") || strpbrk(hd->valuestring, "\r\n")) {
			config_unref(c);
			*msg = "hook.headers must map header names to string values";
			return NULL;
		}
		buf line = { 0 };
		buf_printf(&line, "%s: %s", hd->string, hd->valuestring);
		c->headers = curl_slist_append(c->headers, buf_cstr(&line));
		buf_free(&line);
	}
	return c;
refuse:
	cJSON_Delete(json);
	return NULL;
}

void hooks_post_config(struct hooks *h, int key, const char *body, size_t len, response *rs)
{
	int status;
	const char *msg = "The hook configuration was refused";
	struct hook_config *c = parse_config(body, len, &status, &msg);
	if (!c) {
		resp_oms_error(rs, status, "1", msg);
		return;
	}
	long ping = post(c, "{\"hookConfig\":\"ping\"}", h->cfg->hook_timeout_ms);
	if (ping != 200) {
		char text[160];
		snprintf(text, sizeof text, "The hook endpoint did not answer the ping with 200 (got %ld)", ping);
		log_info("hook configuration refused: the ping failed", LS("url", c->url), LI("status", ping));
		config_unref(c);
		resp_oms_error(rs, 400, "1", text);
		return;
	}
	log_info("hook configured", LS("url", c->url), LS("app_key", h->keys->key[key]));
	char *text = cJSON_PrintUnformatted(c->json);
	buf_puts(&rs->body, text);
	free(text);
	install(h, key, c);
}

void hooks_get_config(struct hooks *h, int key, response *rs)
{
	pthread_mutex_lock(&h->lock);
	char *text = h->current[key] ? cJSON_PrintUnformatted(h->current[key]->json) : NULL;
	pthread_mutex_unlock(&h->lock);
	if (!text) {
		resp_oms_error(rs, 404, "1", "No hook configured for this appKey");
		return;
	}
	buf_puts(&rs->body, text);
	free(text);
}

void hooks_delete_config(struct hooks *h, int key, response *rs)
{
	pthread_mutex_lock(&h->lock);
	bool had = h->current[key] != NULL;
	pthread_mutex_unlock(&h->lock);
	if (!had) {
		resp_oms_error(rs, 404, "1", "No hook configured for this appKey");
		return;
	}
	install(h, key, NULL);
	log_info("hook configuration deleted", LS("app_key", h->keys->key[key]));
	resp_text(rs, 200, "");
}

/* Queues the notification of ev to the hook of app key `key`, if it takes it. */
static void emit_one(struct hooks *h, int key, const struct order_event *ev)
{
	pthread_mutex_lock(&h->lock);
	struct hook_config *c = h->current[key];
	if (!c || !filter_takes(&c->filter, ev->state)) {
		pthread_mutex_unlock(&h->lock);
		return;
	}
	atomic_fetch_add(&c->refs, 1);
	uint64_t seq = ++h->seq;
	pthread_mutex_unlock(&h->lock);

	buf b = { 0 };
	jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "Domain", ev->fulfillment ? "Fulfillment" : "Marketplace");
	jw_kstr(&w, "OrderId", ev->order_id);
	jw_kstr(&w, "State", ostate_name(ev->state));
	jw_kstr(&w, "LastState", ev->last_state >= 0 ? ostate_name((enum ostate)ev->last_state) : "");
	jw_ktime(&w, "LastChange", ev->last_change, VTIME_Z7);
	jw_ktime(&w, "CurrentChange", ev->current_change, VTIME_Z7);
	jw_key(&w, "Origin");
	jw_obj(&w);
	jw_kstr(&w, "Account", h->cfg->account);
	jw_kstr(&w, "Key", h->keys->key[key]);
	jw_end(&w);
	jw_end(&w);
	struct delivery *d = xcalloc(1, sizeof *d);
	d->payload = xstrdup(buf_cstr(&b));
	buf_free(&b);
	snprintf(d->order_id, sizeof d->order_id, "%s", ev->order_id);
	d->cfg = c;
	d->seq = seq;
	d->due = progress_now();
	rng r = rng_for(h->seed, TAG_HOOK, seq << 8);
	if (rng_chance(&r, h->cfg->hook_reorder_rate)) { /* held back: the next events overtake it */
		d->due += 0.5 + 2.5 * rng_unit(&r);
		metric_add(h->m_held, 1);
	}
	metric_add(h->m_events, 1);
	pthread_mutex_lock(&h->lock);
	bool full = h->n >= MAX_PENDING;
	if (!full)
		heap_push(h, d);
	pthread_mutex_unlock(&h->lock);
	if (full) {
		if ((uint64_t)metric_value(h->m_dropped) % 1000 == 0)
			log_warn("too many hook notifications waiting: dropping new ones", LI("pending", MAX_PENDING));
		metric_add(h->m_dropped, 1);
		delivery_free(d);
	}
}

void hooks_emit(struct hooks *h, const struct order_event *ev)
{
	for (size_t k = 0; k < h->keys->n; k++)
		emit_one(h, (int)k, ev);
}
