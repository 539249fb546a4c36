#!/usr/bin/env bash
# A group consumer killed mid-stream (SIGKILL: no flush, no commit, no
# goodbye) and started again reads on from its last commit: no message is
# missing from its output; the ones written after the last commit come again
# (duplicates, counted and bounded by what one commit interval can hold).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
cd "$T_TMP"
kafka_start --set num.partitions=3
N=60000
python3 -c "
for i in range($N): print('{\"seq\":%d,\"pad\":\"%s\"}' % (i, 'x' * 200))" >in.ndjson
kafka-cat -P -t stream -q <in.ndjson
t_eq "$N messages produced" 0 $?

GX=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500 --commit-interval-ms 100)
# A slow reader downstream (a pipe that drains in bursts), so the kill lands mid-stream.
( kafka-cat -C -G k1 -t stream "${GX[@]}" 2>c1.err | python3 -c '
import sys, time
out = open("out.ndjson", "a")
for i, line in enumerate(sys.stdin):
    if not line.endswith("\n"):
        break  # torn by the kill in the middle of a write: not a line
    out.write(line)
    if i % 2000 == 0:
        out.flush(); time.sleep(0.05)
' ) &
P=$!
t_on_exit "pkill -9 -P $P 2>/dev/null; kill -9 $P 2>/dev/null"
wait_for 60 eval '[ -s out.ndjson ] && [ $(wc -l <out.ndjson) -ge 15000 ]'
KC=$(pgrep -P $P -f 'kafka-cat -C' || pgrep -f "kafka-cat -C -G k1" | head -1)
kill -9 $KC
wait $P 2>/dev/null
first=$(wc -l <out.ndjson)
[ "$first" -lt $N ] && t_ok "killed mid-stream after $first messages" || t_fail "killed mid-stream" "$first >= $N"

# Start again: it resumes from the group's committed offsets, to the end.
kafka-cat -C -G k1 -t stream -e "${GX[@]}" >>out.ndjson 2>c2.err
t_eq "restarted consumer exits 0 at the end" 0 $?
python3 - out.ndjson $N <<'PY' >check.txt
import json, sys
seen = {}
for line in open(sys.argv[1]):
    s = json.loads(line)["seq"]
    seen[s] = seen.get(s, 0) + 1
n = int(sys.argv[2])
missing = [s for s in range(n) if s not in seen]
dups = sum(c - 1 for c in seen.values())
print(len(missing), dups)
PY
read -r missing dups <check.txt
t_eq "no gap: every message in the output" 0 "$missing"
echo "# duplicates (written after the last commit, read again): $dups"
[ "$dups" -lt 20000 ] && t_ok "duplicates bounded ($dups)" || t_fail "duplicates bounded" "$dups"
t_done
