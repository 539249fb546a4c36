/* How a record's root row id is derived: from key fields (a primary key,
 * a version), from the record's content, or both. See rowid.h for the hash. */
#ifndef NN_KEYSPEC_H
#define NN_KEYSPEC_H

#include "buf.h"
#include "rowid.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

enum { KEY_MAX_PARTS = 8, KEY_MAX_ALTS = 4 };

typedef struct {
	/* Dotted paths tried in turn; the first present and not null is used.
	 * None at all: this part is the content hash. */
	const char *fields[KEY_MAX_ALTS];
	/* A VTEX timestamp: hashed as its instant (vtime.h) when it parses, so
	 * that two spellings of one moment give one id. */
	bool instant;
	/* When no field is present, the content hash stands in (a version that
	 * some payloads lack); otherwise such a record is refused. */
	bool else_content;
} key_part;

typedef struct {
	key_part parts[KEY_MAX_PARTS];
	size_t n;      /* 0: the id is the content hash of the record */
} key_spec;

/* Splits "a,b.c" into one required part per field; false when a field is empty
 * or there are too many. The spec points into fields, which must outlive it. */
bool key_spec_parse(key_spec *k, char *fields);

/* The root id of rec in table; in and work are scratch buffers. Returns false
 * with a message in *reason (held in work) when a required field is missing
 * or is an object or array.
 * Values are hashed as text: the string's bytes, or a number in its shortest
 * form, so 42 and "42" give the same id. The content hash is XXH3-128 of the
 * record written compactly (json_write: keys in input order). */
bool key_root_id(const key_spec *k, const char *table, const cJSON *rec, buf *in, buf *work,
		 rowid *out, const char **reason);

#endif
