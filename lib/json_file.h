/* A small JSON document kept in a file (state and watermark files of
 * vtex-fetch, bq-export, ...): read whole, written atomically (temp file,
 * fsync, rename) so a crash leaves the old or the new one, never half. */
#ifndef VP_JSON_FILE_H
#define VP_JSON_FILE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* The file's JSON object; a missing file gives an empty object. NULL (with a
 * log line) when the file cannot be read or is not a JSON object. */
cJSON *json_file_load(const char *path);
/* Writes root (one line) to path atomically; false with a log line on failure. */
bool json_file_save(const char *path, const cJSON *root);

#endif
