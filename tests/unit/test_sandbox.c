/* vtex-sandbox: the generated store's invariants (money adds up, ids map
 * back to their entities, creation dates in index order, schedules move
 * forward), Master Data _where parsing and evaluation, text helpers. */
#include "vtex-sandbox/catalog.h"
#include "vtex-sandbox/client.h"
#include "vtex-sandbox/jw.h"
#include "vtex-sandbox/mdquery.h"
#include "vtex-sandbox/order_json.h"
#include "vtex-sandbox/plan.h"
#include "vtex-sandbox/store.h"
#include "vtex-sandbox/text.h"
#include "vtex-sandbox/timefmt.h"

#include <check.h>
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
	char expr[512], err[160], t[48];
	client_info(&st, 10, &c);
	snprintf(expr, sizeof expr, "email=%s", c.email);
	ck_assert(where(expr, 10));
	ck_assert(!where(expr, 11));
	snprintf(expr, sizeof expr, "userId = \"%s\" AND isCorporate = %s", c.user_id, c.corporate ? "true" : "false");
	ck_assert(where(expr, 10));
	tf_format(c.created, TF_Z7, t);
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
	char t[48];
	vtime_t x = 1565802699LL * VTIME_TICKS_PER_SEC + 2550122;
	ck_assert_str_eq(tf_format(x, TF_Z7, t), "2019-08-14T17:11:39.2550122Z");
	ck_assert_str_eq(tf_format(x, TF_OFFSET6, t), "2019-08-14T17:11:39.255012+00:00");
	ck_assert_str_eq(tf_format(x, TF_OFFSET0, t), "2019-08-14T17:11:39+00:00");
	ck_assert_str_eq(tf_format(x, TF_LOCAL0, t), "2019-08-14T17:11:39");
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
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
