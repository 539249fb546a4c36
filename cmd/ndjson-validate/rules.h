/* ndjson-validate's rule engine: a rule file (JSON) compiled into checks,
 * and the checks run on one parsed record.
 *
 * A rule file:
 *   {"entity": "order",
 *    "pass_if": [{"path": "hookConfig", "equals": "ping"}],   (optional)
 *    "rules": [
 *      {"path": "orderId", "required": true, "type": "string", "format": "vtex-order-id"},
 *      {"path": "items[].quantity", "type": "integer", "min": 1},
 *      {"name": "items-total", "path": "totals[id=Items].value",
 *       "sum": "items[].price*quantity", "tolerance": 1},
 *      ...]}
 *
 * Each key of a rule object but path, name and warn is one check, and one
 * rule of its own named "<name or path>:<check>" (e.g. "items[].quantity:min").
 * Checks: required, type, min, max, gt, lt, min_length, max_length, enum,
 * pattern (POSIX extended regex), format (formats.h), sum (+ tolerance,
 * tolerance_rel). Every check but required passes a missing or null value
 * (type passes a missing one only). ndjson-validate(1) documents each. */
#ifndef NV_RULES_H
#define NV_RULES_H

#include "buf.h"
#include "formats.h"
#include "vpath.h"

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
	CK_REQUIRED, CK_TYPE, CK_MIN, CK_MAX, CK_GT, CK_LT, CK_MIN_LENGTH, CK_MAX_LENGTH,
	CK_ENUM, CK_PATTERN, CK_FORMAT, CK_SUM,
} check_kind;

/* JSON types a "type" check accepts, as bits. */
enum {
	VT_STRING = 1, VT_NUMBER = 2, VT_INTEGER = 4, VT_BOOLEAN = 8, VT_OBJECT = 16,
	VT_ARRAY = 32, VT_NULL = 64,
};

typedef struct {
	vpath parent;     /* the objects whose fields are multiplied */
	char **factors;   /* their fields */
	size_t nfactors;
} sum_term;

typedef struct {
	char *name;
	check_kind kind;
	vpath path;
	bool warn;             /* counted and reported, but the record passes */
	unsigned types;        /* CK_TYPE */
	double num;            /* CK_MIN, CK_MAX, CK_GT, CK_LT, lengths */
	cJSON *values;         /* CK_ENUM: an array */
	regex_t re;            /* CK_PATTERN */
	char *pattern;
	vformat format;        /* CK_FORMAT */
	sum_term *terms;       /* CK_SUM */
	size_t nterms;
	double tolerance, tolerance_rel;
} rule;

typedef struct {
	vpath path;
	cJSON *equals;
} pass_cond;

typedef struct {
	char *entity;
	rule *rules;
	size_t n;
	pass_cond *pass_if;
	size_t npass;
} ruleset;

/* One broken rule, at one place. */
typedef struct {
	size_t rule;           /* index in ruleset.rules */
	char *where;           /* "items[2].quantity" */
	char *message;         /* what is wrong, without the value when it is text */
} violation;

typedef struct {
	violation *v;
	size_t n, cap;
	size_t errors;         /* violations of rules that are not warn */
	bool passed_as_is;     /* a pass_if condition held */
} violations;

/* Compiles a rule file's text. false with a message in err (naming the rule
 * and the key) when the file is not a valid rule file. */
bool ruleset_parse(ruleset *rs, const char *text, size_t len, buf *err);
void ruleset_free(ruleset *rs);

/* Checks rec against every rule; vs is reset first. At most max_per_rule
 * places are kept for one rule (every place still breaks the rule). */
void ruleset_check(const ruleset *rs, const cJSON *rec, violations *vs, size_t max_per_rule);
void violations_free(violations *vs);

/* Whether rule i appears in vs (a record broke it). */
bool violations_has(const violations *vs, size_t rule);

#endif
