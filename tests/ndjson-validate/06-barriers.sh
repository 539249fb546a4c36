#!/usr/bin/env bash
# Barriers (vtex-pipes(7), ACKNOWLEDGEMENTS): a line starting with
# {"vtex_pipes_barrier": is no record. It passes byte for byte, in order,
# never checked, rejected or counted, in every input file; in a pipe it goes
# out at once, after the records read before it, with their rejects already
# in the rejects file (checked while the tool still runs, then after kill -9).
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T_TMP"
echo '{"rules":[{"path":"k","required":true,"type":"integer"}]}' >rules.json
b1='{"vtex_pipes_barrier":{"source":"kafka-cat","run":"9f2c","seq":1,"committed":0,"commit":{"p0":12}}}'
# Not well-formed, yet a barrier all the same: the prefix decides.
b2='{"vtex_pipes_barrier":{"seq":"two"'
printf '%s\n' '{"k":1}' '{"k":"x"}' "$b1" '{"k":2}' 'not json' "$b2" '{ "vtex_pipes_barrier":{"k":3}}' \
	'{"k":4,"vtex_pipes_barrier":1}' >in.ndjson
printf '%s\n' '{"k":1}' "$b1" '{"k":2}' "$b2" '{"k":4,"vtex_pipes_barrier":1}' >want
ndjson-validate --rules rules.json --rejects rej.ndjson --metrics-file m.prom in.ndjson >out 2>err
t_eq "records rejected: exit 1" 1 $?
t_same_file "barriers pass byte for byte and in order among the records" want out
t_eq "only records are rejected (a space after the brace makes a record)" '[2,5,7]' \
	"$(jq -sc 'map(.line)' rej.ndjson)"
t_eq "barriers are not counted: records in, out, rejected" "6 3 3" \
	"$(for o in in out rejected; do prom_value "vtex_pipes_records_total{outcome=\"$o\"}" <m.prom; done | xargs)"

# Several input files: barriers wherever they are, in order.
printf '%s\n' '{"k":1}' "$b1" >f1
printf '%s\n' "$b2" '{"k":2}' "$b1" >f2
ndjson-validate --rules rules.json f1 f2 >out 2>err
printf '%s\n' '{"k":1}' "$b1" "$b2" '{"k":2}' "$b1" >want
t_same_file "barriers in every input file, in order" want out

# In a pipe: the barrier goes out at once, after the records before it, and
# the rejects of those records are in the file before it goes out.
mkfifo fifo
ndjson-validate --rules rules.json --rejects prej.ndjson <fifo >pout 2>perr &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>fifo
printf '%s\n' '{"k":1}' '{"k":"bad"}' '{"k":2}' "$b1" >&3
for _ in $(seq 400); do grep -q vtex_pipes_barrier pout && break; sleep 0.05; done
t_eq "in a pipe: the barrier out after the records before it" \
	"$(printf '%s\n' '{"k":1}' '{"k":2}' "$b1")" "$(cat pout)"
t_eq "... the rejects of the records before it already written" '"bad"' "$(jq -c .record.k prej.ndjson)"
printf '%s\n' '{"k":"bad2"}' >&3
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
t_eq "after kill -9: the rejects before the barrier kept" '"bad"' "$(jq -c .record.k prej.ndjson)"
t_done
