/* Field lookup by dotted path ("clientProfileData.email") in cJSON objects,
 * and a compact writer of cJSON values into a buf. */
#ifndef VP_JSON_PATH_H
#define VP_JSON_PATH_H

#include "buf.h"

#include <cjson/cJSON.h>

/* The value at path (dots separate nested object keys), or NULL. Keys are
 * matched case-sensitively. */
cJSON *json_path_get(const cJSON *obj, const char *path);
/* Appends v as compact JSON (like cJSON_PrintUnformatted, without the extra allocation). */
void json_write(buf *b, const cJSON *v);

#endif
