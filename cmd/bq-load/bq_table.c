#include "bq_table.h"
#include "cluster.h"
#include "exitcode.h"
#include "json_path.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void bq_table_path(buf *b, const options *o, const char *table)
{
	buf_puts(b, "/bigquery/v2/projects/");
	buf_url_escape(b, o->project);
	buf_puts(b, "/datasets/");
	buf_url_escape(b, o->dataset);
	buf_puts(b, "/tables");
	if (table) {
		buf_putc(b, '/');
		buf_url_escape(b, table);
	}
}

static void table_options(buf *b, const options *o, const char *table, const cJSON *fields, bool load)
{
	if (o->partition_field && field_named(fields, o->partition_field))
		buf_printf(b, ",\"timePartitioning\":{\"type\":\"%s\",\"field\":\"%s\"}", o->partition_type,
			   o->partition_field);
	cluster_json(b, o->cluster, table, fields);
	if (o->kms_key) {
		buf_puts(b, load ? ",\"destinationEncryptionConfiguration\":{\"kmsKeyName\":"
				 : ",\"encryptionConfiguration\":{\"kmsKeyName\":");
		buf_json_string(b, o->kms_key, strlen(o->kms_key));
		buf_putc(b, '}');
	}
}

void bq_table_options_load(buf *b, const options *o, const char *table, const cJSON *fields)
{
	table_options(b, o, table, fields, true);
}

/* The same settings for a table resource. */
static void bq_table_options_table(buf *b, const options *o, const char *table, const cJSON *fields)
{
	table_options(b, o, table, fields, false);
}

int bq_table_lookup(bq_tables *ts, const char *name, bq_table **out)
{
	for (size_t i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i].name, name)) {
			*out = &ts->t[i];
			return VP_EXIT_OK;
		}
	buf path = { 0 };
	bq_reply rep;
	bq_table_path(&path, ts->o, name);
	int rc = bq_call(ts->api, "tables.get", "GET", buf_cstr(&path), NULL, NULL, 0, NULL, &rep);
	buf_free(&path);
	if (rc != VP_EXIT_OK)
		return rc;
	bq_table tb = { .name = xstrdup(name) };
	if (rep.status == 200) {
		cJSON *j = cJSON_Parse(rep.body.data);
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "schema"), "fields");
		tb.exists = true;
		tb.fields = cJSON_IsArray(f) ? cJSON_Duplicate(f, 1) : cJSON_CreateArray();
		cJSON_Delete(j);
	} else if (rep.status == 404) {
		/* The table is missing (made by the first load), unless the dataset is. */
		char *msg = bq_error_message(&rep);
		bool dataset_missing = strstr(msg, "ataset") && !strstr(msg, "able");
		free(msg);
		if (dataset_missing) {
			rc = bq_status_exit(&rep, "tables.get");
			bq_reply_free(&rep);
			free(tb.name);
			return rc;
		}
		tb.fields = cJSON_CreateArray();
	} else {
		rc = bq_status_exit(&rep, "tables.get");
		if (!rc) {
			char *msg = bq_error_message(&rep);
			log_error("cannot read a BigQuery table's schema", LS("table", name), LS("error", msg));
			free(msg);
			rc = rep.status >= 500 ? VP_EXIT_TEMPFAIL : VP_EXIT_SOFTWARE;
		}
		bq_reply_free(&rep);
		free(tb.name);
		return rc;
	}
	bq_reply_free(&rep);
	ts->t = xrealloc(ts->t, (ts->n + 1) * sizeof *ts->t);
	ts->t[ts->n] = tb;
	*out = &ts->t[ts->n++];
	return VP_EXIT_OK;
}

/* BigQuery compares column names without letter case: a field named like
 * an existing one in another case is that field (its rows are refused in
 * bq_row_json rather than the whole load failing on a duplicate column). */
const cJSON *field_named(const cJSON *fields, const char *name)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(n) && !strcasecmp(n->valuestring, name))
			return f;
	}
	return NULL;
}

static coltype field_type(const cJSON *f)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(f, "mode");
	if (cJSON_IsString(m) && !strcmp(m->valuestring, "REPEATED"))
		return CT_FOREIGN;
	return cJSON_IsString(t) ? coltype_from_bigquery(t->valuestring) : CT_FOREIGN;
}

static void add_field(cJSON *fields, const char *name, const char *type)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "name", name);
	cJSON_AddStringToObject(f, "type", type);
	cJSON_AddStringToObject(f, "mode", "NULLABLE");
	cJSON_AddItemToArray(fields, f);
}

cJSON *bq_table_fields_for(bq_tables *ts, const bq_table *tb, const table_batch *t, schema *types, bool *added)
{
	cJSON *fields = cJSON_Duplicate(tb->fields, 1);
	const cJSON *f;
	*added = false;
	/* A table made by this load takes the declared field of every column seen so far. */
	if (!tb->exists && ts->sd) {
		for (size_t i = 0; i < t->cols.n; i++)
			if ((f = schema_dir_field(ts->sd, t->name, t->cols.cols[i].name)) && !field_named(fields, t->cols.cols[i].name))
				cJSON_AddItemToArray(fields, cJSON_Duplicate(f, 1));
	}
	for (size_t i = 0; i < t->cols.n; i++) {
		const column *c = &t->cols.cols[i];
		if (!t->seen[i] || field_named(fields, c->name))
			continue;
		if (ts->sd && (f = schema_dir_field(ts->sd, t->name, c->name)))
			cJSON_AddItemToArray(fields, cJSON_Duplicate(f, 1));
		else
			add_field(fields, c->name, coltype_bigquery(c->type));
		*added = true;
	}
	if (!field_named(fields, COL_BATCH_ID)) {
		add_field(fields, COL_BATCH_ID, "STRING");
		*added = true;
	}
	if (!field_named(fields, COL_LOADED_AT)) {
		add_field(fields, COL_LOADED_AT, "TIMESTAMP");
		*added = true;
	}
	cJSON_ArrayForEach(f, fields) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(n))
			schema_add(types, n->valuestring, field_type(f), NULL);
	}
	return fields;
}

void bq_table_update(bq_table *tb, const cJSON *fields)
{
	cJSON_Delete(tb->fields);
	tb->fields = cJSON_Duplicate(fields, 1);
	tb->exists = true;
}

int bq_table_ensure(bq_tables *ts, bq_table *tb, const cJSON *fields, char **why)
{
	const options *o = ts->o;
	buf path = { 0 }, body = { 0 };
	bq_reply rep;
	*why = NULL;
	bq_table_path(&path, o, tb->exists ? tb->name : NULL);
	buf_puts(&body, "{\"tableReference\":{\"projectId\":");
	buf_json_string(&body, o->project, strlen(o->project));
	buf_puts(&body, ",\"datasetId\":");
	buf_json_string(&body, o->dataset, strlen(o->dataset));
	buf_puts(&body, ",\"tableId\":");
	buf_json_string(&body, tb->name, strlen(tb->name));
	buf_puts(&body, "},\"schema\":{\"fields\":");
	json_write(&body, fields);
	buf_putc(&body, '}');
	if (!tb->exists)
		bq_table_options_table(&body, o, tb->name, fields);
	buf_putc(&body, '}');
	const char *call = tb->exists ? "tables.patch" : "tables.insert";
	int rc = bq_call(ts->api, call, tb->exists ? "PATCH" : "POST", buf_cstr(&path), "application/json",
			 body.data, body.len, NULL, &rep);
	buf_free(&path);
	buf_free(&body);
	if (rc != VP_EXIT_OK)
		return rc;
	if (rep.status == 200)
		bq_table_update(tb, fields);
	else if (rep.status == 409 && !tb->exists) {
		/* Made meanwhile by someone else: patch it instead. */
		tb->exists = true;
		bq_reply_free(&rep);
		return bq_table_ensure(ts, tb, fields, why);
	} else if (!(rc = bq_status_exit(&rep, call))) {
		if (rep.status >= 500 || rep.status == 429)
			rc = VP_EXIT_TEMPFAIL;
		else
			*why = bq_error_message(&rep);
	}
	bq_reply_free(&rep);
	return rc;
}

void bq_tables_free(bq_tables *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->t[i].name);
		cJSON_Delete(ts->t[i].fields);
	}
	free(ts->t);
	ts->t = NULL;
	ts->n = 0;
}
