#!/usr/bin/env bash
# bq-load --ack-to against BigQuery's REST API (goccy/bigquery-emulator): in
# stream mode (insertAll) a barrier is acknowledged once the rows before it
# are answered, and they read back then; barriers never become rows; load
# jobs acknowledge the same way.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
D=$T_TMP
bq_start_emulator bronze
export BQ_TOKEN=test-token
BARRIER='{"vtex_pipes_barrier":'

barrier() { printf '{"vtex_pipes_barrier":{"source":"test","run":"0123456789abcdef0123456789abcdef","seq":%d,"committed":%d,"commit":{"n":%d}}}\n' "$1" $(($1 - 1)) "$1"; }
rows() { # TABLE FROM TO
	seq "$2" "$3" | awk -v t="$1" '{ printf "{\"_table\":\"%s\",\"_row_id\":\"r%d\",\"n\":%d,\"city\":\"São Paulo\"}\n", t, $1, $1 }'
}
until_ok() { local _; for _ in $(seq 300); do "$@" && return 0; sleep 0.05; done; return 1; }
has_lines() { [ "$(grep -c . "$1" 2>/dev/null)" = "$2" ]; }
readback() { python3 "$VP_ROOT/tests/bq-load/bq_readback.py" "$EP" test bronze "$1" >"$D/readback.out" 2>&1 || { cat "$D/readback.out"; return 1; }; }

# Stream mode, fed through a pipe the test holds open: at each acknowledgement
# exactly the rows before the barrier read back.
mkfifo "$D/in"
bq-load --target bigquery:test.bronze --endpoint "$EP" --mode stream --stream-rows 25 --flush-ms 60000 \
	--ack-to "$D/acks" --metrics-file "$D/m.prom" <"$D/in" >"$D/out" 2>"$D/err" &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>"$D/in"
rows st_acks 1 60 | tee "$D/part1" >&3
barrier 1 >&3
t_run "stream: the barrier after 60 rows is acknowledged" until_ok has_lines "$D/acks" 1
t_run "then exactly those 60 rows read back" readback "$D/part1"
rows st_acks 61 90 | tee "$D/part2" >&3
barrier 2 >&3
t_run "the second barrier is acknowledged" until_ok has_lines "$D/acks" 2
t_run "then all 90 rows read back" readback <(cat "$D/part1" "$D/part2")
exec 3>&-
wait $pid
t_eq "stream: exit 0 at the end of the input" 0 $?
t_run "the acknowledgements are the barriers, byte for byte" cmp -s <(barrier 1; barrier 2) "$D/acks"
t_eq "no column came from a barrier" "" \
	"$(curl -s "$EP/bigquery/v2/projects/test/datasets/bronze/tables/st_acks" | jq -r '.schema.fields[].name | select(startswith("vtex"))')"
t_eq "counted" 2 "$(prom_value vtex_pipes_acks_written_total <"$D/m.prom")"

# Load jobs: the same input as a file.
{ rows ld_acks 1 40; barrier 1; rows ld_acks 41 50; barrier 2; } >"$D/ld.ndjson"
bq-load --target bigquery:test.bronze --endpoint "$EP" --ack-to "$D/ld.acks" <"$D/ld.ndjson" >"$D/ld.out" 2>"$D/ld.err"
t_eq "load jobs: exit 0" 0 $?
t_eq "one job per batch the barriers ended" 2 "$(grep -c '"status":"loaded".*"job_id"' "$D/ld.out")"
t_run "both barriers acknowledged" cmp -s <(grep "^$BARRIER" "$D/ld.ndjson") "$D/ld.acks"
t_run "the 50 rows read back, and nothing else" readback <(grep -v "^$BARRIER" "$D/ld.ndjson")
t_done
