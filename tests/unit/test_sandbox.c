/* vtex-sandbox: the generated store's invariants (money adds up, ids map
 * back to their entities, creation dates in index order, schedules move
 * forward, late orders), Master Data _where parsing and evaluation, text
 * helpers, the feed's queue and configuration, the hook/feed filter, the
 * credential pairs.
 * links: cmd/vtex-sandbox/store.c cmd/vtex-sandbox/ids.c cmd/vtex-sandbox/plan.c
 * links: cmd/vtex-sandbox/catalog.c cmd/vtex-sandbox/client.c cmd/vtex-sandbox/names.c
 * links: cmd/vtex-sandbox/text.c cmd/vtex-sandbox/timefmt.c cmd/vtex-sandbox/jw.c
 * links: cmd/vtex-sandbox/segarr.c cmd/vtex-sandbox/mdquery.c
 * links: cmd/vtex-sandbox/order_json.c cmd/vtex-sandbox/filter.c
 * links: cmd/vtex-sandbox/keys.c cmd/vtex-sandbox/feed.c cmd/vtex-sandbox/feed_queue.c */
#include "vtex-sandbox/catalog.h"
#include "vtex-sandbox/client.h"
#include "vtex-sandbox/feed.h"
#include "vtex-sandbox/feed_queue.h"
#include "vtex-sandbox/filter.h"
#include "vtex-sandbox/ids.h"
#include "vtex-sandbox/keys.h"
#include "vtex-sandbox/jw.h"
#include "vtex-sandbox/mdquery.h"
#include "vtex-sandbox/order_json.h"
#include "vtex-sandbox/plan.h"
#include "vtex-sandbox/store.h"
#include "vtex-sandbox/text.h"
#include "vtex-sandbox/timefmt.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static store st;
static const vtime_t now = 1768478400LL * VTIME_TICKS_PER_SEC; /* 2026-01-15T12:00:00Z */

static void build(void)
{
	store_params p = { .seed = 5, .account = "sandbox", .app_key = "k", .now = now, .history_days = 700,
			   .busy_day_share = 0.04, .products = 120, .clients = 400, .orders = 4000 };
	store_build(&st, &p);
}

static void teardown(void)
{
	store_free(&st);
}

START_TEST(orders_money_adds_up)
{
	for (uint32_t i = 0; i < store_norders(&st); i++) {
		struct order_plan p;
		plan_load(&st, i, &p);
		ck_assert_int_eq(p.value, p.items_total + p.discounts_total + p.shipping_total + p.tax_total);
		ck_assert_int_eq(p.value, store_order(&st, i)->value);
		ck_assert(p.nitems >= 1 && p.discounts_total <= 0 && p.value > 0);
		int64_t items = 0, selling = 0, freight = 0;
		for (int k = 0; k < p.nitems; k++) {
			items += p.items[k].price * p.items[k].qty;
			selling += p.items[k].selling_price * p.items[k].qty;
			freight += p.items[k].shipping;
			ck_assert(p.items[k].list_price >= p.items[k].price);
		}
		ck_assert_int_eq(items, p.items_total);
		ck_assert_int_eq(selling, p.items_total + p.discounts_total);
		ck_assert_int_eq(freight, p.shipping_total);
		for (int t = 0; t < p.ntx; t++) {
			int64_t paid = 0;
			for (int k = 0; k < p.tx[t].npay; k++) {
				ck_assert(p.tx[t].pay[k].value > 0);
				paid += p.tx[t].pay[k].value;
			}
			ck_assert_int_eq(paid, p.value);
		}
		ck_assert(p.tx[p.ntx - 1].active);
	}
}
END_TEST

START_TEST(orders_in_time_order)
{
	uint32_t n = store_norders(&st);
	ck_assert_uint_eq(n, 4000);
	for (uint32_t i = 0; i < n; i++) {
		vtime_t c = store_order(&st, i)->created;
		ck_assert(c < now && c > now - 700LL * VT_DAY);
		if (i)
			ck_assert(c > store_order(&st, i - 1)->created);
		struct order_plan p;
		plan_schedule(&st, i, c, &p);
		for (int k = 1; k < p.nsteps; k++)
			ck_assert(p.sched[k] > p.sched[k - 1]);
	}
	ck_assert_uint_eq(store_orders_from(&st, 0, n), 0);
	ck_assert_uint_eq(store_orders_from(&st, now, n), n);
	ck_assert_uint_eq(store_orders_from(&st, store_order(&st, 77)->created, n), 77);
}
END_TEST

START_TEST(ids_map_back)
{
	char id[40];
	uint32_t idx;
	for (uint32_t i = 0; i < store_norders(&st); i++) {
		plan_order_id(&st, i, plan_affiliate(st.seed, i), id);
		ck_assert_msg(store_order_index(&st, id, &idx) && idx == i, "order %u: %s", i, id);
	}
	ck_assert(store_order_index(&st, "seq500042", &idx) && idx == 42);
	ck_assert(!store_order_index(&st, "seq499999", &idx));
	ck_assert(!store_order_index(&st, "1000000000000-01", &idx));
	ck_assert(!store_order_index(&st, "hello", &idx));
	plan_order_id(&st, 5, 0, id);
	id[14] = '2'; /* -02: not one of ours */
	ck_assert(!store_order_index(&st, id, &idx));
	for (uint32_t p = 0; p < st.n_products; p++)
		ck_assert(store_product_index(&st, store_product_id(&st, p), &idx) && idx == p);
	for (uint32_t k = 0; k < st.n_skus; k++)
		ck_assert(store_sku_index(&st, store_sku_id(&st, k), &idx) && idx == k);
	ck_assert(!store_product_index(&st, 99, &idx));
}
END_TEST

START_TEST(clients_join_orders)
{
	for (uint32_t i = 0; i < store_norders(&st); i += 37) {
		const order_rec *o = store_order(&st, i);
		ck_assert_uint_lt(o->client, store_nclients(&st));
		const client_rec *c = store_client(&st, o->client);
		ck_assert(c->created_in < o->created);
	}
	struct client_info a, b;
	client_info(&st, 3, &a);
	client_info(&st, 3, &b);
	ck_assert_str_eq(a.user_id, b.user_id);
	for (uint32_t i = 0; i < 50; i++) { /* list rows name the customer the cheap way */
		const char *first, *last;
		client_info(&st, i, &a);
		client_names(&st, i, &first, &last);
		ck_assert_str_eq(first, a.first);
		ck_assert_str_eq(last, a.last);
	}
	ck_assert(strstr(a.masked_email, "@ct.vtex.com.br") != NULL);
	ck_assert(strchr(a.email, '@') != NULL && strstr(a.email, "ct.vtex") == NULL);
}
END_TEST

static bool where(const char *expr, uint32_t idx)
{
	char err[160];
	md_expr *e = mdq_parse(expr, err, sizeof err);
	ck_assert_msg(e != NULL, "%s: %s", expr, err);
	md_doc d;
	md_doc_init(&d, &st, idx);
	bool r = mdq_eval(e, &d);
	mdq_free(e);
	return r;
}

START_TEST(masterdata_where)
{
	struct client_info c;
	char expr[512], err[160], t[VTIME_FORMAT_SIZE];
	client_info(&st, 10, &c);
	snprintf(expr, sizeof expr, "email=%s", c.email);
	ck_assert(where(expr, 10));
	ck_assert(!where(expr, 11));
	snprintf(expr, sizeof expr, "userId = \"%s\" AND isCorporate = %s", c.user_id, c.corporate ? "true" : "false");
	ck_assert(where(expr, 10));
	vtime_format_as(c.created, VTIME_Z7, t);
	snprintf(expr, sizeof expr, "(updatedIn between 2000-01-01 AND 2000-01-02) OR (createdIn between %s AND %s)", t, t);
	ck_assert(where(expr, 10));
	ck_assert(where("createdIn > 2001-01-01 and createdIn<2100-01-01", 10));
	ck_assert(!where("createdIn < 2001-01-01", 10));
	ck_assert(where("email=*@*", 10));
	ck_assert(where("homePhone is null", 10));
	ck_assert(where("email is not null", 10));
	ck_assert(!where("email <> *", 10));
	const char *bad[] = { "shoeSize=42", "email", "createdIn between 2001-01-01", "(email=x", "createdIn > yesterday",
			      "email=x extra", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		md_expr *e = mdq_parse(bad[i], err, sizeof err);
		ck_assert_msg(e == NULL, "accepted '%s'", bad[i]);
	}
	uint32_t mask;
	ck_assert(mdq_parse_fields("id,email", &mask, err, sizeof err) && mask == ((1u << CLF_ID) | (1u << CLF_EMAIL)));
	ck_assert(mdq_parse_fields("_all", &mask, err, sizeof err) && mask == CL_FIELDS_ALL);
	ck_assert(!mdq_parse_fields("id,nope", &mask, err, sizeof err));
	struct md_sort s;
	ck_assert(mdq_parse_sort("updatedIn DESC", &s, err, sizeof err) && s.field == CLF_UPDATED_IN && s.desc);
	ck_assert(!mdq_parse_sort("updatedIn sideways", &s, err, sizeof err));
	uint32_t n;
	uint32_t *all = mdq_select(&st, NULL, &s, &n);
	ck_assert_uint_eq(n, 400);
	free(all);
}
END_TEST

START_TEST(text_and_json)
{
	buf b = { 0 };
	text_slug(&b, "João D'Ávila — Ñandú 50\"", '-');
	ck_assert_str_eq(buf_cstr(&b), "joao-d-avila-nandu-50");
	b.len = 0;
	text_slug(&b, "Владимир", '.');
	ck_assert_uint_eq(b.len, 0);
	b.len = 0;
	jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "a", "x\"y");
	jw_key(&w, "b");
	jw_arr(&w);
	jw_i64(&w, 1);
	jw_units(&w, -1050);
	jw_obj(&w);
	jw_end(&w);
	jw_end(&w);
	jw_kunits(&w, "c", 66666);
	jw_end(&w);
	ck_assert_str_eq(buf_cstr(&b), "{\"a\":\"x\\\"y\",\"b\":[1,-10.5,{}],\"c\":666.66}");
	char t[VTIME_FORMAT_SIZE];
	vtime_t x = 1565802699LL * VTIME_TICKS_PER_SEC + 2550122;
	ck_assert_str_eq(vtime_format_as(x, VTIME_Z7, t), "2019-08-14T17:11:39.2550122Z");
	ck_assert_str_eq(vtime_format_as(x, VTIME_OFFSET6, t), "2019-08-14T17:11:39.255012+00:00");
	ck_assert_str_eq(vtime_format_as(x, VTIME_OFFSET0, t), "2019-08-14T17:11:39+00:00");
	ck_assert_str_eq(vtime_format_as(x, VTIME_LOCAL0, t), "2019-08-14T17:11:39");
	buf_free(&b);
}
END_TEST

START_TEST(detail_renders)
{
	buf b = { 0 };
	struct order_plan p;
	plan_load(&st, 123, &p);
	order_json_detail(&b, &st, &p);
	ck_assert(b.len > 2000);
	ck_assert(b.data[0] == '{' && b.data[b.len - 1] == '}');
	buf_free(&b);
}
END_TEST

/* The sandbox's states are VTEX's documented statuses, the one list of
 * dbt/seeds/vtex_order_statuses.csv, and each occurs: every state is on a
 * path, and orders of the test store take every path. */
START_TEST(every_documented_status)
{
	FILE *f = fopen("dbt/seeds/vtex_order_statuses.csv", "r");
	ck_assert_ptr_nonnull(f);
	char line[256];
	int listed = 0;
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		enum ostate st;
		size_t n = strcspn(line, ",\n");
		ck_assert_msg(ostate_parse(line, n, &st), "status %.*s is not a sandbox state", (int)n, line);
		listed++;
	}
	fclose(f);
	ck_assert_int_eq(listed, ST__COUNT);
	bool on_path[ST__COUNT] = { 0 }, taken[PATH__COUNT] = { 0 };
	for (int path = 0; path < PATH__COUNT; path++)
		for (int st = 0; st < ST__COUNT; st++)
			on_path[st] |= opath_has((enum opath)path, (enum ostate)st);
	for (int st = 0; st < ST__COUNT; st++)
		ck_assert_msg(on_path[st], "%s is on no path", ostate_name((enum ostate)st));
	for (uint32_t i = 0; i < store_norders(&st); i++) {
		struct order_plan p;
		plan_load(&st, i, &p);
		taken[p.path] = true;
	}
	for (int path = 0; path < PATH__COUNT; path++)
		ck_assert_msg(taken[path], "no order of the test store takes path %d", path);
}
END_TEST

START_TEST(late_orders)
{
	uint32_t n = store_norders(&st), late = 0, handling_cancel = 0, waiting = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct order_plan p;
		plan_load(&st, i, &p);
		if (p.path == PATH_HANDLING_CANCEL)
			ck_assert_uint_ne(p.late_step, 0); /* only late orders are canceled in handling */
		if (!p.late_step)
			continue;
		late++;
		handling_cancel += p.path == PATH_HANDLING_CANCEL;
		enum ostate before = (enum ostate)p.steps[p.late_step - 1];
		ck_assert(before == ST_HANDLING || before == ST_READY);
		ck_assert(p.sched[p.late_step] - p.sched[p.late_step - 1] >= PLAN_LATE_MIN_DAYS * VT_DAY);
		enum ostate last = (enum ostate)p.steps[p.nsteps - 1];
		ck_assert(last == ST_INVOICED || last == ST_CANCELED);
		if (p.realized == p.late_step)
			waiting++;
		else /* long done, or not there yet */
			ck_assert(p.realized == p.nsteps || p.realized < p.late_step);
	}
	/* a tenth of the ~85% of orders whose path can be late */
	ck_assert_msg(late > n / 20 && late < n / 8, "%u late orders of %u", late, n);
	ck_assert_msg(handling_cancel > late / 8 && handling_cancel < late / 2, "%u of %u", handling_cancel, late);
	ck_assert_msg(waiting > 0, "some late orders wait at the anchor");
}
END_TEST

START_TEST(filters)
{
	struct event_filter f;
	const char *msg = NULL;
	cJSON *j;
#define PARSE(text) (j = cJSON_Parse(text), filter_parse(j, &f, &msg))
	ck_assert_int_eq(filter_parse(NULL, &f, &msg), 0);
	ck_assert(filter_takes(&f, ST_CANCELED) && filter_takes(&f, ST_CREATED));
	ck_assert_int_eq(PARSE("{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\",\"no-such-status\"]}"), 0);
	ck_assert(filter_takes(&f, ST_INVOICED) && !filter_takes(&f, ST_CANCELED));
	cJSON_Delete(j);
	ck_assert_int_eq(PARSE("{\"type\":\"FromOrders\",\"expression\":\"value > 100\"}"), 0);
	ck_assert(filter_takes(&f, ST_HANDLING)); /* JSONata not evaluated: every change */
	cJSON_Delete(j);
	ck_assert_int_eq(PARSE("{\"status\":[\"invoiced\"],\"disableSingleFire\":true}"), 409);
	cJSON_Delete(j);
	ck_assert_int_eq(PARSE("{\"type\":\"FromEverywhere\"}"), 400);
	cJSON_Delete(j);
	ck_assert_int_eq(PARSE("{\"status\":\"invoiced\"}"), 400);
	cJSON_Delete(j);
#undef PARSE
}
END_TEST

START_TEST(keyrings)
{
	keyring k = { 0 };
	const char *err = NULL;
	ck_assert(keyring_add(&k, "main", "tok", &err));
	ck_assert(keyring_add_list(&k, "  second=s3cr=t\nthird=x \n", &err));
	ck_assert_uint_eq(k.n, 3);
	ck_assert_str_eq(k.token[1], "s3cr=t"); /* the first '=' splits */
	ck_assert_int_eq(keyring_find(&k, "third", "x"), 2);
	ck_assert_int_eq(keyring_find(&k, "main", "tok"), 0);
	ck_assert_int_eq(keyring_find(&k, "main", "x"), -1);
	ck_assert_int_eq(keyring_find(&k, "nobody", "tok"), -1);
	ck_assert(!keyring_add_list(&k, "main=again", &err));
	ck_assert(!keyring_add_list(&k, "noequals", &err));
	ck_assert(!keyring_add_list(&k, "=token", &err));
	ck_assert(!keyring_add_list(&k, "key=", &err));
	keyring_free(&k);
}
END_TEST

static struct order_event event(const char *id, enum ostate st)
{
	struct order_event ev = { .order_id = id, .state = st, .last_state = st ? (int)st - 1 : -1,
				  .last_change = now, .current_change = now + VT_SEC };
	return ev;
}

START_TEST(feed_queue_rules)
{
	feed_queue q = { 0 };
	struct fq_msg *got[10];
	struct order_event a = event("A", ST_CREATED), b = event("B", ST_INVOICED);
	fq_push(&q, &a, 1, 10, 10);
	fq_push(&q, &b, 2, 11, 14); /* held back until 14 */
	ck_assert_uint_eq(fq_receive(&q, 10, 12, 5, got), 1);
	ck_assert_str_eq(got[0]->order_id, "A");
	uint64_t id = got[0]->id;
	ck_assert_uint_eq(got[0]->receipt, 1);
	ck_assert_uint_eq(fq_receive(&q, 10, 13, 5, got), 0);   /* A in flight, B held */
	ck_assert_uint_eq(fq_receive(&q, 10, 14.5, 5, got), 1); /* B now */
	ck_assert_str_eq(got[0]->order_id, "B");
	ck_assert_uint_eq(fq_receive(&q, 10, 17, 5, got), 1);   /* A again after its timeout */
	ck_assert_uint_eq(got[0]->id, id);
	ck_assert_uint_eq(got[0]->receipt, 2);
	ck_assert(!fq_commit(&q, id, 1)); /* the stale receipt */
	ck_assert(fq_commit(&q, id, 2));
	ck_assert(!fq_commit(&q, id, 2)); /* already gone */
	ck_assert(!fq_commit(&q, 999, 1));
	ck_assert_uint_eq(q.live, 1);
	ck_assert(fq_oldest(&q) == 11);
	ck_assert_uint_eq(fq_expire(&q, 11.5), 1); /* B, never committed, past the retention */
	ck_assert_uint_eq(q.live, 0);
	ck_assert(fq_oldest(&q) < 0);
	for (int i = 0; i < 5000; i++) /* many in, every other committed: the queue stays tidy */
		fq_push(&q, &a, (uint64_t)i, 20, 20);
	size_t got_n, total = 0;
	while ((got_n = fq_receive(&q, 10, 21, 100, got)) > 0) {
		for (size_t i = 0; i < got_n; i += 2)
			ck_assert(fq_commit(&q, got[i]->id, got[i]->receipt));
		total += got_n;
	}
	ck_assert_uint_eq(total, 5000);
	ck_assert_uint_eq(q.live, 2500);
	ck_assert_uint_eq(fq_receive(&q, 10, 200, 100, got), 10); /* the rest again, oldest first */
	ck_assert_uint_eq(got[0]->receipt, 2);
	fq_free(&q);
}
END_TEST

/* The feed's JSON answers, parsed. */
static cJSON *received(struct feeds *f, int key, size_t maxlot, double t)
{
	buf b = { 0 };
	ck_assert(feeds_receive(f, key, maxlot, t, &b));
	cJSON *j = cJSON_Parse(buf_cstr(&b));
	buf_free(&b);
	ck_assert(cJSON_IsArray(j));
	return j;
}

static long config_number(struct feeds *f, int key, double t, const char *name)
{
	buf b = { 0 };
	ck_assert(feeds_get_config(f, key, t, &b));
	cJSON *j = cJSON_Parse(buf_cstr(&b));
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	if (!v)
		v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "queue"), name);
	ck_assert_msg(cJSON_IsNumber(v), "%s in %s", name, buf_cstr(&b));
	long n = (long)v->valuedouble;
	cJSON_Delete(j);
	buf_free(&b);
	return n;
}

static int configure(struct feeds *f, int key, const char *body, double t)
{
	buf b = { 0 };
	const char *msg = NULL;
	int status = feeds_configure(f, key, body, strlen(body), t, &b, &msg);
	buf_free(&b);
	return status;
}

static const char *handle_of(const cJSON *item)
{
	return cJSON_GetObjectItemCaseSensitive(item, "handle")->valuestring;
}

START_TEST(feed_configuration)
{
	struct feed_settings set = { .nkeys = 2, .seed = 3, .min_retention = FEED_RETENTION_MIN };
	struct feeds *f = feeds_new(&set);
	buf b = { 0 };
	ck_assert(!feeds_get_config(f, 0, 1, &b));
	ck_assert(!feeds_receive(f, 0, 10, 1, &b));
	ck_assert_int_eq(configure(f, 0, "{}", 1), 200);
	ck_assert_int_eq(config_number(f, 0, 1, "visibilityTimeoutInSeconds"), 250);
	ck_assert_int_eq(config_number(f, 0, 1, "messageRetentionPeriodInSeconds"), 345600);
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"MessageRetentionPeriodInSeconds\":345599}}", 1), 400);
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"messageRetentionPeriodInSeconds\":1209601}}", 1), 400);
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"visibilityTimeoutInSeconds\":0}}", 1), 400);
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"visibilityTimeoutInSeconds\":2.5}}", 1), 400);
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"visibilityTimeoutInSeconds\":\"250\"}}", 1), 400);
	ck_assert_int_eq(configure(f, 0, "{\"filter\":{\"status\":[\"invoiced\"],\"expression\":\"x\"}}", 1), 409);
	ck_assert_int_eq(configure(f, 0, "not json", 1), 400);
	ck_assert_int_eq(config_number(f, 0, 1, "visibilityTimeoutInSeconds"), 250); /* refusals change nothing */
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"visibilityTimeoutInSeconds\":30,\"messageRetentionPeriodInSeconds\":1209600}}", 1), 200);
	ck_assert_int_eq(config_number(f, 0, 1, "visibilityTimeoutInSeconds"), 30);
	ck_assert_int_eq(config_number(f, 0, 1, "messageRetentionPeriodInSeconds"), 1209600);
	ck_assert(!feeds_get_config(f, 1, 1, &b)); /* the other key has none */
	ck_assert(feeds_delete(f, 0));
	ck_assert(!feeds_delete(f, 0));
	ck_assert(!feeds_get_config(f, 0, 1, &b));
	buf_free(&b);
	feeds_free(f);
}
END_TEST

START_TEST(feed_delivery)
{
	struct feed_settings set = { .nkeys = 2, .seed = 3, .min_retention = 10 };
	struct feeds *f = feeds_new(&set);
	struct order_event a = event("1-01", ST_CREATED), inv = event("2-01", ST_INVOICED);
	feeds_emit(f, &a, 0); /* before any feed: seen by none */
	ck_assert_int_eq(configure(f, 0, "{\"queue\":{\"visibilityTimeoutInSeconds\":2,\"MessageRetentionPeriodInSeconds\":10}}", 1), 200);
	ck_assert_int_eq(configure(f, 1, "{\"filter\":{\"type\":\"FromWorkflow\",\"status\":[\"invoiced\"]},\"queue\":{\"MessageRetentionPeriodInSeconds\":10}}", 1), 200);
	feeds_emit(f, &a, 2);
	feeds_emit(f, &inv, 2);
	ck_assert_int_eq(config_number(f, 0, 2, "quantity"), 2);
	ck_assert_int_eq(config_number(f, 1, 2, "quantity"), 1); /* its filter takes invoiced only */

	cJSON *lot = received(f, 0, 1, 3); /* maxlot */
	ck_assert_int_eq(cJSON_GetArraySize(lot), 1);
	const cJSON *m = cJSON_GetArrayItem(lot, 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m, "orderId")->valuestring, "1-01");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m, "state")->valuestring, "order-created");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m, "lastState")->valuestring, "");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m, "domain")->valuestring, "Marketplace");
	ck_assert_uint_eq(strlen(cJSON_GetObjectItemCaseSensitive(m, "eventId")->valuestring), 32);
	char *first = strdup(handle_of(m));
	char *event_id = strdup(cJSON_GetObjectItemCaseSensitive(m, "eventId")->valuestring);
	cJSON_Delete(lot);

	const char *other[] = { first };
	ck_assert_uint_eq(feeds_commit(f, 1, other, 1, 3), 0); /* another key's handle */
	lot = received(f, 0, 10, 3.5);
	ck_assert_int_eq(cJSON_GetArraySize(lot), 1); /* the invoiced one; the first is in flight */
	cJSON_Delete(lot);
	lot = received(f, 0, 10, 5.5); /* both again after the 2 s timeout, with new handles */
	ck_assert_int_eq(cJSON_GetArraySize(lot), 2);
	m = cJSON_GetArrayItem(lot, 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m, "eventId")->valuestring, event_id);
	ck_assert_str_ne(handle_of(m), first);
	const char *stale[] = { first, "garbage", "AAAA" };
	ck_assert_uint_eq(feeds_commit(f, 0, stale, 3, 5.5), 0);
	const char *fresh[] = { handle_of(cJSON_GetArrayItem(lot, 0)), handle_of(cJSON_GetArrayItem(lot, 1)) };
	ck_assert_uint_eq(feeds_commit(f, 0, fresh, 2, 5.5), 2);
	cJSON_Delete(lot);
	ck_assert_int_eq(config_number(f, 0, 6, "quantity"), 0);
	lot = received(f, 0, 10, 9);
	ck_assert_int_eq(cJSON_GetArraySize(lot), 0);
	cJSON_Delete(lot);

	/* Retention: key 1's message of t=2, never received, is dropped past
	 * 10 s; a feed goes once no event entered it for 10 s. */
	feeds_emit(f, &inv, 7);
	ck_assert_int_eq(config_number(f, 1, 11.5, "quantity"), 2);
	feeds_emit(f, &a, 11.9); /* key 0 takes it; key 1's filter does not */
	ck_assert_int_eq(config_number(f, 1, 12.5, "quantity"), 1);
	ck_assert_int_eq(config_number(f, 1, 16.9, "approximateAgeOfOldestMessageInSeconds"), 9);
	buf b = { 0 };
	ck_assert(!feeds_get_config(f, 1, 17.5, &b)); /* nothing entered since 7 */
	ck_assert(feeds_get_config(f, 0, 17.5, &b));
	ck_assert(!feeds_receive(f, 0, 10, 22, &b));
	buf_free(&b);
	free(first);
	free(event_id);
	feeds_free(f);
}
END_TEST

START_TEST(feed_duplicates_and_held)
{
	struct feed_settings set = { .nkeys = 1, .seed = 3, .dup_rate = 1, .reorder_rate = 0, .min_retention = FEED_RETENTION_MIN };
	struct feeds *f = feeds_new(&set);
	struct order_event a = event("1-01", ST_CREATED);
	ck_assert_int_eq(configure(f, 0, "{}", 0), 200);
	feeds_emit(f, &a, 1);
	ck_assert_int_eq(config_number(f, 0, 1, "quantity"), 2);
	cJSON *lot = received(f, 0, 10, 1);
	ck_assert_int_eq(cJSON_GetArraySize(lot), 1); /* the copy comes a little later */
	cJSON_Delete(lot);
	lot = received(f, 0, 10, 3.5);
	ck_assert_int_eq(cJSON_GetArraySize(lot), 1);
	cJSON_Delete(lot);
	feeds_free(f);

	set.dup_rate = 0;
	set.reorder_rate = 1;
	f = feeds_new(&set);
	ck_assert_int_eq(configure(f, 0, "{}", 0), 200);
	feeds_emit(f, &a, 1);
	lot = received(f, 0, 10, 1.1);
	ck_assert_int_eq(cJSON_GetArraySize(lot), 0); /* held back 0.5 to 3 s */
	cJSON_Delete(lot);
	lot = received(f, 0, 10, 4.1);
	ck_assert_int_eq(cJSON_GetArraySize(lot), 1);
	cJSON_Delete(lot);
	feeds_free(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("store");
	tcase_add_unchecked_fixture(tc, build, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, orders_money_adds_up);
	tcase_add_test(tc, orders_in_time_order);
	tcase_add_test(tc, ids_map_back);
	tcase_add_test(tc, clients_join_orders);
	tcase_add_test(tc, masterdata_where);
	tcase_add_test(tc, text_and_json);
	tcase_add_test(tc, detail_renders);
	tcase_add_test(tc, late_orders);
	tcase_add_test(tc, filters);
	tcase_add_test(tc, keyrings);
	tcase_add_test(tc, feed_queue_rules);
	tcase_add_test(tc, feed_configuration);
	tcase_add_test(tc, feed_delivery);
	tcase_add_test(tc, feed_duplicates_and_held);
	tcase_add_test(tc, every_documented_status);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
