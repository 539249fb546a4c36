/* ndjson-validate's rule engine: paths, formats, each check, rule-file errors.
 * links: cmd/ndjson-validate */
#include "ndjson-validate/formats.h"
#include "ndjson-validate/rules.h"
#include "ndjson-validate/vpath.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compiles rules (a JSON text) or fails the test. */
static ruleset compile(const char *text)
{
	ruleset rs;
	buf err = { 0 };
	bool ok = ruleset_parse(&rs, text, strlen(text), &err);
	ck_assert_msg(ok, "rule file refused: %s", err.data ? err.data : "");
	buf_free(&err);
	return rs;
}

/* The broken rules of rec, as "name@where name@where ..." (warnings with a trailing !). */
static char *broken(const ruleset *rs, const char *rec_text)
{
	static char out[2048];
	cJSON *rec = cJSON_Parse(rec_text);
	ck_assert_ptr_nonnull(rec);
	violations vs = { 0 };
	ruleset_check(rs, rec, &vs, 10);
	out[0] = '\0';
	for (size_t i = 0; i < vs.n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, sizeof out - len, "%s%s@%s%s", len ? " " : "", rs->rules[vs.v[i].rule].name,
			 vs.v[i].where, rs->rules[vs.v[i].rule].warn ? "!" : "");
	}
	violations_free(&vs);
	cJSON_Delete(rec);
	return out;
}

static const char *refusal(const char *text)
{
	static char out[600];
	ruleset rs;
	buf err = { 0 };
	bool ok = ruleset_parse(&rs, text, strlen(text), &err);
	ck_assert_msg(!ok, "rule file accepted: %s", text);
	snprintf(out, sizeof out, "%s", buf_cstr(&err));
	buf_free(&err);
	return out;
}

START_TEST(paths_parse_and_refuse)
{
	static const char *const good[] = { "a", "a.b", "items[].quantity", "items[0].id", "totals[id=Items].value",
					    "a[][]", "a[].b[2].c", "weird key-1.x" };
	static const char *const bad[] = { "", ".a", "a.", "a..b", "[].a", "a[", "a]", "a[x]", "a[-1]", "a[=1]",
					   "a[]b", "a[].", "a.[]" };
	vpath p;
	const char *err;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		ck_assert_msg(vpath_parse(&p, good[i], &err), "refused %s", good[i]);
		vpath_free(&p);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(!vpath_parse(&p, bad[i], &err) && err, "accepted %s", bad[i]);
	ck_assert(vpath_parse(&p, "totals[id=Items].value", &err));
	ck_assert_uint_eq(p.n, 3);
	ck_assert_int_eq(p.segs[1].kind, SEG_SELECT);
	ck_assert_str_eq(p.segs[1].key, "id");
	ck_assert_str_eq(p.segs[1].value, "Items");
	vpath_free(&p);
}
END_TEST

static bool collect(const cJSON *v, const vpath_where *w, void *ctx)
{
	buf *b = ctx;
	if (b->len)
		buf_putc(b, ' ');
	vpath_where_format(w, b);
	buf_putc(b, '=');
	if (!v) {
		buf_puts(b, "MISSING");
	} else {
		char *s = cJSON_PrintUnformatted(v);
		buf_puts(b, s);
		free(s);
	}
	return true;
}

static const char *walk(const char *path, const char *json, bool missing)
{
	static char out[512];
	vpath p;
	const char *err;
	buf b = { 0 };
	ck_assert(vpath_parse(&p, path, &err));
	cJSON *rec = cJSON_Parse(json);
	vpath_walk(rec, &p, missing, collect, &b);
	snprintf(out, sizeof out, "%s", b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	cJSON_Delete(rec);
	vpath_free(&p);
	return out;
}

START_TEST(paths_walk_with_places)
{
	const char *order = "{\"items\":[{\"q\":1},{\"q\":0},{\"x\":2}],\"totals\":[{\"id\":\"Items\",\"value\":5},"
			    "{\"id\":\"Tax\",\"value\":0}],\"c\":{\"e\":null}}";
	ck_assert_str_eq(walk("items[].q", order, false), "items[0].q=1 items[1].q=0");
	ck_assert_str_eq(walk("items[].q", order, true), "items[0].q=1 items[1].q=0 items[2].q=MISSING");
	ck_assert_str_eq(walk("items[1].q", order, false), "items[1].q=0");
	ck_assert_str_eq(walk("items[7].q", order, true), "items[7]=MISSING");
	ck_assert_str_eq(walk("totals[id=Tax].value", order, false), "totals[1].value=0");
	ck_assert_str_eq(walk("totals[id=Shipping].value", order, true), "totals[id=Shipping]=MISSING");
	ck_assert_str_eq(walk("totals[value=5].id", order, false), "totals[0].id=\"Items\"");
	ck_assert_str_eq(walk("c.e", order, true), "c.e=null");
	/* Below a null, or before an [], nothing is missing. */
	ck_assert_str_eq(walk("c.e.f", order, true), "");
	ck_assert_str_eq(walk("nope[].id", order, true), "");
	ck_assert_str_eq(walk("nope.id", order, true), "nope=MISSING");
}
END_TEST

START_TEST(formats)
{
	static const char *const emails[] = { "a@b.co", "rodrigo.smith@email.com",
					      "5e2b9998f99787b24993263823306750@ct.vtex.com.br", "x+tag@sub.example.org",
					      "jo\xc3\xa3o@exempl\xc3\xb3.com.br" };
	static const char *const not_emails[] = { "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a@@b.co", "a b@c.co",
						  ".a@b.co", "a.@b.co", "a..b@c.co", "a@b..co", "a@-b.co", "a@b-.co",
						  "a@b_c.co", "a<b@c.co" };
	for (size_t i = 0; i < sizeof emails / sizeof *emails; i++)
		ck_assert_msg(format_email(emails[i]), "refused %s", emails[i]);
	for (size_t i = 0; i < sizeof not_emails / sizeof *not_emails; i++)
		ck_assert_msg(!format_email(not_emails[i]), "accepted %s", not_emails[i]);

	ck_assert(format_guid("2f5dde81-1613-11ea-82ee-12f868feb457"));
	ck_assert(format_guid("2F5DDE81-1613-11EA-82EE-12F868FEB457"));
	ck_assert(!format_guid("5660c55f-714d-4b14-88a7-b03e9bfbdd2y"));
	ck_assert(!format_guid("2f5dde81161311ea82ee12f868feb457"));
	ck_assert(!format_guid("2f5dde81-1613-11ea-82ee-12f868feb4570"));
	ck_assert(!format_guid("CL-2f5dde81-1613-11ea-82ee-12f868feb457"));

	static const char *const ids[] = { "1172452900788-01", "v52277740atmc-01", "v71021781srnl-01",
					   "1234567890123-01", "953712004126-01", "SCP-880102018018-01",
					   "MNC-1877201757151-01", "123456-02" };
	static const char *const not_ids[] = { "", "1172452900788", "1172452900788-1", "1172452900788-001",
					       "12345-01", "v-01", "vabc-01", "v123-01", "v123ABC-01", "seq501456",
					       "SCP-v123abc-01", "-1172452900788-01", "SC P-880102018018-01",
					       "1172452900788-01 ", "00-v502556llux-01" };
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		ck_assert_msg(format_order_id(ids[i]), "refused %s", ids[i]);
	for (size_t i = 0; i < sizeof not_ids / sizeof *not_ids; i++)
		ck_assert_msg(!format_order_id(not_ids[i]), "accepted %s", not_ids[i]);

	ck_assert(format_digits_id("18"));
	ck_assert(format_digits_id("2147483647"));
	ck_assert(!format_digits_id("0"));
	ck_assert(!format_digits_id("018"));
	ck_assert(!format_digits_id("18a"));
	ck_assert(!format_digits_id(""));
	ck_assert(!format_digits_id("12345678901234567890"));
	cJSON *n = cJSON_CreateNumber(42), *f = cJSON_CreateNumber(4.2), *z = cJSON_CreateNumber(0);
	cJSON *ts = cJSON_CreateString("2019-08-14T17:11:39.2550122Z"), *bad = cJSON_CreateString("14/08/2019");
	ck_assert(format_check(FMT_NUMERIC_ID, n));
	ck_assert(!format_check(FMT_NUMERIC_ID, f));
	ck_assert(!format_check(FMT_NUMERIC_ID, z));
	ck_assert(format_check(FMT_TIMESTAMP, ts));
	ck_assert(!format_check(FMT_TIMESTAMP, bad));
	ck_assert(!format_check(FMT_EMAIL, n));
	cJSON_Delete(n);
	cJSON_Delete(f);
	cJSON_Delete(z);
	cJSON_Delete(ts);
	cJSON_Delete(bad);
	ck_assert_int_eq(format_find("email"), FMT_EMAIL);
	ck_assert_int_eq(format_find("e-mail"), FMT_NONE);
}
END_TEST

START_TEST(required_and_type)
{
	ruleset rs = compile("{\"rules\":[{\"path\":\"id\",\"required\":true,\"type\":\"string\"},"
			     "{\"path\":\"n\",\"type\":[\"integer\",\"null\"]},"
			     "{\"path\":\"items[].q\",\"required\":true,\"type\":\"integer\"}]}");
	ck_assert_uint_eq(rs.n, 5);
	ck_assert_str_eq(rs.rules[0].name, "id:required");
	ck_assert_str_eq(broken(&rs, "{\"id\":\"a\",\"n\":3,\"items\":[{\"q\":1}]}"), "");
	ck_assert_str_eq(broken(&rs, "{\"id\":\"a\",\"n\":null}"), "");
	ck_assert_str_eq(broken(&rs, "{}"), "id:required@id");
	/* null is a type of its own: not a string. */
	ck_assert_str_eq(broken(&rs, "{\"id\":null}"), "id:required@id id:type@id");
	ck_assert_str_eq(broken(&rs, "{\"id\":1,\"n\":1.5}"), "id:type@id n:type@n");
	ck_assert_str_eq(broken(&rs, "{\"id\":\"a\",\"items\":[{\"q\":1},{},{\"q\":\"2\"}]}"),
			 "items[].q:required@items[1].q items[].q:type@items[2].q");
	ruleset_free(&rs);
}
END_TEST

START_TEST(ranges_lengths_enum_pattern)
{
	ruleset rs = compile("{\"rules\":["
			     "{\"path\":\"q\",\"min\":1,\"max\":10},"
			     "{\"path\":\"p\",\"gt\":0,\"lt\":100},"
			     "{\"path\":\"s\",\"min_length\":2,\"max_length\":3},"
			     "{\"path\":\"a\",\"min_length\":1},"
			     "{\"path\":\"st\",\"enum\":[\"x\",\"y\",1,true]},"
			     "{\"path\":\"c\",\"pattern\":\"^[A-Z]{3}$\"}]}");
	ck_assert_str_eq(broken(&rs, "{\"q\":1,\"p\":0.5,\"s\":\"\xc3\xa3\xc3\xa3\",\"a\":[1],\"st\":\"x\",\"c\":\"BRL\"}"),
			 "");
	ck_assert_str_eq(broken(&rs, "{\"q\":10,\"p\":99.9,\"s\":\"abc\",\"st\":1,\"c\":null}"), "");
	ck_assert_str_eq(broken(&rs, "{\"st\":true}"), "");
	ck_assert_str_eq(broken(&rs, "{\"q\":0,\"p\":0,\"s\":\"a\",\"a\":[],\"st\":\"z\",\"c\":\"brl\"}"),
			 "q:min@q p:gt@p s:min_length@s a:min_length@a st:enum@st c:pattern@c");
	ck_assert_str_eq(broken(&rs, "{\"q\":11,\"p\":100,\"s\":\"abcd\",\"st\":false,\"c\":7}"),
			 "q:max@q p:lt@p s:max_length@s st:enum@st c:pattern@c");
	/* Ranges skip what is not a number: the type rule says so. */
	ck_assert_str_eq(broken(&rs, "{\"q\":\"0\"}"), "");
	ruleset_free(&rs);
}
END_TEST

START_TEST(sums_within_tolerance)
{
	ruleset rs = compile("{\"rules\":["
			     "{\"name\":\"v\",\"path\":\"value\",\"sum\":\"totals[].value\",\"tolerance\":1},"
			     "{\"name\":\"it\",\"path\":\"totals[id=Items].value\",\"sum\":\"items[].price*quantity\","
			     "\"tolerance_rel\":0.01},"
			     "{\"name\":\"two\",\"path\":\"t\",\"sum\":[\"a[].x\",\"b\"]}]}");
	const char *good = "{\"value\":1001,\"totals\":[{\"id\":\"Items\",\"value\":1000},{\"id\":\"Shipping\",\"value\":0}],"
			   "\"items\":[{\"price\":300,\"quantity\":2},{\"price\":400,\"quantity\":1}],"
			   "\"t\":6,\"a\":[{\"x\":1},{\"x\":2}],\"b\":3}";
	ck_assert_str_eq(broken(&rs, good), "");
	const char *off = "{\"value\":1003,\"totals\":[{\"id\":\"Items\",\"value\":1011},{\"id\":\"Shipping\",\"value\":0}],"
			  "\"items\":[{\"price\":300,\"quantity\":2},{\"price\":400,\"quantity\":1}],"
			  "\"t\":7,\"a\":[{\"x\":1},{\"x\":2}],\"b\":3}";
	ck_assert_str_eq(broken(&rs, off), "v:sum@value it:sum@totals[0].value two:sum@t");
	/* An item without its price leaves the sum undecided. */
	ck_assert_str_eq(broken(&rs, "{\"totals\":[{\"id\":\"Items\",\"value\":5}],\"items\":[{\"quantity\":1}]}"), "");
	ruleset_free(&rs);
}
END_TEST

START_TEST(warn_and_pass_if)
{
	ruleset rs = compile("{\"entity\":\"hook\",\"pass_if\":[{\"path\":\"hookConfig\",\"equals\":\"ping\"}],"
			     "\"rules\":[{\"path\":\"OrderId\",\"required\":true},"
			     "{\"name\":\"known\",\"path\":\"State\",\"warn\":true,\"enum\":[\"a\"]}]}");
	ck_assert_str_eq(rs.entity, "hook");
	cJSON *rec = cJSON_Parse("{\"hookConfig\":\"ping\"}");
	violations vs = { 0 };
	ruleset_check(&rs, rec, &vs, 5);
	ck_assert(vs.passed_as_is);
	ck_assert_uint_eq(vs.n, 0);
	cJSON_Delete(rec);
	rec = cJSON_Parse("{\"OrderId\":\"1\",\"State\":\"b\"}");
	ruleset_check(&rs, rec, &vs, 5);
	ck_assert_uint_eq(vs.n, 1);
	ck_assert_uint_eq(vs.errors, 0);
	ck_assert(violations_has(&vs, 1));
	cJSON_Delete(rec);
	rec = cJSON_Parse("{\"hookConfig\":\"pong\",\"State\":\"b\"}");
	ruleset_check(&rs, rec, &vs, 5);
	ck_assert_uint_eq(vs.n, 2);
	ck_assert_uint_eq(vs.errors, 1);
	cJSON_Delete(rec);
	violations_free(&vs);
	ruleset_free(&rs);
}
END_TEST

START_TEST(places_are_capped)
{
	ruleset rs = compile("{\"rules\":[{\"path\":\"a[]\",\"min\":1}]}");
	cJSON *rec = cJSON_Parse("[0]");
	cJSON_Delete(rec);
	rec = cJSON_Parse("{\"a\":[0,0,0,0,0,0,0,0]}");
	violations vs = { 0 };
	ruleset_check(&rs, rec, &vs, 3);
	ck_assert_uint_eq(vs.n, 3);
	ck_assert_uint_eq(vs.errors, 1);
	ck_assert_str_eq(vs.v[2].where, "a[2]");
	ck_assert_str_eq(vs.v[0].message, "is 0, below the minimum 1");
	cJSON_Delete(rec);
	violations_free(&vs);
	ruleset_free(&rs);
}
END_TEST

START_TEST(messages_hold_no_text_values)
{
	ruleset rs = compile("{\"rules\":[{\"path\":\"email\",\"format\":\"email\",\"pattern\":\"^z\"},"
			     "{\"path\":\"s\",\"enum\":[\"a\"]}]}");
	cJSON *rec = cJSON_Parse("{\"email\":\"secret-person@nowhere\",\"s\":\"code-b\"}");
	violations vs = { 0 };
	ruleset_check(&rs, rec, &vs, 5);
	ck_assert_uint_eq(vs.n, 3);
	for (size_t i = 0; i < 2; i++)
		ck_assert_ptr_null(strstr(vs.v[i].message, "secret"));
	ck_assert_str_eq(vs.v[0].message, "is not a valid email");
	ck_assert_str_eq(vs.v[2].message, "'code-b' is not an allowed value");
	cJSON_Delete(rec);
	violations_free(&vs);
	ruleset_free(&rs);
}
END_TEST

START_TEST(rule_files_refused_with_reason)
{
	ck_assert_str_eq(refusal("[]"), "not a JSON object");
	ck_assert_str_eq(refusal("{}"), "no rules");
	ck_assert_str_eq(refusal("{\"rules\":[],\"extra\":1}"), "unknown key 'extra' (entity, description, pass_if, rules)");
	ck_assert_str_eq(refusal("{\"rules\":[{\"required\":true}]}"), "rules[0]: path (a string) is missing");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"minimum\":1}]}"), "rules[0] (a): unknown key 'minimum'");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\"}]}"),
			 "rules[0] (a): no check (required, type, min, max, gt, lt, min_length, max_length, enum, "
			 "pattern, format, sum)");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a[\",\"required\":true}]}"), "rules[0] (a[): path: '[' without ']'");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"type\":\"text\"}]}"),
			 "rules[0] (a): unknown type 'text' (string, number, integer, boolean, object, array, null)");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"format\":\"phone\"}]}"),
			 "rules[0] (a): format is one of email, guid, vtex-order-id, numeric-id, timestamp");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"min\":\"1\"}]}"), "rules[0] (a): min is a number");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"enum\":[]}]}"),
			 "rules[0] (a): enum is a non-empty list of values");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"min_length\":1.5}]}"),
			 "rules[0] (a): min_length is a whole number >= 0");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"tolerance\":1,\"min\":0}]}"),
			 "rules[0] (a): tolerance goes with sum");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"sum\":\"b[]\"}]}"),
			 "rules[0] (a): sum term 'b[]' must end with a field name");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"sum\":\"b[].x*c.d\"}]}"),
			 "rules[0] (a): sum term 'b[].x*c.d': a factor after '*' is a field of the same object");
	ck_assert_str_eq(refusal("{\"rules\":[{\"path\":\"a\",\"min\":1},{\"path\":\"a\",\"min\":2}]}"),
			 "rules[1] (a): rule 'a:min' is defined twice (give one a name)");
	ck_assert_str_eq(refusal("{\"pass_if\":[{\"path\":\"a\"}],\"rules\":[]}"),
			 "pass_if: each condition is {\"path\": ..., \"equals\": ...}");
	const char *re = refusal("{\"rules\":[{\"path\":\"a\",\"pattern\":\"(\"}]}");
	ck_assert_msg(strncmp(re, "rules[0] (a): pattern: ", 23) == 0, "%s", re);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, paths_parse_and_refuse);
	tcase_add_test(tc, paths_walk_with_places);
	tcase_add_test(tc, formats);
	tcase_add_test(tc, required_and_type);
	tcase_add_test(tc, ranges_lengths_enum_pattern);
	tcase_add_test(tc, sums_within_tolerance);
	tcase_add_test(tc, warn_and_pass_if);
	tcase_add_test(tc, places_are_capped);
	tcase_add_test(tc, messages_hold_no_text_values);
	tcase_add_test(tc, rule_files_refused_with_reason);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
