/* Record versions (--newest-by FIELD) and their order.
 *
 * A JSON number is a NUMBER; a string that is a VTEX timestamp (lib/vtime.h)
 * is a TIME (an instant, 100 ns ticks, whatever its zone or digits); a string
 * that is wholly a decimal number ("502556", "-1.5e3") is a NUMBER; any other
 * string is a STRING, compared bytewise (memcmp, then the shorter first).
 * Across kinds the order is NUMBER < TIME < STRING. Null, booleans, arrays and
 * objects are not versions. */
#ifndef DEDUP_VERSION_H
#define DEDUP_VERSION_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* The values fit in 2 bits: they are stored as a tag in the key table. */
enum version_kind { VK_NONE = 0, VK_NUMBER = 1, VK_TIME = 2, VK_STRING = 3 };

/* The longest string version kept (longer ones are refused). */
#define VERSION_MAX_STRING 65535

typedef struct {
	enum version_kind kind;
	double num;          /* VK_NUMBER */
	int64_t ticks;       /* VK_TIME */
	const char *str;     /* VK_STRING: not NUL-terminated, not owned */
	size_t len;
} version;

/* Reads the version from v (NULL when the field is absent). Returns NULL on
 * success, else why the value is not a version ("is null", ...). */
const char *version_from_json(const cJSON *v, version *out);
/* Reads the version from a string's text (as version_from_json does for a JSON string). */
const char *version_from_string(const char *s, size_t len, version *out);
/* <0, 0, >0 as a is older than, the same as, newer than b. */
int version_cmp(const version *a, const version *b);

#endif
