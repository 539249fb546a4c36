/* Test helper: runs SQL on a DuckDB file through the same libduckdb bq-load
 * links, printing rows tab-separated (NULL as \N).
 *   duckdb_query DB SQL...      run each statement, print its rows
 *   duckdb_query --hold SECONDS DB   keep the file open (and locked) that long */
#include <duckdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	duckdb_database db;
	duckdb_connection con;
	int hold = 0;
	if (argc > 2 && !strcmp(argv[1], "--hold")) {
		hold = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || duckdb_open(argv[1], &db) != DuckDBSuccess || duckdb_connect(db, &con) != DuckDBSuccess) {
		fprintf(stderr, "duckdb_query: cannot open %s\n", argc > 1 ? argv[1] : "(none)");
		return 2;
	}
	if (hold) {
		printf("holding\n");
		fflush(stdout);
		sleep((unsigned)hold);
	}
	for (int i = 2; i < argc; i++) {
		duckdb_result r;
		if (duckdb_query(con, argv[i], &r) != DuckDBSuccess) {
			fprintf(stderr, "duckdb_query: %s\n", duckdb_result_error(&r));
			duckdb_destroy_result(&r);
			return 1;
		}
		for (idx_t row = 0; row < duckdb_row_count(&r); row++) {
			for (idx_t col = 0; col < duckdb_column_count(&r); col++) {
				char *v = duckdb_value_is_null(&r, col, row) ? NULL : duckdb_value_varchar(&r, col, row);
				printf("%s%s", col ? "\t" : "", v ? v : "\\N");
				duckdb_free(v);
			}
			printf("\n");
		}
		duckdb_destroy_result(&r);
	}
	duckdb_disconnect(&con);
	duckdb_close(&db);
	return 0;
}
