#!/usr/bin/env bash
# VTEX_PIPES_METRICS_INTERVAL: a long-running stage (here dedup, reading a
# pipe that stays open) rewrites its metrics file that often while it runs,
# whole each time, so a textfile collector sees it move; the file at exit is
# the final count. A bad value is ignored with a warning.
. "$(dirname "$0")/../lib.sh"
command -v dedup >/dev/null || { echo "dedup not built"; exit 77; }
cd "$T_TMP"
mkfifo in
VTEX_PIPES_METRICS_INTERVAL=0.2 dedup --key id --metrics-file m.prom <in >out 2>err &
pid=$!
exec 3>in
for i in 1 2 3; do echo "{\"id\":$i}" >&3; done
count() { awk '/^vtex_pipes_records_total\{.*outcome="in"\}/ {print $2}' m.prom 2>/dev/null; }
for _ in $(seq 50); do [ "$(count)" = 3 ] && break; sleep 0.1; done
t_eq "while running: the file counts the 3 records read so far" 3 "$(count)"
t_run "dedup is still running" kill -0 "$pid"
for i in 3 4 5; do echo "{\"id\":$i}" >&3; done
for _ in $(seq 50); do [ "$(count)" = 6 ] && break; sleep 0.1; done
t_eq "... and later the 6" 6 "$(count)"
exec 3>&-
wait "$pid"
t_eq "dedup: exit 0 at the end of input" 0 $?
t_eq "the file at exit: 6 in, 1 duplicate" "6 1" \
	"$(awk '/outcome="in"/ {i=$2} /outcome="duplicate"/ {d=$2} END {print i, d}' m.prom)"
t_eq "no temporary file left behind" "m.prom" "$(ls | grep 'm.prom' | paste -sd' ')"
echo '{"id":1}' | VTEX_PIPES_METRICS_INTERVAL=soon dedup --key id >/dev/null 2>err2
t_eq "a bad interval: still exit 0" 0 $?
t_run "... with a warning" grep -q 'level=warn.*VTEX_PIPES_METRICS_INTERVAL' err2
t_done
