#!/usr/bin/env bash
# Barriers (vtex-pipes(7), ACKNOWLEDGEMENTS): a line starting with
# {"vtex_pipes_barrier": is no record. It passes byte for byte (no rows, no
# _table), in order after the rows of the records before it, never rejected
# or counted, in every input file; in a pipe it goes out at once, with the
# rejects of the records before it already in the rejects file (checked while
# the tool still runs, then after kill -9).
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T_TMP"
b1='{"vtex_pipes_barrier":{"source":"kafka-cat","run":"9f2c","seq":1,"committed":0,"commit":{"p0":12}}}'
# Not well-formed, yet a barrier all the same: the prefix decides.
b2='{"vtex_pipes_barrier":{"seq":"two"'
printf '%s\n' '{"id":1,"a":[{"x":1}]}' '{"a":2}' "$b1" '{"id":2}' 'not json' "$b2" \
	'{ "vtex_pipes_barrier":1,"id":3}' >in.ndjson
ndjson-normalize --root t --pk id --rejects rej.ndjson --metrics-file m.prom in.ndjson >out 2>err
t_eq "records rejected: exit 1" 1 $?
t_eq "barriers pass byte for byte, in order after the rows before them" \
	"$(printf '%s\n' t t__a "$b1" t "$b2" t)" "$(jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then . else fromjson._table end' out)"
t_eq "only records are rejected" '[2,5]' "$(jq -sc 'map(.line)' rej.ndjson)"
t_eq "a space after the brace makes a record, normalized" '3 1' \
	"$(tail -1 out | jq -j '.id, " ", .vtex_pipes_barrier')"
t_eq "barriers are not counted: records in, out, rejected; rows" "5 3 2 4" \
	"$({ for o in in out rejected; do prom_value "vtex_pipes_records_total{outcome=\"$o\"}" <m.prom; done
	   prom_value vtex_pipes_rows_total <m.prom; } | xargs)"

# Several input files: barriers wherever they are, in order.
printf '%s\n' '{"id":1}' "$b1" >f1
printf '%s\n' "$b2" '{"id":2}' "$b1" >f2
ndjson-normalize --root t --pk id f1 f2 >out 2>err
t_eq "barriers in every input file, in order" "$(printf '%s\n' 1 "$b1" "$b2" 2 "$b1")" \
	"$(jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then . else fromjson.id end' out)"

# In a pipe: the barrier goes out at once, after the rows before it, and the
# rejects of the records before it are in the file before it goes out.
mkfifo fifo
ndjson-normalize --root t --pk id --rejects prej.ndjson <fifo >pout 2>perr &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>fifo
printf '%s\n' '{"id":1}' '{"bad":1}' '{"id":2}' "$b1" >&3
for _ in $(seq 400); do grep -q vtex_pipes_barrier pout && break; sleep 0.05; done
t_eq "in a pipe: the barrier out after the rows before it" "$(printf '%s\n' t t "$b1")" \
	"$(jq -Rr 'if startswith("{\"vtex_pipes_barrier\":") then . else fromjson._table end' pout)"
t_eq "... the rejects of the records before it already written" '{"bad":1}' "$(jq -c .record prej.ndjson)"
printf '%s\n' '{"bad":2}' >&3
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
t_eq "after kill -9: the rejects before the barrier kept" '{"bad":1}' "$(jq -c .record prej.ndjson)"
t_done
