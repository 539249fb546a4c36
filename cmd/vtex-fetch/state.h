/* The --state watermark file, so a cron run continues where the last
 * complete run ended:
 *   {"orders":{"created_until":"..."},"clients":{"updated_until":"..."}}
 * Read at start; written (temp file, fsync, rename) only after a complete run. */
#ifndef VF_STATE_H
#define VF_STATE_H

#include "vtime.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct {
	char *path;
	cJSON *root;
} state;

/* A missing file is an empty state; false (with a log line) when the file
 * exists but cannot be read or is not a JSON object. */
bool state_load(state *s, const char *path);
bool state_get(const state *s, const char *section, const char *key, vtime_t *out);
void state_set(state *s, const char *section, const char *key, vtime_t t);
bool state_save(const state *s);
void state_free(state *s);

#endif
