/* ndjson-normalize's core: names, row ids, flattening, presets.
 * links: cmd/ndjson-normalize */
#include "ndjson-normalize/names.h"
#include "ndjson-normalize/normalize.h"
#include "ndjson-normalize/presets.h"
#include "ndjson-normalize/rowid.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- snake_case ---- */

static const char *snake(const char *key)
{
	static buf b;
	b.len = 0;
	nm_snake(&b, key, strlen(key));
	const char *s = buf_cstr(&b);
	static char copy[256];
	strncpy(copy, s, sizeof copy - 1);
	buf_free(&b);
	return copy;
}

START_TEST(snake_case_words)
{
	static const char *const cases[][2] = {
		{ "orderId", "order_id" },
		{ "paymentData", "payment_data" },
		{ "ShippingEstimatedDateMax", "shipping_estimated_date_max" },
		{ "CurrencyDecimalDigits", "currency_decimal_digits" },
		{ "Id", "id" },
		{ "HTTPResponse", "http_response" },
		{ "ProductID", "product_id" },
		{ "EAN13", "ean13" },
		{ "cvv2", "cvv2" },
		{ "item2Name", "item2_name" },
		{ "order_id", "order_id" },
		{ "already_snake_case", "already_snake_case" },
		{ "luxstore.subscription.key.frequency", "luxstore_subscription_key_frequency" },
		{ "Free Shipping", "free_shipping" },
		{ "vtex.subscription.plan-ana", "vtex_subscription_plan_ana" },
		{ "_table", "_table" },
		{ "__proto__", "_proto" },
		{ "a__b", "a_b" },
		{ "3", "_3" },
		{ "12abc", "_12abc" },
		{ "", "_" },
		{ "---", "_" },
		{ "Especifica\xc3\xa7\xc3\xb5" "es", "especifica_es" },
		{ "trailing_", "trailing" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		ck_assert_str_eq(snake(cases[i][0]), cases[i][1]);
}
END_TEST

START_TEST(snake_case_never_double_underscore)
{
	static const char *const keys[] = { "a__b", "A_B", "a._b", "_a_", "x__", "__", "a B", "aB_C" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		ck_assert_ptr_null(strstr(snake(keys[i]), "__"));
}
END_TEST

/* ---- row ids ---- */

START_TEST(rowid_known_answers)
{
	/* Pinned: ids must not change between releases (bronze keeps them). */
	char hex[ROWID_HEX_LEN + 1] = { 0 };
	rowid id = rowid_of("", 0); /* XXH3-128 of nothing, as published with xxHash */
	rowid_hex(&id, hex);
	ck_assert_str_eq(hex, "99aa06d3014798d86001c324468d497f");
	rowid child = rowid_child(&id, rowid_path_hash(0, "items", 5), 3, 0);
	rowid_hex(&child, hex);
	ck_assert_str_eq(hex, "cded9cb2633cb76154c9a3a9ba749be3");
}
END_TEST

/* ---- normalize ---- */

typedef struct {
	cJSON *rows[256];
	size_t n;
	buf out;
	char reason[128];
} result;

static void result_free(result *r)
{
	for (size_t i = 0; i < r->n; i++)
		cJSON_Delete(r->rows[i]);
	buf_free(&r->out);
	memset(r, 0, sizeof *r);
}

/* Normalizes each record of json (several records separated by '\n') with
 * one normalizer; every output line must be a JSON object. */
static void run_with(const normalize_opts *o, const char *json, result *r)
{
	normalizer *n = normalizer_new(o);
	char *text = strdup(json);
	const char *reason = NULL;
	memset(r, 0, sizeof *r);
	for (char *save = NULL, *rec = strtok_r(text, "\n", &save); rec; rec = strtok_r(NULL, "\n", &save)) {
		cJSON *v = cJSON_Parse(rec);
		ck_assert_ptr_nonnull(v);
		size_t before = r->out.len;
		size_t rows = normalize_record(n, v, rec, strlen(rec), &r->out, &reason);
		if (!rows) {
			ck_assert_uint_eq(r->out.len, before);
			snprintf(r->reason, sizeof r->reason, "%s", reason);
		}
		cJSON_Delete(v);
	}
	buf_cstr(&r->out);
	for (char *save = NULL, *line = strtok_r(r->out.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		ck_assert_uint_lt(r->n, 256);
		r->rows[r->n] = cJSON_Parse(line);
		ck_assert_msg(cJSON_IsObject(r->rows[r->n]), "not an object: %s", line);
		r->n++;
	}
	free(text);
	normalizer_free(n);
}

static void run(const char *root, const char *json, result *r)
{
	normalize_opts o = { .root = root, .max_depth = -1 };
	run_with(&o, json, r);
}

static const char *str(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

static bool has(const cJSON *row, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(row, key) != NULL;
}

static size_t ncols(const cJSON *row)
{
	return (size_t)cJSON_GetArraySize(row);
}

START_TEST(flattens_objects_into_columns)
{
	result r;
	run("t", "{\"orderId\":\"A\",\"clientProfileData\":{\"firstName\":\"Ana\",\"isCorporate\":false,"
		 "\"address\":{\"postalCode\":\"01310\"}},\"value\":1160,\"x\":null,\"empty\":{}}", &r);
	ck_assert_uint_eq(r.n, 1);
	cJSON *row = r.rows[0];
	ck_assert_str_eq(str(row, "_table"), "t");
	ck_assert_uint_eq(strlen(str(row, "_row_id")), 32);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(row, "_parent_row_id")));
	ck_assert_str_eq(str(row, "_root_id"), str(row, "_row_id"));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(row, "_idx")));
	ck_assert_str_eq(str(row, "order_id"), "A");
	ck_assert_str_eq(str(row, "client_profile_data__first_name"), "Ana");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(row, "client_profile_data__is_corporate")));
	ck_assert_str_eq(str(row, "client_profile_data__address__postal_code"), "01310");
	ck_assert_int_eq((int)num(row, "value"), 1160);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(row, "x")));
	ck_assert(!has(row, "empty"));
	ck_assert_uint_eq(ncols(row), 5 + 6);
	/* Link columns first, then the record's key order. */
	ck_assert_str_eq(row->child->string, "_table");
	ck_assert_str_eq(row->child->next->next->next->next->next->string, "order_id");
	result_free(&r);
}
END_TEST

START_TEST(arrays_become_child_tables)
{
	result r;
	run("orders", "{\"orderId\":\"A\",\"items\":[{\"id\":\"1\",\"priceTags\":[{\"v\":1}]},{\"id\":\"2\"}],"
		      "\"paymentData\":{\"transactions\":[{\"payments\":[{\"value\":10},{\"value\":20}]}]},"
		      "\"tags\":[\"x\",7,null],\"none\":[]}", &r);
	/* orders, items x2 (+1 price tag), transactions, payments x2, tags x3 */
	ck_assert_uint_eq(r.n, 1 + 2 + 1 + 1 + 2 + 3);
	const char *root = str(r.rows[0], "_row_id");
	ck_assert_str_eq(str(r.rows[1], "_table"), "orders__items");
	ck_assert_str_eq(str(r.rows[1], "_parent_row_id"), root);
	ck_assert_str_eq(str(r.rows[1], "_root_id"), root);
	ck_assert_int_eq((int)num(r.rows[1], "_idx"), 0);
	ck_assert_str_eq(str(r.rows[1], "id"), "1");
	/* Depth first: the first item's price tags come before the second item. */
	ck_assert_str_eq(str(r.rows[2], "_table"), "orders__items__price_tags");
	ck_assert_str_eq(str(r.rows[2], "_parent_row_id"), str(r.rows[1], "_row_id"));
	ck_assert_str_eq(str(r.rows[2], "_root_id"), root);
	ck_assert_str_eq(str(r.rows[3], "_table"), "orders__items");
	ck_assert_int_eq((int)num(r.rows[3], "_idx"), 1);
	ck_assert_str_eq(str(r.rows[4], "_table"), "orders__payment_data__transactions");
	ck_assert_str_eq(str(r.rows[5], "_table"), "orders__payment_data__transactions__payments");
	ck_assert_str_eq(str(r.rows[5], "_parent_row_id"), str(r.rows[4], "_row_id"));
	ck_assert_int_eq((int)num(r.rows[6], "value"), 20);
	ck_assert_str_eq(str(r.rows[7], "_table"), "orders__tags");
	ck_assert_str_eq(str(r.rows[7], "value"), "x");
	ck_assert_int_eq((int)num(r.rows[8], "value"), 7);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.rows[9], "value")));
	ck_assert_int_eq((int)num(r.rows[9], "_idx"), 2);
	/* Row ids are all different. */
	for (size_t i = 0; i < r.n; i++)
		for (size_t j = i + 1; j < r.n; j++)
			ck_assert_str_ne(str(r.rows[i], "_row_id"), str(r.rows[j], "_row_id"));
	result_free(&r);
}
END_TEST

START_TEST(nested_arrays_go_to_value_tables)
{
	result r;
	run("t", "{\"m\":[[1,2],[],[[3]]]}", &r);
	/* t; t__m x3; t__m__value x2 (1, 2); t__m__value row for [3]; t__m__value__value (3) */
	ck_assert_uint_eq(r.n, 1 + 3 + 2 + 1 + 1);
	ck_assert_str_eq(str(r.rows[1], "_table"), "t__m");
	ck_assert_uint_eq(ncols(r.rows[1]), 5);
	ck_assert_str_eq(str(r.rows[2], "_table"), "t__m__value");
	ck_assert_int_eq((int)num(r.rows[3], "value"), 2);
	ck_assert_str_eq(str(r.rows[4], "_table"), "t__m");
	ck_assert_str_eq(str(r.rows[5], "_table"), "t__m");
	ck_assert_str_eq(str(r.rows[6], "_table"), "t__m__value");
	ck_assert_str_eq(str(r.rows[7], "_table"), "t__m__value__value");
	ck_assert_int_eq((int)num(r.rows[7], "value"), 3);
	result_free(&r);
}
END_TEST

START_TEST(colliding_names_get_suffixes)
{
	result r;
	run("t", "{\"orderId\":1,\"order_id\":2,\"OrderID\":3,\"order_id_2\":4,\"_table\":5,\"a\":{\"b\":6},\"a__b\":7,"
		 "\"x\":8,\"x\":9}", &r);
	ck_assert_uint_eq(r.n, 1);
	cJSON *row = r.rows[0];
	ck_assert_str_eq(str(row, "_table"), "t");
	ck_assert_int_eq((int)num(row, "order_id"), 1);
	ck_assert_int_eq((int)num(row, "order_id_2"), 2);
	ck_assert_int_eq((int)num(row, "order_id_3"), 3);
	ck_assert_int_eq((int)num(row, "order_id_2_2"), 4);
	ck_assert_int_eq((int)num(row, "_table_2"), 5);
	ck_assert_int_eq((int)num(row, "a__b"), 6);
	ck_assert_int_eq((int)num(row, "a_b"), 7);
	ck_assert_int_eq((int)num(row, "x"), 8);
	ck_assert_int_eq((int)num(row, "x_2"), 9);
	/* The same names in the next row start afresh. */
	result_free(&r);
	run("t", "{\"order_id\":1}\n{\"orderId\":1,\"order_id\":2}\n{\"order_id\":3}", &r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert(!has(r.rows[0], "order_id_2"));
	ck_assert(has(r.rows[1], "order_id_2"));
	ck_assert(!has(r.rows[2], "order_id_2"));
	result_free(&r);
}
END_TEST

START_TEST(many_repeated_keys_stay_linear)
{
	/* 20000 times the same key: suffixes up to _20000, without a quadratic search. */
	enum { N = 20000 };
	buf rec = { 0 };
	buf_puts(&rec, "{");
	for (int i = 0; i < N; i++)
		buf_printf(&rec, "%s\"k\":%d", i ? "," : "", i);
	buf_puts(&rec, "}");
	result r;
	run("t", buf_cstr(&rec), &r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq((int)num(r.rows[0], "k"), 0);
	ck_assert_int_eq((int)num(r.rows[0], "k_2"), 1);
	ck_assert_int_eq((int)num(r.rows[0], "k_20000"), N - 1);
	ck_assert_uint_eq(ncols(r.rows[0]), 5 + N);
	result_free(&r);
	buf_free(&rec);
}
END_TEST

START_TEST(repeated_array_keys_keep_distinct_ids)
{
	result r;
	run("t", "{\"x\":[1],\"x\":[2]}", &r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(str(r.rows[1], "_table"), "t__x");
	ck_assert_str_eq(str(r.rows[2], "_table"), "t__x");
	ck_assert_str_ne(str(r.rows[1], "_row_id"), str(r.rows[2], "_row_id"));
	result_free(&r);
}
END_TEST

START_TEST(max_depth_keeps_json_text)
{
	const char *rec = "{\"a\":{\"b\":{\"c\":1}},\"items\":[{\"d\":{\"e\":2},\"f\":[3]}]}";
	normalize_opts o = { .root = "t", .max_depth = 0 };
	result r;

	run_with(&o, rec, &r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(str(r.rows[0], "a"), "{\"b\":{\"c\":1}}");
	ck_assert_str_eq(str(r.rows[0], "items"), "[{\"d\":{\"e\":2},\"f\":[3]}]");
	result_free(&r);

	o.max_depth = 1;
	run_with(&o, rec, &r);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(str(r.rows[0], "a__b"), "{\"c\":1}");
	ck_assert_str_eq(str(r.rows[1], "_table"), "t__items");
	ck_assert_str_eq(str(r.rows[1], "d"), "{\"e\":2}");
	ck_assert_str_eq(str(r.rows[1], "f"), "[3]");
	result_free(&r);

	o.max_depth = 2;
	run_with(&o, rec, &r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_int_eq((int)num(r.rows[0], "a__b__c"), 1);
	ck_assert_int_eq((int)num(r.rows[1], "d__e"), 2);
	ck_assert_str_eq(str(r.rows[2], "_table"), "t__items__f");
	result_free(&r);
}
END_TEST

START_TEST(raw_row_keeps_the_text)
{
	normalize_opts o = { .root = "t", .max_depth = -1, .raw = true };
	result r;
	run_with(&o, "{ \"a\" : [1], \"s\":\"\\u00e9\" }", &r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(str(r.rows[2], "_table"), "t__raw");
	ck_assert_str_eq(str(r.rows[2], "raw"), "{ \"a\" : [1], \"s\":\"\\u00e9\" }");
	ck_assert_str_eq(str(r.rows[2], "_row_id"), str(r.rows[0], "_row_id"));
	ck_assert_str_eq(str(r.rows[2], "_root_id"), str(r.rows[0], "_row_id"));
	result_free(&r);
}
END_TEST

/* The root row id of one record under options o. */
static char *root_id(const normalize_opts *o, const char *rec)
{
	result r;
	run_with(o, rec, &r);
	char *id = r.n ? strdup(str(r.rows[0], "_row_id")) : NULL;
	result_free(&r);
	return id;
}

static char *root_id_of(const char *entity, const char *rec)
{
	const preset *p = preset_find(entity);
	ck_assert_ptr_nonnull(p);
	normalize_opts o = { .root = p->root, .key = p->key, .max_depth = -1 };
	return root_id(&o, rec);
}

#define ASSERT_SAME_ID(a, b)                                        \
	do {                                                        \
		char *x_ = (a), *y_ = (b);                          \
		ck_assert_ptr_nonnull(x_);                          \
		ck_assert_ptr_nonnull(y_);                          \
		ck_assert_str_eq(x_, y_);                           \
		free(x_);                                           \
		free(y_);                                           \
	} while (0)
#define ASSERT_OTHER_ID(a, b)                                       \
	do {                                                        \
		char *x_ = (a), *y_ = (b);                          \
		ck_assert_ptr_nonnull(x_);                          \
		ck_assert_ptr_nonnull(y_);                          \
		ck_assert_str_ne(x_, y_);                           \
		free(x_);                                           \
		free(y_);                                           \
	} while (0)

START_TEST(content_ids_ignore_spacing)
{
	normalize_opts o = { .root = "t", .max_depth = -1 };
	ASSERT_SAME_ID(root_id(&o, "{\"a\":1,\"b\":[1.50,\"x\"]}"), root_id(&o, "{ \"a\" : 1.0, \"b\" : [ 1.5 , \"x\" ] }"));
	ASSERT_OTHER_ID(root_id(&o, "{\"a\":1}"), root_id(&o, "{\"a\":2}"));
	/* The table is part of the id. */
	normalize_opts o2 = { .root = "u", .max_depth = -1 };
	ASSERT_OTHER_ID(root_id(&o, "{\"a\":1}"), root_id(&o2, "{\"a\":1}"));
}
END_TEST

START_TEST(order_ids_from_key_and_version)
{
	/* Pinned: the id of an order version must never change. */
	char *id = root_id_of("order", "{\"orderId\":\"1172452900788-01\",\"lastChange\":\"2024-02-06T20:46:11.7010747+00:00\"}");
	ck_assert_str_eq(id, "6e5a87e09621460af98ee7f81c02d59e");
	free(id);
	/* Other fields do not matter; the same instant spelt otherwise neither. */
	ASSERT_SAME_ID(root_id_of("order", "{\"orderId\":\"A\",\"lastChange\":\"2024-02-06T20:46:11.7Z\",\"status\":\"x\"}"),
		       root_id_of("order", "{\"status\":\"y\",\"orderId\":\"A\",\"lastChange\":\"2024-02-06T17:46:11.7000-03:00\"}"));
	ASSERT_OTHER_ID(root_id_of("order", "{\"orderId\":\"A\",\"lastChange\":\"2024-02-06T20:46:11.7Z\"}"),
			root_id_of("order", "{\"orderId\":\"A\",\"lastChange\":\"2024-02-06T20:46:11.8Z\"}"));
	/* Without lastChange the content stands in for the version. */
	ASSERT_OTHER_ID(root_id_of("order", "{\"orderId\":\"A\",\"status\":\"x\"}"),
			root_id_of("order", "{\"orderId\":\"A\",\"status\":\"y\"}"));
	ASSERT_SAME_ID(root_id_of("order", "{\"orderId\":\"A\",\"status\":\"x\"}"),
		       root_id_of("order", "{\"orderId\":\"A\", \"status\":\"x\"}"));
}
END_TEST

START_TEST(hook_ids_from_event_fields)
{
	ASSERT_SAME_ID(root_id_of("hook", "{\"OrderId\":\"A\",\"State\":\"s\",\"LastChange\":\"2019-08-14T17:11:39Z\",\"CurrentChange\":\"2019-08-14T17:12:48Z\"}"),
		       root_id_of("hook", "{\"orderId\":\"A\",\"state\":\"s\",\"currentChange\":\"2019-08-14T17:12:48.000Z\",\"handle\":\"h\"}"));
	ASSERT_SAME_ID(root_id_of("hook", "{\"OrderId\":\"A\",\"State\":\"s\",\"LastChange\":\"2019-08-14T17:11:39Z\"}"),
		       root_id_of("hook", "{\"OrderId\":\"A\",\"State\":\"s\",\"CurrentChange\":\"2019-08-14T17:11:39Z\"}"));
	ASSERT_OTHER_ID(root_id_of("hook", "{\"OrderId\":\"A\",\"State\":\"s\",\"CurrentChange\":\"2019-08-14T17:11:39Z\"}"),
			root_id_of("hook", "{\"OrderId\":\"A\",\"State\":\"t\",\"CurrentChange\":\"2019-08-14T17:11:39Z\"}"));
}
END_TEST

START_TEST(product_ids_follow_content)
{
	ASSERT_OTHER_ID(root_id_of("product", "{\"Id\":42,\"Name\":\"a\"}"), root_id_of("product", "{\"Id\":42,\"Name\":\"b\"}"));
	ASSERT_SAME_ID(root_id_of("product", "{\"Id\":42,\"Name\":\"a\"}"), root_id_of("product", "{\"Id\":42, \"Name\":\"a\"}"));
	ASSERT_SAME_ID(root_id_of("client", "{\"id\":\"c\",\"updatedIn\":\"2024-01-01T00:00:00Z\",\"x\":1}"),
		       root_id_of("client", "{\"id\":\"c\",\"updatedIn\":\"2024-01-01\",\"x\":2}"));
}
END_TEST

START_TEST(pk_fields)
{
	char spec[] = "a,b.c";
	normalize_opts o = { .root = "t", .max_depth = -1 };
	ck_assert(key_spec_parse(&o.key, spec));
	ck_assert_uint_eq(o.key.n, 2);
	ASSERT_SAME_ID(root_id(&o, "{\"a\":42,\"b\":{\"c\":true},\"z\":1}"), root_id(&o, "{\"a\":\"42\",\"b\":{\"c\":true},\"z\":2}"));
	ASSERT_OTHER_ID(root_id(&o, "{\"a\":42,\"b\":{\"c\":true}}"), root_id(&o, "{\"a\":42,\"b\":{\"c\":false}}"));

	key_spec k;
	char bad1[] = "", bad2[] = "a,,b", bad3[] = "a,", bad4[] = "a,b,c,d,e,f,g,h,i";
	ck_assert(!key_spec_parse(&k, bad1));
	ck_assert(!key_spec_parse(&k, bad2));
	ck_assert(!key_spec_parse(&k, bad3));
	ck_assert(!key_spec_parse(&k, bad4));
}
END_TEST

START_TEST(refuses_records_without_their_key)
{
	const preset *p = preset_find("order");
	normalize_opts o = { .root = p->root, .key = p->key, .max_depth = -1 };
	result r;
	run_with(&o, "{\"status\":\"x\"}", &r);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_str_eq(r.reason, "missing key field orderId");
	result_free(&r);
	run_with(&o, "{\"orderId\":{\"a\":1}}", &r);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_str_eq(r.reason, "key field is not a string or number: orderId");
	result_free(&r);
	run_with(&o, "{\"orderId\":null}", &r);
	ck_assert_str_eq(r.reason, "missing key field orderId");
	result_free(&r);
	p = preset_find("hook");
	normalize_opts h = { .root = p->root, .key = p->key, .max_depth = -1 };
	run_with(&h, "{\"hookConfig\":\"ping\"}", &r);
	ck_assert_str_eq(r.reason, "missing key field OrderId");
	result_free(&r);
	ck_assert_ptr_null(preset_find("orders"));
}
END_TEST

START_TEST(same_output_after_cache_clear)
{
	const char *rec = "{\"aB\":{\"cD\":[{\"eF\":1}]},\"aB\":2}";
	normalize_opts o = { .root = "t", .max_depth = -1 };
	normalizer *n = normalizer_new(&o);
	cJSON *v = cJSON_Parse(rec);
	buf a = { 0 }, b = { 0 };
	const char *reason;
	ck_assert_uint_eq(normalize_record(n, v, rec, strlen(rec), &a, &reason), 2);
	normalizer_free(n);
	n = normalizer_new(&o);
	for (int i = 0; i < 3; i++) {
		b.len = 0;
		ck_assert_uint_eq(normalize_record(n, v, rec, strlen(rec), &b, &reason), 2);
		ck_assert_uint_eq(a.len, b.len);
		ck_assert(memcmp(a.data, b.data, a.len) == 0);
	}
	cJSON_Delete(v);
	buf_free(&a);
	buf_free(&b);
	normalizer_free(n);
}
END_TEST

START_TEST(table_names)
{
	ck_assert(normalize_valid_table_name("orders"));
	ck_assert(normalize_valid_table_name("_x1"));
	ck_assert(!normalize_valid_table_name(""));
	ck_assert(!normalize_valid_table_name("1x"));
	ck_assert(!normalize_valid_table_name("Orders"));
	ck_assert(!normalize_valid_table_name("a-b"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, snake_case_words);
	tcase_add_test(tc, snake_case_never_double_underscore);
	tcase_add_test(tc, rowid_known_answers);
	tcase_add_test(tc, flattens_objects_into_columns);
	tcase_add_test(tc, arrays_become_child_tables);
	tcase_add_test(tc, nested_arrays_go_to_value_tables);
	tcase_add_test(tc, colliding_names_get_suffixes);
	tcase_add_test(tc, many_repeated_keys_stay_linear);
	tcase_add_test(tc, repeated_array_keys_keep_distinct_ids);
	tcase_add_test(tc, max_depth_keeps_json_text);
	tcase_add_test(tc, raw_row_keeps_the_text);
	tcase_add_test(tc, content_ids_ignore_spacing);
	tcase_add_test(tc, order_ids_from_key_and_version);
	tcase_add_test(tc, hook_ids_from_event_fields);
	tcase_add_test(tc, product_ids_follow_content);
	tcase_add_test(tc, pk_fields);
	tcase_add_test(tc, refuses_records_without_their_key);
	tcase_add_test(tc, same_output_after_cache_clear);
	tcase_add_test(tc, table_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
