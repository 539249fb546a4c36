#!/usr/bin/env bash
# Names as BigQuery compares them, against goccy/bigquery-emulator: a field
# differing only in letter case from an existing column sends its row to the
# rejects with the reason while the rest of the batch loads (before: the load
# job failed on a duplicate column); a _table naming bq-load's own
# bookkeeping table is refused as on DuckDB.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
D=$T_TMP
bq_start_emulator bronze
export BQ_TOKEN=test-token
reasons() { python3 -c 'import json,sys; [print(r["line"], r["reason"]) for r in map(json.loads, open(sys.argv[1]))]' "$1"; }
rows() { # TABLE: its id values, sorted
	curl -s "$EP/bigquery/v2/projects/test/datasets/bronze/tables/$1/data" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(*sorted(int(r["f"][0]["v"]) for r in d.get("rows", [])))'
}

for mode in load stream; do
	echo '{"_table":"orders_'$mode'","id":1,"name":"a"}' |
		bq-load --target bigquery:test.bronze --endpoint "$EP" --mode $mode >/dev/null 2>"$D/first.err"
	t_eq "$mode: the table is made" 0 $?
	printf '%s\n' '{"_table":"orders_'$mode'","ID":3}' '{"_table":"orders_'$mode'","id":4,"Name":"b"}' \
		'{"_table":"orders_'$mode'","id":5,"_LOADED_AT":"x"}' '{"_table":"_vtex_pipes_BATCHES","id":6}' \
		'{"_table":"orders_'$mode'","id":7,"name":"c"}' >"$D/in.ndjson"
	bq-load --target bigquery:test.bronze --endpoint "$EP" --mode $mode --rejects "$D/rej.$mode" \
		<"$D/in.ndjson" >"$D/out.$mode" 2>"$D/err.$mode"
	t_eq "$mode: the batch loads, rejects counted: exit 1" 1 $?
	t_eq "$mode: each refused row in the rejects with its reason" \
"1 field ID differs only in letter case from the table's column id
2 field Name differs only in letter case from the table's column name
4 _table names bq-load's own bookkeeping table (_vtex_pipes_batches)" "$(reasons "$D/rej.$mode" | sort -n)"
	t_eq "$mode: the rest loaded" "1 5 7" "$(rows orders_$mode)"
done
t_done
