/* libFuzzer target: ndjson-validate's rule engine (rule files and records).
 * links: cmd/ndjson-validate
 *
 * The first byte picks the mode. Even: the rest is a record, checked against
 * a built-in rule file that uses every check, path form and pass_if. Odd: the
 * rest is a rule file, a NUL byte, and a record. Checks: a refused rule file
 * says why; checking is deterministic (twice, the same violations); every
 * violation names a rule of the file, a place and a message; the count of
 * error rules never exceeds the violations; a pass_if record has none. */
#include "ndjson-validate/rules.h"
#include "ndjson_reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char builtin[] =
	"{\"entity\":\"fuzz\",\"pass_if\":[{\"path\":\"hookConfig\",\"equals\":\"ping\"}],\"rules\":["
	"{\"path\":\"orderId\",\"required\":true,\"type\":\"string\",\"format\":\"vtex-order-id\"},"
	"{\"path\":\"id\",\"format\":\"guid\"},{\"path\":\"e\",\"format\":\"email\"},"
	"{\"path\":\"t\",\"format\":\"timestamp\"},{\"path\":\"n\",\"format\":\"numeric-id\",\"max\":2147483647},"
	"{\"path\":\"s\",\"pattern\":\"^[A-Z]{3}$\",\"min_length\":1,\"max_length\":5,\"enum\":[\"BRL\",1,true]},"
	"{\"path\":\"items[].quantity\",\"required\":true,\"type\":[\"integer\",\"null\"],\"min\":1,\"lt\":1e6},"
	"{\"path\":\"items[0].price\",\"gt\":-1,\"max\":1e12},"
	"{\"path\":\"a[][].b\",\"required\":true},"
	"{\"name\":\"v\",\"path\":\"value\",\"sum\":\"totals[].value\",\"tolerance\":1},"
	"{\"name\":\"it\",\"path\":\"totals[id=Items].value\",\"sum\":[\"items[].price*quantity\",\"x.y\"],"
	"\"tolerance_rel\":0.001,\"warn\":true},"
	"{\"path\":\"totals[id=Tax].value\",\"required\":true,\"min\":0}]}";

static ruleset fixed;
static bool fixed_ready;

static void check(const ruleset *rs, const char *text, size_t len)
{
	const char *reason;
	cJSON *rec = ndjson_parse_object(text, len, &reason);
	if (!rec)
		return;
	violations a = { 0 }, b = { 0 };
	ruleset_check(rs, rec, &a, 3);
	ruleset_check(rs, rec, &b, 3);
	if (a.n != b.n || a.errors != b.errors || a.passed_as_is != b.passed_as_is)
		abort();
	if (a.errors > a.n || (a.passed_as_is && a.n))
		abort();
	for (size_t i = 0; i < a.n; i++) {
		if (a.v[i].rule >= rs->n || !a.v[i].where || !a.v[i].message || !*a.v[i].message)
			abort();
		if (a.v[i].rule != b.v[i].rule || strcmp(a.v[i].where, b.v[i].where) != 0 ||
		    strcmp(a.v[i].message, b.v[i].message) != 0)
			abort();
		if (!violations_has(&a, a.v[i].rule))
			abort();
	}
	violations_free(&a);
	violations_free(&b);
	cJSON_Delete(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	if (!fixed_ready) {
		buf err = { 0 };
		if (!ruleset_parse(&fixed, builtin, strlen(builtin), &err))
			abort();
		buf_free(&err);
		fixed_ready = true;
	}
	if (!(data[0] & 1)) {
		check(&fixed, text, len);
		return 0;
	}
	const char *nul = memchr(text, '\0', len);
	size_t rlen = nul ? (size_t)(nul - text) : len;
	ruleset rs;
	buf err = { 0 };
	if (ruleset_parse(&rs, text, rlen, &err)) {
		if (err.len)
			abort();
		if (nul)
			check(&rs, nul + 1, len - rlen - 1);
		ruleset_free(&rs);
	} else if (!err.len) {
		abort();
	}
	buf_free(&err);
	return 0;
}
