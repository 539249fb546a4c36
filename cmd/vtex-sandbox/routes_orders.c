/* OMS order list and detail (API.md §3): creation-date filter, at most 100
 * rows a page, 30 pages reachable, only the last two years, no items in rows. */
#include "args.h"
#include "jw.h"
#include "order_json.h"
#include "plan.h"
#include "routes.h"
#include "timefmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PAGE = 30, MAX_PER_PAGE = 100, DEFAULT_PER_PAGE = 15, HORIZON_DAYS = 730 };

enum sort_field { BY_CREATION, BY_ORDER_ID, BY_VALUE, BY_ITEMS, BY_ORIGIN };

struct range {
	bool set;
	vtime_t from, to;
};

struct list_query {
	struct range created, authorized, invoiced;
	uint32_t statuses; /* bit per enum ostate; 0: any */
	enum sort_field by;
	bool desc;
	long long page, per_page;
};

/* "creationDate:[2022-01-01T02:00:00.000Z TO 2022-01-02T01:59:59.999Z]"; the
 * field prefix is optional and '*' leaves a side open. */
static bool parse_range(const char *v, struct range *r)
{
	const char *colon = strchr(v, ':'), *open = strchr(v, '[');
	if (!open || (colon && colon < open && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != (size_t)(colon - v)))
		return false;
	const char *a = open + 1, *to = strstr(a, " TO "), *close = strrchr(a, ']');
	if (!to || !close || close < to || close[1])
		return false;
	const char *b = to + 4;
	r->set = true;
	r->from = INT64_MIN;
	r->to = INT64_MAX;
	if (!(to - a == 1 && *a == '*') && !vtime_parse(a, (size_t)(to - a), &r->from))
		return false;
	if (!(close - b == 1 && *b == '*') && !vtime_parse(b, (size_t)(close - b), &r->to))
		return false;
	return r->from <= r->to;
}

static bool in_range(const struct range *r, vtime_t t)
{
	return !r->set || (t && t >= r->from && t <= r->to);
}

static const char *parse_query(request *rq, struct list_query *q)
{
	const char *v;
	memset(q, 0, sizeof *q);
	q->desc = true;
	if (!arg_long(rq, "page", 1, &q->page) || q->page < 1)
		return "page must be a whole number from 1";
	if (q->page > MAX_PAGE)
		return "Max page exceed ( 30 ), refine filter";
	if (!arg_long(rq, "per_page", DEFAULT_PER_PAGE, &q->per_page) || q->per_page < 1 || q->per_page > MAX_PER_PAGE)
		return "per_page must be from 1 to 100";
	if ((v = req_arg(rq, "f_creationDate")) && *v && !parse_range(v, &q->created))
		return "f_creationDate must look like creationDate:[2024-01-01T00:00:00.000Z TO 2024-01-01T23:59:59.999Z]";
	if ((v = req_arg(rq, "f_authorizedDate")) && *v && !parse_range(v, &q->authorized))
		return "f_authorizedDate must look like authorizedDate:[... TO ...]";
	if ((v = req_arg(rq, "f_invoicedDate")) && *v && !parse_range(v, &q->invoiced))
		return "f_invoicedDate must look like invoicedDate:[... TO ...]";
	if ((v = req_arg(rq, "f_status")) && *v) {
		while (*v) {
			size_t n = strcspn(v, ",");
			enum ostate st;
			if (!ostate_parse(v, n, &st))
				return "f_status holds an unknown status";
			q->statuses |= 1u << st;
			v += n + (v[n] == ',');
		}
	}
	if ((v = req_arg(rq, "orderBy")) && *v) {
		static const struct { const char *name; enum sort_field by; } fields[] = {
			{ "creationDate", BY_CREATION }, { "orderId", BY_ORDER_ID }, { "totalValue", BY_VALUE },
			{ "items", BY_ITEMS }, { "origin", BY_ORIGIN },
		};
		size_t n = strcspn(v, ",");
		size_t i = 0;
		while (i < sizeof fields / sizeof *fields && !(strlen(fields[i].name) == n && strncmp(v, fields[i].name, n) == 0))
			i++;
		if (i == sizeof fields / sizeof *fields)
			return "orderBy must be creationDate, orderId, items, totalValue or origin, then ,asc or ,desc";
		q->by = fields[i].by;
		if (v[n] == ',') {
			if (strcmp(v + n + 1, "asc") == 0)
				q->desc = false;
			else if (strcmp(v + n + 1, "desc") != 0)
				return "orderBy direction must be asc or desc";
		}
	}
	return NULL;
}

/* Running statistics as the list's "stats" block reports them. */
struct acc {
	double count, sum, sumsq, min, max;
};

static void acc_add(struct acc *a, double v)
{
	if (a->count == 0 || v < a->min)
		a->min = v;
	if (a->count == 0 || v > a->max)
		a->max = v;
	a->count++;
	a->sum += v;
	a->sumsq += v * v;
}

static void put_acc(jw *w, const struct acc *a)
{
	double mean = a->count ? a->sum / a->count : 0;
	double var = a->count > 1 ? (a->sumsq - a->count * mean * mean) / (a->count - 1) : 0;
	jw_knum(w, "Count", a->count);
	jw_knum(w, "Max", a->max);
	jw_knum(w, "Mean", mean);
	jw_knum(w, "Min", a->min);
	jw_knum(w, "Missing", 0);
	jw_knum(w, "StdDev", var > 0 ? sqrt(var) : 0);
	jw_knum(w, "Sum", a->sum);
	jw_knum(w, "SumOfSquares", a->sumsq);
}

struct stats {
	struct acc all[2], by_origin[2][2]; /* [value|items], [marketplace|fulfillment] */
};

static void stats_add(struct stats *st, const store *s, uint32_t idx)
{
	const order_rec *o = store_order(s, idx);
	int f = plan_affiliate(s->seed, idx) != 0;
	acc_add(&st->all[0], (double)o->value);
	acc_add(&st->all[1], o->total_items);
	acc_add(&st->by_origin[0][f], (double)o->value);
	acc_add(&st->by_origin[1][f], o->total_items);
}

static void put_stats(jw *w, const struct stats *st)
{
	static const char *const names[2] = { "totalValue", "totalItems" };
	static const char *const origins[2] = { "Marketplace", "Fulfillment" };
	jw_key(w, "stats");
	jw_obj(w);
	jw_key(w, "stats");
	jw_obj(w);
	for (int m = 0; m < 2; m++) {
		jw_key(w, names[m]);
		jw_obj(w);
		put_acc(w, &st->all[m]);
		jw_key(w, "Facets");
		jw_obj(w);
		jw_key(w, "origin");
		jw_obj(w);
		for (int f = 0; f < 2; f++) {
			if (!st->by_origin[m][f].count)
				continue;
			jw_key(w, origins[f]);
			jw_obj(w);
			put_acc(w, &st->by_origin[m][f]);
			jw_knull(w, "Facets");
			jw_end(w);
		}
		jw_end(w);
		jw_key(w, "currencyCode");
		jw_obj(w);
		if (st->all[m].count) {
			jw_key(w, "BRL");
			jw_obj(w);
			put_acc(w, &st->all[m]);
			jw_knull(w, "Facets");
			jw_end(w);
		}
		jw_end(w);
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

struct sortable {
	uint32_t idx;
	int64_t key;
	char id[40];
};

static int cmp_rows(const void *x, const void *y, void *desc)
{
	const struct sortable *a = x, *b = y;
	int c = a->id[0] || b->id[0] ? strcmp(a->id, b->id) : (a->key > b->key) - (a->key < b->key);
	if (!c)
		c = (a->idx > b->idx) - (a->idx < b->idx);
	return *(bool *)desc ? -c : c;
}

static int64_t sort_key(const store *s, uint32_t idx, enum sort_field by)
{
	switch (by) {
	case BY_VALUE: return store_order(s, idx)->value;
	case BY_ITEMS: return store_order(s, idx)->total_items;
	case BY_ORIGIN: return plan_affiliate(s->seed, idx) != 0;
	default: return store_order(s, idx)->created;
	}
}

static bool matches(const store *s, uint32_t idx, const struct list_query *q)
{
	if (q->statuses && !(q->statuses & (1u << plan_current_state(s, idx))))
		return false;
	if (q->authorized.set || q->invoiced.set) {
		struct order_plan p;
		plan_load(s, idx, &p);
		if (!in_range(&q->authorized, plan_time_of(&p, ST_APPROVED)) ||
		    !in_range(&q->invoiced, plan_time_of(&p, ST_INVOICED)))
			return false;
	}
	return true;
}

void h_orders(app *a, request *rq, response *rs)
{
	struct list_query q;
	const store *s = &a->st;
	const char *err = parse_query(rq, &q);
	if (err) {
		resp_oms_error(rs, 400, "1", err);
		return;
	}
	vtime_t now = store_now(s);
	uint32_t n = store_norders(s);
	uint32_t lo = store_orders_from(s, now - (vtime_t)HORIZON_DAYS * VT_DAY, n);
	uint32_t hi = a->cfg->list_lag ? store_orders_from(s, now - (vtime_t)a->cfg->list_lag * VT_SEC, n) : n;
	if (q.created.set) {
		uint32_t f = store_orders_from(s, q.created.from, n);
		uint32_t t = q.created.to == INT64_MAX ? n : store_orders_from(s, q.created.to + 1, n);
		lo = f > lo ? f : lo;
		hi = t < hi ? t : hi;
	}
	if (hi < lo)
		hi = lo;

	struct stats st = { 0 };
	struct sortable *rows = NULL;
	uint32_t total;
	bool fast = !q.statuses && !q.authorized.set && !q.invoiced.set && q.by == BY_CREATION;
	if (fast) { /* the creation window is the answer, already in order */
		total = hi - lo;
		for (uint32_t i = lo; i < hi; i++)
			stats_add(&st, s, i);
	} else {
		rows = xmalloc(((size_t)(hi - lo) + 1) * sizeof *rows);
		total = 0;
		for (uint32_t i = lo; i < hi; i++) {
			if (!matches(s, i, &q))
				continue;
			struct sortable *r = &rows[total++];
			r->idx = i;
			r->id[0] = '\0';
			if (q.by == BY_ORDER_ID)
				plan_order_id(s, i, plan_affiliate(s->seed, i), r->id);
			else
				r->key = sort_key(s, i, q.by);
			stats_add(&st, s, i);
		}
		qsort_r(rows, total, sizeof *rows, cmp_rows, &q.desc);
	}

	jw w;
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_key(&w, "list");
	jw_arr(&w);
	unsigned long long first = (unsigned long long)(q.page - 1) * (unsigned long long)q.per_page;
	for (unsigned long long pos = first; pos < first + (unsigned long long)q.per_page && pos < total; pos++) {
		uint32_t idx = fast ? (q.desc ? hi - 1 - (uint32_t)pos : lo + (uint32_t)pos) : rows[pos].idx;
		struct order_plan p;
		plan_load(s, idx, &p);
		order_json_list_row(&w, s, &p);
	}
	jw_end(&w);
	jw_kraw(&w, "facets", "[]");
	jw_key(&w, "paging");
	jw_obj(&w);
	jw_ki64(&w, "total", total);
	jw_ki64(&w, "pages", (total + q.per_page - 1) / q.per_page);
	jw_ki64(&w, "currentPage", q.page);
	jw_ki64(&w, "perPage", q.per_page);
	jw_end(&w);
	put_stats(&w, &st);
	jw_end(&w);
	free(rows);
}

void h_order(app *a, request *rq, response *rs)
{
	uint32_t idx;
	const store *s = &a->st;
	if (!store_order_index(s, rq->params[0], &idx) ||
	    store_order(s, idx)->created < store_now(s) - (vtime_t)HORIZON_DAYS * VT_DAY) {
		resp_oms_error(rs, 404, "OMS003", "Order not found");
		return;
	}
	struct order_plan p;
	plan_load(s, idx, &p);
	order_json_detail(&rs->body, s, &p);
}
