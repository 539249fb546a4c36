#include "schema_dir.h"
#include "buf.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
	char *table;
	cJSON *doc;           /* the whole file, NULL when absent */
	const cJSON *fields;  /* its fields array */
} sd_table;

struct schema_dir {
	char *path;
	sd_table *tables;
	size_t n;
};

schema_dir *schema_dir_open(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir) {
		log_error("cannot read the schema directory", LS("path", path), LS("error", strerror(errno)));
		return NULL;
	}
	closedir(dir);
	schema_dir *sd = xcalloc(1, sizeof *sd);
	sd->path = xstrdup(path);
	return sd;
}

void schema_dir_free(schema_dir *sd)
{
	if (!sd)
		return;
	for (size_t i = 0; i < sd->n; i++) {
		free(sd->tables[i].table);
		cJSON_Delete(sd->tables[i].doc);
	}
	free(sd->tables);
	free(sd->path);
	free(sd);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	buf b = { 0 };
	char chunk[65536];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	buf_cstr(&b);
	return b.data;
}

static sd_table *table_of(schema_dir *sd, const char *table)
{
	for (size_t i = 0; i < sd->n; i++)
		if (!strcmp(sd->tables[i].table, table))
			return &sd->tables[i];
	sd->tables = xrealloc(sd->tables, (sd->n + 1) * sizeof *sd->tables);
	sd_table *t = &sd->tables[sd->n++];
	memset(t, 0, sizeof *t);
	t->table = xstrdup(table);
	buf path = { 0 };
	buf_printf(&path, "%s/%s.json", sd->path, table);
	char *text = read_file(buf_cstr(&path));
	if (text) {
		t->doc = cJSON_Parse(text);
		const cJSON *f = t->doc;
		if (cJSON_IsObject(f) && cJSON_GetObjectItemCaseSensitive(f, "schema"))
			f = cJSON_GetObjectItemCaseSensitive(f, "schema");
		if (cJSON_IsObject(f))
			f = cJSON_GetObjectItemCaseSensitive(f, "fields");
		if (cJSON_IsArray(f))
			t->fields = f;
		else
			log_error("a schema file is not a BigQuery schema", LS("path", buf_cstr(&path)));
		free(text);
	}
	buf_free(&path);
	return t;
}

const cJSON *schema_dir_field(schema_dir *sd, const char *table, const char *column)
{
	const sd_table *t = table_of(sd, table);
	const cJSON *f;
	cJSON_ArrayForEach(f, t->fields) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(name) && !strcmp(name->valuestring, column))
			return f;
	}
	return NULL;
}

const char *schema_dir_duckdb_type(schema_dir *sd, const char *table, const char *column)
{
	static const struct { const char *bq, *duck; } map[] = {
		{ "STRING", "VARCHAR" }, { "BYTES", "BLOB" }, { "INTEGER", "BIGINT" }, { "INT64", "BIGINT" },
		{ "FLOAT", "DOUBLE" }, { "FLOAT64", "DOUBLE" }, { "NUMERIC", "DECIMAL(38,9)" },
		{ "BIGNUMERIC", "VARCHAR" }, { "BOOLEAN", "BOOLEAN" }, { "BOOL", "BOOLEAN" },
		{ "TIMESTAMP", "TIMESTAMPTZ" }, { "DATE", "DATE" }, { "TIME", "TIME" },
		{ "DATETIME", "TIMESTAMP" }, { "JSON", "JSON" }, { "GEOGRAPHY", "VARCHAR" },
	};
	const cJSON *f = schema_dir_field(sd, table, column);
	if (!f)
		return NULL;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(f, "mode");
	if (cJSON_IsString(mode) && !strcasecmp(mode->valuestring, "REPEATED"))
		return "JSON";
	if (!cJSON_IsString(type))
		return NULL;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcasecmp(type->valuestring, map[i].bq))
			return map[i].duck;
	return "JSON"; /* RECORD / STRUCT and anything newer: kept whole */
}
