#include "truth.h"
#include "catalog.h"
#include "client.h"
#include "jw.h"
#include "log.h"
#include "plan.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct per_client {
	uint32_t orders, orders_all;
	int64_t ltv;
	vtime_t first, last;
};

static void put_catalog(jw *w, const store *s)
{
	uint32_t active_products = 0, active_skus = 0, sellable = 0;
	for (uint32_t p = 0; p < s->n_products; p++) {
		struct product_info pi;
		catalog_product(s, p, &pi);
		active_products += pi.active;
		for (uint32_t k = s->prod_sku_start[p]; k < s->prod_sku_start[p + 1]; k++) {
			struct sku_info ki;
			catalog_sku(s, k, &ki, NULL);
			active_skus += ki.active;
			sellable += ki.active && pi.active && ki.priced;
		}
	}
	jw_ki64(w, "products", s->n_products);
	jw_ki64(w, "active_products", active_products);
	jw_ki64(w, "skus", s->n_skus);
	jw_ki64(w, "active_skus", active_skus);
	jw_ki64(w, "priced_skus", s->n_priced);
	jw_ki64(w, "sellable_skus", sellable);
}

static void truth_json(buf *b, const store *s)
{
	uint32_t norders = store_norders(s), nclients = store_nclients(s);
	struct per_client *pc = xcalloc(nclients ? nclients : 1, sizeof *pc);
	uint32_t by_status[ST__COUNT] = { 0 };
	int64_t value_all = 0, value_kept = 0;
	jw w;

	for (uint32_t i = 0; i < norders; i++) {
		const order_rec *o = store_order(s, i);
		enum ostate st = plan_current_state(s, i);
		struct per_client *c = &pc[o->client];
		by_status[st]++;
		value_all += o->value;
		c->orders_all++;
		if (!c->first)
			c->first = o->created;
		c->last = o->created;
		if (st != ST_CANCELED) {
			c->orders++;
			c->ltv += o->value;
			value_kept += o->value;
		}
	}

	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "account", s->account);
	jw_ki64(&w, "seed", (int64_t)s->seed);
	jw_ktime(&w, "as_of", store_now(s), VTIME_Z7);
	put_catalog(&w, s);
	jw_ki64(&w, "orders", norders);
	jw_key(&w, "orders_by_status");
	jw_obj(&w);
	for (int st = 0; st < ST__COUNT; st++)
		if (by_status[st])
			jw_ki64(&w, ostate_name((enum ostate)st), by_status[st]);
	jw_end(&w);
	jw_kunits(&w, "orders_value", value_all);
	jw_kunits(&w, "orders_value_not_canceled", value_kept);
	jw_ki64(&w, "clients", nclients);
	uint32_t buyers = 0;
	for (uint32_t c = 0; c < nclients; c++)
		buyers += pc[c].orders_all > 0;
	jw_ki64(&w, "clients_with_orders", buyers);
	jw_key(&w, "customers");
	jw_arr(&w);
	for (uint32_t c = 0; c < nclients; c++) {
		struct client_info ci;
		client_info(s, c, &ci);
		for (char *p = ci.email; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		jw_obj(&w);
		jw_kstr(&w, "id", ci.id);
		jw_kstr(&w, "user_id", ci.user_id);
		jw_kstr(&w, "email", ci.email);
		jw_ki64(&w, "orders", pc[c].orders);
		jw_ki64(&w, "orders_all", pc[c].orders_all);
		jw_kunits(&w, "ltv", pc[c].ltv);
		jw_ki64(&w, "ltv_cents", pc[c].ltv);
		if (pc[c].orders)
			jw_kunits(&w, "avg_ticket", (int64_t)llround((double)pc[c].ltv / pc[c].orders));
		else
			jw_knull(&w, "avg_ticket");
		jw_ktime_or_null(&w, "first_order", pc[c].first, VTIME_Z7);
		jw_ktime_or_null(&w, "last_order", pc[c].last, VTIME_Z7);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	buf_putc(b, '\n');
	free(pc);
}

bool truth_write(const store *s, const char *path)
{
	buf b = { 0 };
	char tmp[4096];
	truth_json(&b, s);
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	bool ok = f && fwrite(b.data, 1, b.len, f) == b.len;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		log_error("cannot write the truth file", LS("path", path), LS("error", strerror(errno)));
		unlink(tmp);
	}
	buf_free(&b);
	return ok;
}
