/* The value formats a rule can ask for ("format": NAME), checked by hand
 * rather than by regex: they run on every record. */
#ifndef NV_FORMATS_H
#define NV_FORMATS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef enum {
	FMT_EMAIL,        /* local@domain.tld: one '@', no spaces or controls, a dot in the domain */
	FMT_GUID,         /* 8-4-4-4-12 hex digits (Master Data ids, userId) */
	FMT_ORDER_ID,     /* VTEX order id: [AFFILIATE-]DIGITS-NN or vDIGITSletters-NN */
	FMT_NUMERIC_ID,   /* a positive integer, as a JSON number or a string of digits */
	FMT_TIMESTAMP,    /* a VTEX timestamp (lib/vtime: 0-7 fraction digits, zone optional) */
	FMT_NONE,
} vformat;

/* FMT_NONE when name is not a format. */
vformat format_find(const char *name);
const char *format_name(vformat f);
/* The formats' names, for messages: "email, guid, ...". */
const char *format_names(void);
/* Whether v (string or number) has the format. */
bool format_check(vformat f, const cJSON *v);

bool format_email(const char *s);
bool format_guid(const char *s);
bool format_order_id(const char *s);
bool format_digits_id(const char *s);

#endif
