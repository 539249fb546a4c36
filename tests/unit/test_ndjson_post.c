/* ndjson-post's offline pieces: URL templates, idempotency keys, HMAC.
 * links: cmd/ndjson-post/post.c */
#include "ndjson-post/post.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *expand(const char *tpl, const char *json, const char **missing)
{
	url_template t;
	const char *err = NULL;
	ck_assert_msg(url_template_parse(&t, tpl, &err), "%s", err);
	cJSON *rec = cJSON_Parse(json);
	buf out = { 0 };
	const char *why = NULL;
	bool ok = url_template_expand(&t, rec, &out, missing, &why);
	cJSON_Delete(rec);
	static char field[64];
	if (!ok) {
		snprintf(field, sizeof field, "%s", *missing);
		*missing = field;
	}
	url_template_free(&t);
	char *s = ok ? xstrdup(buf_cstr(&out)) : NULL;
	buf_free(&out);
	return s;
}

START_TEST(url_templates)
{
	const char *missing = NULL;
	char *u = expand("https://crm/c/{id}/x?o={o.n}", "{\"id\":\"a b/é\",\"o\":{\"n\":12}}", &missing);
	ck_assert_str_eq(u, "https://crm/c/a%20b%2F%C3%A9/x?o=12");
	free(u);
	u = expand("https://crm/plain", "{}", &missing);
	ck_assert_str_eq(u, "https://crm/plain");
	free(u);
	ck_assert_ptr_null(expand("https://crm/{id}", "{\"id\":null}", &missing));
	ck_assert_str_eq(missing, "id");
	ck_assert_ptr_null(expand("https://crm/{id}", "{\"id\":{}}", &missing));
	/* No value can change the path: dot segments and empty values are
	 * refused, every other character of a value is data ('/' and '%' too). */
	static const char *const dots[] = { "..", ".", "" };
	for (size_t i = 0; i < 3; i++) {
		char rec[64];
		snprintf(rec, sizeof rec, "{\"id\":\"%s\"}", dots[i]);
		ck_assert_ptr_null(expand("https://crm/api/customers/{id}/notes", rec, &missing));
		ck_assert_str_eq(missing, "id");
	}
	u = expand("https://crm/c/{id}/n", "{\"id\":\"%2e%2e\"}", &missing);
	ck_assert_str_eq(u, "https://crm/c/%252e%252e/n");
	free(u);
	u = expand("https://crm/c/{id}/n", "{\"id\":\"../../admin\"}", &missing);
	ck_assert_str_eq(u, "https://crm/c/..%2F..%2Fadmin/n");
	free(u);
	u = expand("https://crm/c/{id}/n", "{\"id\":\"...\"}", &missing);
	ck_assert_str_eq(u, "https://crm/c/.../n");
	free(u);
	url_template t;
	const char *err;
	ck_assert(!url_template_parse(&t, "https://crm/{id", &err));
	ck_assert(!url_template_parse(&t, "https://crm/{}", &err));
	ck_assert(!url_template_parse(&t, "https://c/{a}/{b}?x={", &err));  /* fields parsed before the error freed */
}
END_TEST

static void key_of(const char *spec, const char *line, char out[33])
{
	key_fields k;
	key_fields_parse(&k, spec);
	cJSON *rec = cJSON_Parse(line);
	buf m = { 0 };
	key_material_add(&k, rec, line, strlen(line), &m);
	idempotency_key(m.data, m.len, out);
	buf_free(&m);
	cJSON_Delete(rec);
	key_fields_free(&k);
}

START_TEST(idempotency_keys)
{
	char a[33], b[33], c[33];
	key_of("id,v", "{\"id\":1,\"v\":2,\"x\":3}", a);
	key_of("id,v", "{\"x\":4,\"v\":2,\"id\":1}", b);
	ck_assert_str_eq(a, b);            /* only the listed fields count */
	key_of("id,v", "{\"id\":1,\"v\":3}", c);
	ck_assert_str_ne(a, c);
	ck_assert_int_eq(strlen(a), 32);
	key_of("line", "{\"id\":1}", a);
	key_of(NULL, "{\"id\":1}", b);
	ck_assert_str_eq(a, b);
	key_of("line", "{\"id\": 1}", c);   /* the whole line, byte for byte */
	ck_assert_str_ne(a, c);
	key_of("id", "{\"id\":\"1\"}", a);  /* typed: "1" is not 1 */
	key_of("id", "{\"id\":1}", b);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(hmac_rfc4231)
{
	/* RFC 4231 test case 2. */
	char out[65];
	const char *data = "what do ya want for nothing?";
	hmac_sha256_hex("Jefe", 4, data, strlen(data), out);
	ck_assert_str_eq(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ndjson_post");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, url_templates);
	tcase_add_test(tc, idempotency_keys);
	tcase_add_test(tc, hmac_rfc4231);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
