/* --cluster: which fields cluster each BigQuery table a load creates.
 * SPEC is ENTRY[;ENTRY...], an ENTRY [PATTERN=]FIELD[,FIELD...] (at most 4
 * fields, BigQuery's limit) or PATTERN=none; PATTERN is a table name in
 * which * stands for any run of characters, and an entry without one
 * matches every table. The first entry that matches the table decides;
 * fields the table does not have are left out. "none" alone: no clustering.
 * The default is vtex-pipes' convention: each root table by its business
 * key, each child table by _root_id, the link to its record's row. */
#ifndef BQLOAD_CLUSTER_H
#define BQLOAD_CLUSTER_H

#include "buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

#define CLUSTER_DEFAULT \
	"orders=order_id;order_hooks=order_id;clients=id;products=id;products__skus=id;*__*=_root_id"

/* NULL when spec is well formed, else what is wrong (static text). */
const char *cluster_spec_error(const char *spec);
/* Appends ,"clustering":{"fields":[...]} for table, given its fields (a
 * BigQuery fields array); nothing when no field applies. */
void cluster_json(buf *b, const char *spec, const char *table, const cJSON *fields);

#endif
