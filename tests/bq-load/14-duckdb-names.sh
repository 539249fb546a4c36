#!/usr/bin/env bash
# Names as DuckDB compares them (without letter case) and bq-load's own names
# reserved: a _table differing only in case from an existing table, a field
# differing only in case from an existing column, a _table naming the
# bookkeeping table each send their row to the rejects with the reason while
# the rest of the batch loads (before: exit 70, the whole batch lost, every
# retry the same).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
bq_build_query_helper
D=$T_TMP DB=$T_TMP/w.duckdb
reasons() { python3 -c 'import json,sys; [print(r["line"], r["reason"]) for r in map(json.loads, open(sys.argv[1]))]' "$1"; }

echo '{"_table":"orders","id":1,"name":"a"}' | bq-load --target duckdb:"$DB" >/dev/null 2>&1
printf '%s\n' '{"_table":"Orders","id":2}' '{"_table":"orders","ID":3}' '{"_table":"orders","id":4,"Name":"b"}' \
	'{"_table":"orders","id":5,"_BATCH_ID":"x"}' '{"_table":"_VTEX_pipes_batches","id":6}' '{"_table":"other","id":7}' \
	'{"_table":"new","a":8}' '{"_table":"new","A":9,"b":1}' '{"_table":"new","a":10,"A":1}' >"$D/in.ndjson"
bq-load --target duckdb:"$DB" --rejects "$D/rej" <"$D/in.ndjson" >"$D/out" 2>"$D/err"
t_eq "the batch loads, rejects counted: exit 1" 1 $?
t_eq "each refused row in the rejects with its reason" \
"1 _table differs only in letter case from an existing table
2 field ID differs only in letter case from the table's column id
3 field Name differs only in letter case from the table's column name
5 _table names bq-load's own bookkeeping table (_vtex_pipes_batches)
8 field A differs only in letter case from the table's column a
9 two field names differ only by letter case (the warehouse's names do not)" "$(reasons "$D/rej" | sort -n)"
t_eq "the rest loaded (lineage fields in any case ignored)" "1 5|7|8" \
	"$(q "$DB" "select string_agg(id::varchar, ' ' order by id) from bronze.orders" "select id from bronze.other" \
		"select a from bronze.new" | paste -sd'|')"
t_eq "no table or column in a second spelling (b came only with a refused row)" "new.a orders.id orders.name other.id" \
	"$(q "$DB" "select string_agg(table_name || '.' || column_name, ' ' order by table_name, column_name) from information_schema.columns where table_schema = 'bronze' and column_name not like '\_%' escape '\\' and table_name not like '\_%' escape '\\'")"
bq-load --target duckdb:"$DB" --rejects "$D/rej2" <"$D/in.ndjson" >"$D/out2" 2>/dev/null
t_eq "a re-run loads nothing twice" "2 1 1" \
	"$(q "$DB" "select count(*) from bronze.orders" "select count(*) from bronze.other" "select count(*) from bronze.new" | paste -sd' ')"
t_done
