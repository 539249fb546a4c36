#!/usr/bin/env bash
# bq-load and checkpoint barriers (vtex-pipes(7), ACKNOWLEDGEMENTS), on
# DuckDB: a barrier line is never a row, with or without --ack-to, and ends
# the batch; with --ack-to it is written there only once the rows before it
# are committed (kill -9 at the moment it appears: they are in the file),
# while the rows after it are read; a bq-load killed mid-batch, or whose load
# fails, acknowledges nothing of it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
bq_build_query_helper
D=$T_TMP
BARRIER='{"vtex_pipes_barrier":'

# barrier SEQ: a source's barrier line.
barrier() { printf '{"vtex_pipes_barrier":{"source":"test","run":"0123456789abcdef0123456789abcdef","seq":%d,"committed":%d,"commit":{"n":%d}}}\n' "$1" $(($1 - 1)) "$1"; }
# rows TABLE FROM TO: rows of TABLE ("" for none: --table's).
rows() {
	local t=${1:+\"_table\":\"$1\",}
	seq "$2" "$3" | awk -v t="$t" '{ printf "{%s\"_row_id\":\"r%d\",\"n\":%d,\"pad\":\"%040d\"}\n", t, $1, $1, $1 }'
}
until_ok() { local _; for _ in $(seq 300); do "$@" && return 0; sleep 0.05; done; return 1; }
count() { grep -c . "$1" 2>/dev/null; }
has_lines() { [ "$(count "$1")" = "$2" ]; }
# drained FD: the pipe behind our descriptor FD holds nothing unread (the reader took it all).
drained() { python3 -c 'import array, fcntl, sys, termios; b = array.array("i", [0]); fcntl.ioctl(int(sys.argv[1]), termios.FIONREAD, b); sys.exit(b[0] != 0)' "$1"; }
# free DB: no process holds the file (bq-load lets go once its input is quiet).
free() { q "$1" "select 1" >/dev/null 2>&1; }

# --- A barrier is never a row, and ends the batch -----------------------------
{ rows "" 1 3; barrier 1; rows "" 4 5; barrier 2; } >"$D/in1"
bq-load --target duckdb:"$D/plain.duckdb" --table plain --rejects "$D/rej1" <"$D/in1" >"$D/out1" 2>"$D/err1"
t_eq "without --ack-to: exit 0" 0 $?
t_eq "the barriers are not rows (with --table, one would have been)" "5 5" \
	"$(q "$D/plain.duckdb" "select count(*), count(distinct _row_id) from bronze.plain" | tr '\t' ' ')"
t_eq "nor columns" "" "$(q "$D/plain.duckdb" "select column_name from information_schema.columns where column_name like 'vtex%'")"
t_eq "nor rejects" 0 "$(count "$D/rej1")"
t_eq "the barrier ended a batch, the input's end the other" "3 2" "$(grep -o '"rows":[0-9]*' "$D/out1" | cut -d: -f2 | paste -sd' ')"

bq-load --target duckdb:"$D/acked.duckdb" --table plain --ack-to "$D/acks1" --metrics-file "$D/m1.prom" \
	<"$D/in1" >/dev/null 2>"$D/err1b"
t_eq "with --ack-to a file: exit 0" 0 $?
t_run "every barrier acknowledged, byte for byte, in order" cmp -s <(grep "^$BARRIER" "$D/in1") "$D/acks1"
t_eq "the acknowledgement file is 0600" 600 "$(stat -c %a "$D/acks1")"
t_eq "counted in vtex_pipes_acks_written_total" 2 "$(prom_value vtex_pipes_acks_written_total <"$D/m1.prom")"
t_eq "barriers are not counted as records" 5 "$(prom_value 'vtex_pipes_records_total{outcome="in"}' <"$D/m1.prom")"
t_eq "same rows as without --ack-to" "5" "$(q "$D/acked.duckdb" "select count(*) from bronze.plain")"

# Barriers that come while a batch is being loaded join the next batch (as
# they do when they queued up behind a slow load) rather than each ending one.
for i in $(seq 200); do rows "" "$i" "$i"; barrier "$i"; done >"$D/burst"
bq-load --target duckdb:"$D/burst.duckdb" --table burst --ack-to "$D/acks-burst" <"$D/burst" >"$D/out-burst" 2>/dev/null
t_eq "a burst of 200 rows and barriers: exit 0, every row in" "0 200" "$? $(q "$D/burst.duckdb" "select count(*) from bronze.burst")"
t_run "every barrier acknowledged, in order" cmp -s <(grep "^$BARRIER" "$D/burst") "$D/acks-burst"
t_run "in fewer batches than barriers" test "$(count "$D/out-burst")" -lt 100

# --- Acknowledged only once committed -----------------------------------------
# kill -9 the moment the acknowledgement appears: the rows are in the file.
DB=$D/w.duckdb
mkfifo "$D/in2"
bq-load --target duckdb:"$DB" --ack-to "$D/acks2" <"$D/in2" >/dev/null 2>"$D/err2" &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>"$D/in2"
rows big 1 20000 >&3
barrier 1 >&3
t_run "the barrier after 20000 rows is acknowledged" until_ok has_lines "$D/acks2" 1
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
t_eq "killed as it appeared: the 20000 rows before it are committed" 20000 "$(q "$DB" "select count(*) from bronze.big")"

# kill -9 mid-batch: rows read, their barrier not yet come.
mkfifo "$D/in3"
bq-load --target duckdb:"$DB" --ack-to "$D/acks3" <"$D/in3" >/dev/null 2>"$D/err3" &
pid=$!
t_on_exit "kill -9 $pid 2>/dev/null"
exec 3>"$D/in3"
{ rows mid 1 10; barrier 1; } >&3
t_run "a first batch is acknowledged" until_ok has_lines "$D/acks3" 1
rows mid 11 20 >&3
t_run "the next rows are read" until_ok drained 3
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
t_eq "kill -9 mid-batch: no acknowledgement for it" 1 "$(count "$D/acks3")"
t_eq "and its rows are not committed" 10 "$(q "$DB" "select count(*) from bronze.mid")"

# The barrier has come but its batch cannot be committed (another process
# holds the file): killed then, or failing, bq-load acknowledges nothing.
for how in kill fail; do
	mkfifo "$D/in-$how"
	bq-load --target duckdb:"$DB" --ack-to "$D/acks-$how" --lock-timeout "$([ $how = kill ] && echo 60 || echo 1)" \
		<"$D/in-$how" >/dev/null 2>"$D/err-$how" &
	pid=$!
	t_on_exit "kill -9 $pid 2>/dev/null"
	exec 3>"$D/in-$how"
	{ rows "held_$how" 1 10; barrier 1; } >&3
	until_ok has_lines "$D/acks-$how" 1 && until_ok free "$DB" || t_fail "$how: bq-load runs and lets go of the file"
	"$T_TMP/duckdb_query" --hold 30 "$DB" >"$D/hold-$how" &
	holder=$!
	t_on_exit "kill $holder 2>/dev/null"
	until_ok grep -q holding "$D/hold-$how"
	{ rows "held_$how" 11 20; barrier 2; } >&3
	until_ok drained 3
	if [ $how = kill ]; then
		rows "held_$how" 21 30 >&3
		t_run "the rows after barrier 2 are read while its batch waits for the file" until_ok drained 3
		kill -9 $pid
		wait $pid 2>/dev/null
		t_eq "killed while its batch waits for the file: barrier 2 not acknowledged" 1 "$(count "$D/acks-$how")"
	else
		wait $pid
		t_eq "the load fails (the lock stays held): its usual exit code, 75" 75 $?
		t_eq "and barrier 2 is not acknowledged" 1 "$(count "$D/acks-$how")"
	fi
	exec 3>&-
	kill $holder
	wait $holder 2>/dev/null
	t_eq "$how: only the acknowledged rows are in" 10 "$(q "$DB" "select count(*) from bronze.held_$how")"
done

# --- A FIFO nobody reads: the acknowledgement is dropped, not an error -------
mkfifo "$D/nobody"
{ rows gone 1 2; barrier 1; } | bq-load --target duckdb:"$DB" --ack-to "$D/nobody" >/dev/null 2>"$D/err5"
t_eq "no source on the FIFO: exit 0" 0 $?
t_run "with a warning" grep -q 'no source reads the acknowledgement FIFO' "$D/err5"
t_eq "the rows are loaded" 2 "$(q "$DB" "select count(*) from bronze.gone")"

t_exit "--ack-to with --dry-run is a usage error" 64 bq-load --dry-run --ack-to "$D/x" </dev/null 2>/dev/null
t_done
