#include "store.h"
#include "catalog.h"
#include "exitcode.h"
#include "ids.h"
#include "log.h"
#include "names.h"
#include "plan.h"
#include "progress.h"
#include "rng.h"
#include "timefmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEQUENCE_BASE 500000

vtime_t store_now(const store *s)
{
	return s->anchor + (vtime_t)((progress_now() - s->mono_start) * VT_SEC);
}

bool store_order_index(const store *s, const char *id, uint32_t *idx)
{
	char want[40];
	uint32_t n = store_norders(s);

	if (strncmp(id, "seq", 3) == 0) {
		char *end;
		long long seq = strtoll(id + 3, &end, 10);
		if (end == id + 3 || *end || seq < SEQUENCE_BASE || seq - SEQUENCE_BASE >= n)
			return false;
		*idx = (uint32_t)(seq - SEQUENCE_BASE);
		return true;
	}
	const char *num = strchr(id, '-');
	if (num && strchr(num + 1, '-'))
		num++; /* AFFILIATE-<group>-01 */
	else
		num = id;
	if (strlen(num) != 16 || num[13] != '-')
		return false;
	uint64_t g = 0;
	for (int i = 0; i < 13; i++) {
		if (num[i] < '0' || num[i] > '9')
			return false;
		g = g * 10 + (uint64_t)(num[i] - '0');
	}
	if (g < ORDER_GROUP_SPACE || g >= 2 * ORDER_GROUP_SPACE)
		return false;
	unsigned __int128 x = (g - ORDER_GROUP_SPACE + ORDER_GROUP_SPACE - s->group_add) % ORDER_GROUP_SPACE;
	uint64_t i = (uint64_t)((x * s->group_inv) % ORDER_GROUP_SPACE);
	if (i >= n)
		return false;
	*idx = (uint32_t)i;
	return strcmp(plan_order_id(s, *idx, plan_affiliate(s->seed, *idx), want), id) == 0;
}

uint32_t store_orders_from(const store *s, vtime_t t, uint32_t n)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (store_order(s, mid)->created < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t store_client_for_rank(const store *s, uint32_t rank, uint32_t nclients)
{
	return (uint32_t)(((unsigned __int128)s->client_mul * rank + s->client_add) % nclients);
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Inverse of a modulo m (gcd(a, m) == 1), by the extended Euclidean algorithm. */
static uint64_t mod_inverse(uint64_t a, uint64_t m)
{
	__int128 t = 0, nt = 1, r = m, nr = a;
	while (nr) {
		__int128 q = r / nr, tmp;
		tmp = t - q * nt; t = nt; nt = tmp;
		tmp = r - q * nr; r = nr; nr = tmp;
	}
	if (t < 0)
		t += m;
	return (uint64_t)t;
}

static uint64_t coprime_multiplier(uint64_t seed, uint64_t m)
{
	if (m <= 1)
		return 1;
	uint64_t a = mix64(seed) % m;
	a = a < 2 ? 2 : a;
	while (gcd64(a, m) != 1)
		a++;
	return a % m ? a % m : 1;
}

static void build_catalog(store *s)
{
	s->prod_sku_start = xmalloc(((size_t)s->n_products + 1) * sizeof *s->prod_sku_start);
	uint64_t n = 0;
	for (uint32_t p = 0; p < s->n_products; p++) {
		s->prod_sku_start[p] = (uint32_t)n;
		n += catalog_sku_count(s->seed, p);
		uint32_t c = catalog_product_category(s->seed, p);
		s->cat_products[c] = xrealloc(s->cat_products[c], (s->cat_count[c] + 1) * sizeof(uint32_t));
		s->cat_products[c][s->cat_count[c]++] = p;
	}
	if (n > UINT32_MAX / 4) {
		log_error("too many SKUs", LI("skus", (long long)n));
		exit(VP_EXIT_USAGE);
	}
	s->prod_sku_start[s->n_products] = (uint32_t)n;
	s->n_skus = (uint32_t)n;
	s->sku_product = xmalloc((n ? n : 1) * sizeof *s->sku_product);
	s->priced_skus = xmalloc((n ? n : 1) * sizeof *s->priced_skus);
	for (uint32_t p = 0; p < s->n_products; p++)
		for (uint32_t k = s->prod_sku_start[p]; k < s->prod_sku_start[p + 1]; k++)
			s->sku_product[k] = p;
	s->sku_base = xcalloc(n ? n : 1, sizeof *s->sku_base);
	s->sku_list = xcalloc(n ? n : 1, sizeof *s->sku_list);
	for (uint32_t k = 0; k < s->n_skus; k++)
		if (catalog_sku_price_draw(s, k, &s->sku_base[k], &s->sku_list[k]))
			s->priced_skus[s->n_priced++] = k;
		else
			s->sku_base[k] = s->sku_list[k] = 0;
}

/* Share of a day's orders by UTC hour (the store's shoppers live at UTC-3:
 * quiet nights, a lunch bump, an evening peak). */
static const double hour_weight[24] = {
	1.6, 1.2, 0.8, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8,
	1.0, 1.1, 1.3, 1.5, 1.4, 1.3, 1.3, 1.4, 1.5, 1.6, 1.9, 2.0,
};

static void hour_cdf(double cdf[25])
{
	double sum = 0;
	for (int h = 0; h < 24; h++)
		sum += hour_weight[h];
	cdf[0] = 0;
	for (int h = 0; h < 24; h++)
		cdf[h + 1] = cdf[h] + hour_weight[h] / sum;
}

/* Maps u in [0,1) to a fraction of the day following the hourly CDF. */
static double day_fraction(const double cdf[25], double u)
{
	int h = 0;
	while (h < 23 && cdf[h + 1] <= u)
		h++;
	return (h + (u - cdf[h]) / (cdf[h + 1] - cdf[h])) / 24.0;
}

/* The day of the history that gets busy_day_share of the orders: the last Black
 * Friday in the window (the fourth Friday of November), else 30 days back. */
static int busy_day_index(vtime_t day0, int days)
{
	for (int i = days - 2; i >= 0; i--) {
		time_t t = (time_t)((day0 + (vtime_t)i * VT_DAY) / VT_SEC);
		struct tm tm;
		gmtime_r(&t, &tm);
		if (tm.tm_mon == 10 && tm.tm_wday == 5 && tm.tm_mday >= 22 && tm.tm_mday <= 28)
			return i;
	}
	return days > 31 ? days - 31 : 0;
}

/* Creation dates for n orders over the history, non-decreasing with the index. */
static vtime_t *order_times(const store *s, uint32_t n, double busy_share)
{
	int days = s->history_days;
	vtime_t day0 = (s->anchor / VT_DAY - (days - 1)) * VT_DAY;
	double *w = xmalloc((size_t)days * sizeof *w), cdf[25];
	double total = 0, others;
	int busy = busy_day_index(day0, days);
	hour_cdf(cdf);
	static const double weekday[7] = { 0.85, 1.1, 1.05, 1.0, 1.0, 1.05, 0.9 };

	for (int i = 0; i < days; i++) {
		rng r = rng_for(s->seed, TAG_DAYS, (uint64_t)i);
		time_t t = (time_t)((day0 + (vtime_t)i * VT_DAY) / VT_SEC);
		struct tm tm;
		gmtime_r(&t, &tm);
		double season = tm.tm_mon == 11 ? 1.5 : tm.tm_mon == 10 ? 1.25 : tm.tm_mon == 1 ? 0.85 : 1.0;
		w[i] = (0.6 + 0.8 * i / days) * weekday[tm.tm_wday] * season * (0.75 + 0.5 * rng_unit(&r));
		if (i == days - 1) /* today: only up to the anchor */
			w[i] *= (double)(s->anchor - (day0 + (vtime_t)i * VT_DAY)) / VT_DAY;
	}
	others = 0;
	for (int i = 0; i < days; i++)
		if (i != busy)
			others += w[i];
	if (busy_share > 0 && busy_share < 1)
		w[busy] = others * busy_share / (1 - busy_share);
	for (int i = 0; i < days; i++)
		total += w[i];

	vtime_t *times = xmalloc(((size_t)n + 1) * sizeof *times);
	double cum = 0;
	uint32_t done = 0;
	for (int i = 0; i < days && done < n; i++) {
		cum += w[i];
		uint32_t upto = i == days - 1 ? n : (uint32_t)llround((double)n * cum / total);
		if (upto > n)
			upto = n;
		uint32_t m = upto - done;
		vtime_t start = day0 + (vtime_t)i * VT_DAY;
		vtime_t len = i == days - 1 ? s->anchor - start : VT_DAY;
		for (uint32_t j = 0; j < m; j++) {
			rng r = rng_for(s->seed, TAG_DAYTIME, done + j);
			double u = (j + rng_unit(&r)) / m;
			vtime_t t = start + (vtime_t)(day_fraction(cdf, u) * (double)len);
			if (done + j > 0 && t <= times[done + j - 1])
				t = times[done + j - 1] + 1;
			times[done + j] = t;
		}
		done = upto;
	}
	free(w);
	return times;
}

static void build_orders(store *s, const store_params *p)
{
	vtime_t *times = order_times(s, p->orders, p->busy_day_share);
	struct order_plan plan;

	for (uint32_t i = 0; i < p->orders; i++) {
		rng r = rng_for(s->seed, TAG_ORDER_CLIENT, i);
		uint32_t rank = (uint32_t)(s->n_buyers * pow(rng_unit(&r), 1.3));
		uint32_t client = store_client_for_rank(s, rank < s->n_buyers ? rank : s->n_buyers - 1, p->clients);
		plan_build(s, i, times[i], client, &plan);
		order_rec *o = seg_next_slot(&s->orders);
		o->created = times[i];
		o->client = client;
		o->value = plan.value;
		o->total_items = plan.total_items;
		seg_publish(&s->orders);
	}
	free(times);
}

static void build_clients(store *s, const store_params *p)
{
	uint32_t n = p->clients, no = store_norders(s);
	vtime_t *first = xcalloc(n ? n : 1, sizeof *first), *last = xcalloc(n ? n : 1, sizeof *last);
	vtime_t oldest = s->anchor - (vtime_t)(s->history_days + 400) * VT_DAY;

	for (uint32_t i = 0; i < no; i++) {
		const order_rec *o = store_order(s, i);
		if (!first[o->client])
			first[o->client] = o->created;
		last[o->client] = o->created;
	}
	for (uint32_t c = 0; c < n; c++) {
		rng r = rng_for(s->seed, TAG_CLIENT, (1ULL << 40) | c);
		client_rec *cr = seg_next_slot(&s->clients);
		vtime_t created, updated;
		if (first[c]) { /* profile made at the first checkout, or earlier at sign-up */
			created = rng_chance(&r, 0.6) ? first[c] - rng_range(&r, VT_MIN, 20 * VT_MIN)
						      : first[c] - rng_range(&r, VT_DAY, 400 * VT_DAY);
			if (created < oldest)
				created = oldest + rng_range(&r, 0, VT_DAY);
		} else {
			created = s->anchor - rng_range(&r, VT_HOUR, (vtime_t)(s->history_days + 300) * VT_DAY);
		}
		double u = rng_unit(&r);
		if (u < 0.02)
			updated = 0; /* never updated: updatedIn is null */
		else if (first[c] && u < 0.52)
			updated = last[c] + rng_range(&r, VT_SEC, 60 * VT_SEC); /* checkout touched the profile */
		else if (u < 0.75)
			updated = created;
		else
			updated = created + (vtime_t)(rng_unit(&r) * (double)(s->anchor - created));
		if (updated > s->anchor)
			updated = s->anchor - rng_range(&r, VT_SEC, VT_MIN);
		if (updated && updated < created)
			updated = created;
		cr->created_in = created;
		cr->first_order = first[c];
		atomic_store(&cr->updated_in, updated);
		atomic_store(&cr->last_interaction, last[c] ? last[c] : created);
		seg_publish(&s->clients);
	}
	free(first);
	free(last);
}

void store_build(store *s, const store_params *p)
{
	memset(s, 0, sizeof *s);
	s->seed = p->seed;
	s->account = p->account;
	s->app_key = p->app_key;
	s->anchor = p->now;
	s->mono_start = progress_now();
	s->history_days = p->history_days;
	s->n_products = p->products;
	seg_init(&s->orders, sizeof(order_rec));
	seg_init(&s->clients, sizeof(client_rec));
	s->group_mul = coprime_multiplier(p->seed ^ 0x6f7264657273ULL, ORDER_GROUP_SPACE);
	s->group_inv = mod_inverse(s->group_mul, ORDER_GROUP_SPACE);
	s->group_add = mix64(p->seed ^ 0x67726f7570ULL) % ORDER_GROUP_SPACE;
	s->n_static_clients = p->clients;
	s->n_buyers = p->clients ? (uint32_t)ceil(p->clients * 0.8) : 0;
	s->client_mul = coprime_multiplier(p->seed ^ 0x636c69656e74ULL, p->clients ? p->clients : 1);
	s->client_add = p->clients ? mix64(p->seed ^ 0x616464ULL) % p->clients : 0;

	build_catalog(s);
	if (p->orders && (!s->n_priced || !p->clients)) {
		log_error("orders need at least one priced SKU and one client: raise --products or --clients");
		exit(VP_EXIT_USAGE);
	}
	build_orders(s, p);
	s->n_static_orders = p->orders;
	build_clients(s, p);
}

void store_free(store *s)
{
	uint32_t n = store_norders(s);
	for (uint32_t i = 0; i < n; i++)
		free(atomic_load(&store_order(s, i)->live));
	seg_free(&s->orders);
	seg_free(&s->clients);
	free(s->prod_sku_start);
	free(s->sku_product);
	free(s->priced_skus);
	free(s->sku_base);
	free(s->sku_list);
	for (size_t c = 0; c < NELEM(s->cat_products); c++)
		free(s->cat_products[c]);
}
