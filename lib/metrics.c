#include "metrics.h"
#include "buf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum metric_kind { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

struct metric {
	enum metric_kind kind;
	char *name, *help, *labels;
	_Atomic double value;              /* counter/gauge; histogram sum */
	size_t nbounds;
	double *bounds;
	_Atomic unsigned long long *buckets; /* nbounds + 1 (the last is +Inf) */
	_Atomic unsigned long long count;
	metric *next;
};

const double metrics_latency_buckets[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
					   0.25,  0.5,   1,    2.5,   5,    10 };
const size_t metrics_latency_nbuckets = sizeof metrics_latency_buckets / sizeof *metrics_latency_buckets;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static metric *registry_head, *registry_tail;

/* Constant labels, as key="escaped value" pairs. */
enum { CONST_LABELS_MAX = 8 };
static char *const_keys[CONST_LABELS_MAX], *const_pairs[CONST_LABELS_MAX];
static size_t nconst;

void metrics_const_label(const char *key, const char *value)
{
	buf pair = { 0 };
	buf_printf(&pair, "%s=\"", key);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			buf_putc(&pair, '\\');
		if (*p == '\n')
			buf_puts(&pair, "\\n");
		else
			buf_putc(&pair, *p);
	}
	buf_putc(&pair, '"');
	pthread_mutex_lock(&registry_lock);
	size_t i;
	for (i = 0; i < nconst && strcmp(const_keys[i], key) != 0; i++)
		;
	if (i == nconst && nconst < CONST_LABELS_MAX)
		const_keys[nconst++] = xstrdup(key);
	if (i < nconst) {
		free(const_pairs[i]);
		const_pairs[i] = xstrdup(buf_cstr(&pair));
	}
	pthread_mutex_unlock(&registry_lock);
	buf_free(&pair);
}

/* Whether a label string (k1="v1",k2="v2") has a label named key. */
static bool has_label(const char *labels, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = labels; (p = strstr(p, key)); p += n)
		if ((p == labels || p[-1] == ',') && p[n] == '=')
			return true;
	return false;
}

static metric *find_or_add(enum metric_kind kind, const char *name, const char *help,
			   const char *labels, const double *bounds, size_t nbounds)
{
	metric *m;

	labels = labels ? labels : "";
	pthread_mutex_lock(&registry_lock);
	for (m = registry_head; m; m = m->next)
		if (strcmp(m->name, name) == 0 && strcmp(m->labels, labels) == 0)
			goto out;
	m = xcalloc(1, sizeof *m);
	m->kind = kind;
	m->name = xstrdup(name);
	m->help = xstrdup(help ? help : "");
	m->labels = xstrdup(labels);
	if (kind == METRIC_HISTOGRAM) {
		m->nbounds = nbounds;
		m->bounds = xmalloc(nbounds * sizeof *bounds);
		memcpy(m->bounds, bounds, nbounds * sizeof *bounds);
		m->buckets = xcalloc(nbounds + 1, sizeof *m->buckets);
	}
	if (registry_tail)
		registry_tail->next = m;
	else
		registry_head = m;
	registry_tail = m;
out:
	pthread_mutex_unlock(&registry_lock);
	return m;
}

metric *metrics_counter(const char *name, const char *help, const char *labels)
{
	return find_or_add(METRIC_COUNTER, name, help, labels, NULL, 0);
}

metric *metrics_gauge(const char *name, const char *help, const char *labels)
{
	return find_or_add(METRIC_GAUGE, name, help, labels, NULL, 0);
}

metric *metrics_histogram(const char *name, const char *help, const char *labels,
			  const double *bounds, size_t nbounds)
{
	return find_or_add(METRIC_HISTOGRAM, name, help, labels, bounds, nbounds);
}

/* C11 has no fetch_add for floating atomics: compare-and-swap until it sticks. */
static void atomic_add_double(_Atomic double *a, double v)
{
	double old = atomic_load_explicit(a, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(a, &old, old + v, memory_order_relaxed,
						      memory_order_relaxed))
		;
}

void metric_add(metric *m, double v)
{
	atomic_add_double(&m->value, v);
}

void metric_set(metric *m, double v)
{
	atomic_store_explicit(&m->value, v, memory_order_relaxed);
}

void metric_observe(metric *m, double v)
{
	size_t i = 0;
	while (i < m->nbounds && v > m->bounds[i])
		i++;
	atomic_fetch_add_explicit(&m->buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
	atomic_add_double(&m->value, v);
}

double metric_value(const metric *m)
{
	return atomic_load_explicit(&((metric *)m)->value, memory_order_relaxed);
}

static void series(buf *b, const char *name, const char *suffix, const char *labels,
		   const char *extra_label, double v)
{
	bool any = false;
	buf_puts(b, name);
	buf_puts(b, suffix);
	for (size_t i = 0; i < nconst; i++) {
		if (has_label(labels, const_keys[i]))
			continue;
		buf_putc(b, any ? ',' : '{');
		buf_puts(b, const_pairs[i]);
		any = true;
	}
	if (*labels) {
		buf_putc(b, any ? ',' : '{');
		buf_puts(b, labels);
		any = true;
	}
	if (extra_label) {
		buf_putc(b, any ? ',' : '{');
		buf_puts(b, extra_label);
		any = true;
	}
	if (any)
		buf_putc(b, '}');
	buf_putc(b, ' ');
	buf_put_double(b, v);
	buf_putc(b, '\n');
}

char *metrics_render(size_t *len)
{
	static const char *const type_names[] = { "counter", "gauge", "histogram" };
	buf b = { 0 };
	const char *last_name = "";

	pthread_mutex_lock(&registry_lock);
	/* Series of one name are grouped under one HELP/TYPE header, in the order
	 * the names were first registered. */
	for (metric *first = registry_head; first; first = first->next) {
		bool seen = false;
		for (metric *p = registry_head; p != first; p = p->next)
			if (strcmp(p->name, first->name) == 0)
				seen = true;
		if (seen)
			continue;
		last_name = first->name;
		buf_printf(&b, "# HELP %s %s\n# TYPE %s %s\n", last_name, first->help, last_name,
			   type_names[first->kind]);
		for (metric *m = first; m; m = m->next) {
			if (strcmp(m->name, last_name) != 0)
				continue;
			if (m->kind != METRIC_HISTOGRAM) {
				series(&b, m->name, "", m->labels, NULL, metric_value(m));
				continue;
			}
			unsigned long long cum = 0;
			char le[48];
			for (size_t i = 0; i <= m->nbounds; i++) {
				cum += atomic_load(&m->buckets[i]);
				if (i < m->nbounds) {
					buf tmp = { 0 };
					buf_put_double(&tmp, m->bounds[i]);
					snprintf(le, sizeof le, "le=\"%s\"", buf_cstr(&tmp));
					buf_free(&tmp);
				} else {
					snprintf(le, sizeof le, "le=\"+Inf\"");
				}
				series(&b, m->name, "_bucket", m->labels, le, (double)cum);
			}
			series(&b, m->name, "_sum", m->labels, NULL, metric_value(m));
			series(&b, m->name, "_count", m->labels, NULL, (double)atomic_load(&m->count));
		}
	}
	pthread_mutex_unlock(&registry_lock);
	buf_cstr(&b);
	*len = b.len;
	return b.data;
}

bool metrics_write_file(const char *path)
{
	static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER; /* one temp file at a time */
	pthread_mutex_lock(&write_lock);
	size_t len;
	char *text = metrics_render(&len);
	buf tmp = { 0 };
	bool ok = false;

	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(buf_cstr(&tmp), "w");
	if (f) {
		ok = fwrite(text, 1, len, f) == len;
		ok = (fflush(f) == 0) && ok;
		ok = (fsync(fileno(f)) == 0) && ok;
		ok = (fclose(f) == 0) && ok;
		if (ok)
			ok = rename(buf_cstr(&tmp), path) == 0;
		if (!ok)
			unlink(buf_cstr(&tmp));
	}
	buf_free(&tmp);
	free(text);
	pthread_mutex_unlock(&write_lock);
	return ok;
}

void metrics_reset(void)
{
	pthread_mutex_lock(&registry_lock);
	for (metric *m = registry_head, *next; m; m = next) {
		next = m->next;
		free(m->name);
		free(m->help);
		free(m->labels);
		free(m->bounds);
		free((void *)m->buckets);
		free(m);
	}
	registry_head = registry_tail = NULL;
	for (size_t i = 0; i < nconst; i++) {
		free(const_keys[i]);
		free(const_pairs[i]);
		const_keys[i] = const_pairs[i] = NULL;
	}
	nconst = 0;
	pthread_mutex_unlock(&registry_lock);
}
