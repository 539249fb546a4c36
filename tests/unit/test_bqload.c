/* bq-load's pure parts: types from JSON values and their widening, the
 * column index, identifier rules, UTF-8 checks, BigQuery row coercion,
 * and lib's RS256 JWT (bq_auth.h): the parts that need no DuckDB.
 * links: cmd/bq-load/schema.c cmd/bq-load/bq_rows.c */
#include "bq-load/bq_rows.h"
#include "bq-load/schema.h"
#include "utf8.h"
#include "bq_auth.h"

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>

static coltype type_of(const char *json)
{
	cJSON *v = cJSON_Parse(json);
	coltype t = CT_FOREIGN;
	ck_assert_ptr_nonnull(v);
	ck_assert(coltype_of(v, &t));
	cJSON_Delete(v);
	return t;
}

START_TEST(types_from_values)
{
	ck_assert_int_eq(type_of("null"), CT_NULL);
	ck_assert_int_eq(type_of("true"), CT_BOOL);
	ck_assert_int_eq(type_of("42"), CT_INT);
	ck_assert_int_eq(type_of("-0"), CT_INT);
	ck_assert_int_eq(type_of("1.0"), CT_INT);
	ck_assert_int_eq(type_of("1e3"), CT_INT);
	ck_assert_int_eq(type_of("1.5"), CT_DOUBLE);
	ck_assert_int_eq(type_of("9223372036854775808"), CT_DOUBLE);
	ck_assert_int_eq(type_of("-9223372036854775808"), CT_INT);
	ck_assert_int_eq(type_of("\"x\""), CT_STRING);
	ck_assert_int_eq(type_of("{\"a\":1}"), CT_JSON);
	ck_assert_int_eq(type_of("[]"), CT_JSON);
	cJSON *inf = cJSON_Parse("1e999");
	coltype t;
	ck_assert(!coltype_of(inf, &t));
	cJSON_Delete(inf);
}
END_TEST

START_TEST(widening)
{
	ck_assert_int_eq(coltype_join(CT_NULL, CT_INT), CT_INT);
	ck_assert_int_eq(coltype_join(CT_INT, CT_NULL), CT_INT);
	ck_assert_int_eq(coltype_join(CT_INT, CT_DOUBLE), CT_DOUBLE);
	ck_assert_int_eq(coltype_join(CT_DOUBLE, CT_INT), CT_DOUBLE);
	ck_assert_int_eq(coltype_join(CT_BOOL, CT_INT), CT_STRING);
	ck_assert_int_eq(coltype_join(CT_JSON, CT_STRING), CT_STRING);
	ck_assert_int_eq(coltype_join(CT_DOUBLE, CT_STRING), CT_STRING);
	ck_assert_int_eq(coltype_join(CT_FOREIGN, CT_INT), CT_FOREIGN);
	ck_assert_str_eq(coltype_duckdb(CT_NULL), "VARCHAR");
	ck_assert_str_eq(coltype_bigquery(CT_DOUBLE), "FLOAT");
	ck_assert_int_eq(coltype_from_duckdb("BIGINT"), CT_INT);
	ck_assert_int_eq(coltype_from_duckdb("TIMESTAMP"), CT_FOREIGN);
	ck_assert_int_eq(coltype_from_bigquery("INT64"), CT_INT);
	ck_assert_int_eq(coltype_from_bigquery("NUMERIC"), CT_FOREIGN);
}
END_TEST

START_TEST(column_index)
{
	schema s;
	char name[32];
	schema_init(&s);
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "col_%d", i);
		ck_assert_int_eq(schema_add(&s, name, CT_NULL, NULL), i);
	}
	int clash;
	ck_assert_int_eq(schema_find(&s, "col_321", &clash), 321);
	ck_assert_int_eq(clash, -1);
	ck_assert_int_eq(schema_find(&s, "COL_321", &clash), -1);
	ck_assert_int_eq(clash, 321);
	ck_assert_int_eq(schema_find(&s, "nope", &clash), -1);
	ck_assert_int_eq(clash, -1);
	/* The guess follows the last row's order. */
	ck_assert_int_eq(schema_find_next(&s, -1, "col_7", NULL), 7);
	ck_assert_int_eq(schema_find_next(&s, 7, "col_9", NULL), 9);
	ck_assert_int_eq(s.cols[7].next, 9);
	ck_assert_int_eq(schema_find_next(&s, 7, "col_9", NULL), 9);
	schema_free(&s);
}
END_TEST

START_TEST(identifiers)
{
	ck_assert(column_name_ok("_row_id"));
	ck_assert(column_name_ok("a1"));
	ck_assert(!column_name_ok("1a"));
	ck_assert(!column_name_ok("a-b"));
	ck_assert(!column_name_ok(""));
	ck_assert(!column_name_ok("olá"));
	char long_name[302];
	memset(long_name, 'a', 301);
	long_name[301] = '\0';
	ck_assert(!column_name_ok(long_name));
	long_name[300] = '\0';
	ck_assert(column_name_ok(long_name));
	ck_assert(table_name_ok(long_name));
}
END_TEST

START_TEST(utf8)
{
	ck_assert(utf8_valid("plain ascii text, long enough for the fast path", 47));
	ck_assert(utf8_valid("olá ação 中文 😀", strlen("olá ação 中文 😀")));
	ck_assert(!utf8_valid("\xff", 1));
	ck_assert(!utf8_valid("\xc0\x80", 2));          /* overlong NUL */
	ck_assert(!utf8_valid("\xe0\x80\x80", 3));      /* overlong */
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));  /* past U+10FFFF */
	ck_assert(!utf8_valid("abc\xe2\x82", 5));       /* cut short */
	ck_assert(utf8_valid("\xf4\x8f\xbf\xbf", 4));   /* U+10FFFF */
}
END_TEST

static char *row_json(const char *row, const schema *types, const char **why)
{
	buf out = { 0 };
	cJSON *r = cJSON_Parse(row);
	*why = bq_row_json(&out, r, types, "b1", "2026-01-01T00:00:00.000000Z");
	cJSON_Delete(r);
	char *s = xstrdup(out.data ? buf_cstr(&out) : "");
	buf_free(&out);
	return s;
}

START_TEST(bigquery_rows)
{
	schema t;
	const char *why;
	schema_init(&t);
	schema_add(&t, "s", CT_STRING, NULL);
	schema_add(&t, "i", CT_INT, NULL);
	schema_add(&t, "f", CT_DOUBLE, NULL);
	schema_add(&t, "j", CT_JSON, NULL);
	char *s = row_json("{\"_table\":\"x\",\"s\":12,\"i\":3,\"f\":4,\"j\":{\"a\":[1]},\"n\":null,\"_batch_id\":\"old\"}", &t, &why);
	ck_assert_ptr_null(why);
	ck_assert_str_eq(s, "{\"s\":\"12\",\"i\":3,\"f\":4,\"j\":{\"a\":[1]},\"_batch_id\":\"b1\","
			    "\"_loaded_at\":\"2026-01-01T00:00:00.000000Z\"}");
	free(s);
	s = row_json("{\"s\":true,\"i\":1}", &t, &why);
	ck_assert_str_eq(s, "{\"s\":\"true\",\"i\":1,\"_batch_id\":\"b1\",\"_loaded_at\":\"2026-01-01T00:00:00.000000Z\"}");
	free(s);
	s = row_json("{\"s\":{\"k\":\"v\"}}", &t, &why);
	ck_assert_str_eq(s, "{\"s\":\"{\\\"k\\\":\\\"v\\\"}\",\"_batch_id\":\"b1\",\"_loaded_at\":\"2026-01-01T00:00:00.000000Z\"}");
	free(s);
	s = row_json("{\"i\":1.5}", &t, &why);
	ck_assert_str_eq(why, "field i: a number does not fit its INTEGER column");
	ck_assert_str_eq(s, "");
	free(s);
	s = row_json("{\"f\":\"x\"}", &t, &why);
	ck_assert_str_eq(why, "field f: a string does not fit its FLOAT column");
	free(s);
	s = row_json("{}", &t, &why);
	ck_assert_str_eq(s, "{\"_batch_id\":\"b1\",\"_loaded_at\":\"2026-01-01T00:00:00.000000Z\"}");
	free(s);
	schema_free(&t);
}
END_TEST

static size_t unb64url(const char *s, size_t n, unsigned char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		v = v << 6 | (unsigned)(strchr(al, s[i]) - al);
		if ((bits += 6) >= 8) {
			out[o++] = (unsigned char)(v >> (bits - 8));
			bits -= 8;
		}
	}
	return o;
}

START_TEST(jwt_rs256)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(key);
	BIO *mem = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL);
	char *pem;
	long n = BIO_get_mem_data(mem, &pem);
	char *pem_copy = xstrndup(pem, (size_t)n);
	char *jwt = bq_jwt_assertion("sa@p.iam.gserviceaccount.com", pem_copy, "https://oauth2.example/token", "k1", 1700000000);
	ck_assert_ptr_nonnull(jwt);
	const char *dot1 = strchr(jwt, '.'), *dot2 = strrchr(jwt, '.');
	unsigned char part[1024];
	size_t len = unb64url(jwt, (size_t)(dot1 - jwt), part);
	part[len] = 0;
	ck_assert_str_eq((char *)part, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
	len = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1), part);
	part[len] = 0;
	ck_assert_str_eq((char *)part, "{\"iss\":\"sa@p.iam.gserviceaccount.com\",\"scope\":\"https://www.googleapis.com/auth/bigquery\","
				       "\"aud\":\"https://oauth2.example/token\",\"iat\":1699999970,\"exp\":1700003570}");
	unsigned char sig[512];
	size_t siglen = unb64url(dot2 + 1, strlen(dot2 + 1), sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ck_assert_int_eq(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), 1);
	ck_assert_int_eq(EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt, (size_t)(dot2 - jwt)), 1);
	EVP_MD_CTX_free(md);
	ck_assert_ptr_null(bq_jwt_assertion("a", "not a key", "b", NULL, 0));
	free(jwt);
	free(pem_copy);
	BIO_free(mem);
	EVP_PKEY_free(key);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bqload");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, types_from_values);
	tcase_add_test(tc, widening);
	tcase_add_test(tc, column_index);
	tcase_add_test(tc, identifiers);
	tcase_add_test(tc, utf8);
	tcase_add_test(tc, bigquery_rows);
	tcase_add_test(tc, jwt_rs256);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
