/* Prometheus text-format metrics. Short-lived tools write them at exit with
 * metrics_write_file() (atomically: temp file then rename); servers render
 * them for /metrics. Updates are lock-free and safe from any thread.
 *
 * A series is a name plus a fixed label string, e.g.
 *   metric *ok = metrics_counter("vtex_pipes_records_total", "Records by outcome.",
 *                                "outcome=\"out\"");
 * Names follow Prometheus conventions (vtex_pipes_ prefix, base units in the
 * name, counters end in _total); man 7 vtex-pipes lists every name.
 * Asking again for the same name and labels returns the same series. */
#ifndef VP_METRICS_H
#define VP_METRICS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct metric metric;

metric *metrics_counter(const char *name, const char *help, const char *labels);
metric *metrics_gauge(const char *name, const char *help, const char *labels);
/* bounds: ascending upper bounds (seconds, bytes, ...); +Inf is implied. */
metric *metrics_histogram(const char *name, const char *help, const char *labels,
			  const double *bounds, size_t nbounds);

void metric_add(metric *m, double v);   /* counters and gauges */
void metric_set(metric *m, double v);   /* gauges */
void metric_observe(metric *m, double v); /* histograms */
double metric_value(const metric *m);

/* Default latency buckets in seconds, for HTTP request histograms. */
extern const double metrics_latency_buckets[];
extern const size_t metrics_latency_nbuckets;

/* The whole registry in exposition format; free() the result. */
char *metrics_render(size_t *len);
/* A label every series carries (e.g. tool="dedup"), in front of its own
 * labels, unless the series has a label of that key already. The value is
 * escaped. cli_init() sets tool, stage and flow (see cli.h). */
void metrics_const_label(const char *key, const char *value);
/* Writes the registry to path via a temp file and rename(2). */
bool metrics_write_file(const char *path);
/* Frees every series and constant label (for leak-free exits in tests). */
void metrics_reset(void);

#endif
