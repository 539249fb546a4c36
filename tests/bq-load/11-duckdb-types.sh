#!/usr/bin/env bash
# DuckDB for real: column types from JSON values, schema evolution (new
# columns, widening, a NULL-only column taking its first type), routing by
# _table or --table, and rows refused one by one into the rejects file.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
bq_build_query_helper
D=$T_TMP DB=$T_TMP/w.duckdb

printf '%s\n' \
	'{"_table":"t","_row_id":"r1","b":true,"i":42,"f":1.5,"s":"olá","o":{"a":[1,2]},"n":null,"big":-9007199254740993}' \
	'{"_table":"t","_row_id":"r2","b":false,"i":-7,"f":2,"s":"x\"y","o":[],"n":null,"big":12}' \
	>"$D/one.ndjson"
bq-load --target duckdb:"$DB" <"$D/one.ndjson" >"$D/out1" 2>"$D/err1"
t_eq "first load exits 0" 0 $?
t_eq "column types from the values" \
	"$(printf '%s\n' _row_id:VARCHAR b:BOOLEAN i:BIGINT f:DOUBLE s:VARCHAR o:JSON n:VARCHAR big:BIGINT _batch_id:VARCHAR _loaded_at:TIMESTAMP)" \
	"$(q "$DB" "select column_name || ':' || data_type from information_schema.columns where table_schema='bronze' and table_name='t' order by ordinal_position")"
t_eq "values as sent" "$(printf 'r1\ttrue\t42\t1.5\tolá\t{"a":[1,2]}\t\\N\t-9007199254740993\nr2\tfalse\t-7\t2.0\tx"y\t[]\t\\N\t12')" \
	"$(q "$DB" "select _row_id, b, i, f, s, o, n, big from bronze.t order by _row_id")"
t_eq "_batch_id and _loaded_at on every row" "2	1	1" \
	"$(q "$DB" "select count(*), count(distinct _batch_id), count(distinct _loaded_at) from bronze.t where _batch_id is not null and _loaded_at > now()::timestamp - interval 1 hour")"
t_eq "summary line on stdout" '"status":"loaded","rows":2' "$(grep -o '"status":"loaded","rows":2' "$D/out1")"
t_eq "batch recorded" "t	2" "$(q "$DB" "select table_name, row_count from bronze._vtex_pipes_batches")"

# Evolution: a new column, INT -> DOUBLE, DOUBLE -> VARCHAR, BOOLEAN -> VARCHAR,
# the NULL-only n takes BIGINT, JSON -> VARCHAR.
printf '%s\n' \
	'{"_table":"t","_row_id":"r3","b":"maybe","i":2.25,"f":"high","s":"z","o":"text","n":5,"new_col":"hello"}' \
	>"$D/two.ndjson"
bq-load --target duckdb:"$DB" <"$D/two.ndjson" >/dev/null 2>"$D/err2"
t_eq "second load exits 0" 0 $?
t_eq "columns widened and added" \
	"$(printf '%s\n' _row_id:VARCHAR b:VARCHAR i:DOUBLE f:VARCHAR s:VARCHAR o:VARCHAR n:BIGINT big:BIGINT _batch_id:VARCHAR _loaded_at:TIMESTAMP new_col:VARCHAR)" \
	"$(q "$DB" "select column_name || ':' || data_type from information_schema.columns where table_schema='bronze' and table_name='t' order by ordinal_position")"
t_eq "old values kept through widening" "$(printf 'r1\ttrue\t42.0\t1.5\t\\N\nr2\tfalse\t-7.0\t2.0\t\\N\nr3\tmaybe\t2.25\thigh\thello')" \
	"$(q "$DB" "select _row_id, b, i, f, new_col from bronze.t order by _row_id")"
t_run "widening is logged" grep -q 'widening a column' "$D/err2"

# Routing: --table for rows without _table; refusals one by one.
printf '%s\n' '{"k":1}' '{"_table":"other","k":2}' 'not json' '{"_table":"bad name","k":3}' \
	'{"_table":"t","Row":1,"row":2}' '{"_table":"t","a-b":1}' '{"_table":"t","x":1,"x":2}' \
	'{"_table":5}' '{"_table":"t","f":1e999}' >"$D/three.ndjson"
printf '{"_table":"t","s":"\xff"}\n' >>"$D/three.ndjson"
bq-load --target duckdb:"$DB" --table plain --rejects "$D/rej" <"$D/three.ndjson" >/dev/null 2>"$D/err3"
t_eq "exit 1 when rows were rejected" 1 $?
t_eq "--table row and _table row loaded" "1 2" "$(q "$DB" "select k from bronze.plain" "select k from bronze.other" | tr '\n' ' ' | sed 's/ $//')"
t_eq "8 rows rejected" 8 "$(wc -l <"$D/rej")"
t_eq "each with its reason" \
	"$(printf '%s\n' 'invalid JSON' '_table is not a valid table name (letters, digits, _)' \
		'two field names differ only by letter case (the warehouse'"'"'s names do not)' \
		'a field name is not a valid column name (letters, digits, _; at most 300)' \
		'a field appears twice in the row' '_table is not a string' 'a number is out of range' 'invalid UTF-8')" \
	"$(python3 -c 'import json,sys; [print(json.loads(l)["reason"]) for l in open(sys.argv[1], encoding="utf-8", errors="replace")]' "$D/rej")"
t_eq "rejects carry line numbers" "3 4 5 6 7 8 9 10" \
	"$(python3 -c 'import json,sys; print(*[json.loads(l)["line"] for l in open(sys.argv[1], errors="replace")])' "$D/rej")"
printf '%s\n' '{"k":1}' | bq-load --target duckdb:"$DB" --rejects "$D/rej2" >/dev/null 2>&1
t_eq "no _table and no --table: rejected" "no _table in the row and no --table" \
	"$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["reason"])' "$D/rej2")"

# --dataset names the schema.
printf '%s\n' '{"_table":"t","v":1}' | bq-load --target duckdb:"$DB" --dataset silver_in >/dev/null 2>&1
t_eq "--dataset is the DuckDB schema" 1 "$(q "$DB" "select v from silver_in.t")"
t_done
