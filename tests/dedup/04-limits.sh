#!/usr/bin/env bash
# Output closed by the reader (dedup | head -1): exit 74 with a message, never
# a silent SIGPIPE death. Keys outgrowing --max-memory in streaming mode:
# exit 70 after flushing and journalling what went out; the bytes per key.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
gen=$VP_ROOT/tests/dedup/gen.py

python3 "$gen" 200000 100000 3 >in.ndjson
dedup --key orderId in.ndjson 2>err | head -1 >/dev/null
rc=${PIPESTATUS[0]}
t_eq "dedup | head -1: exit 74" 74 "$rc"
grep -q 'output closed by the reader' err && t_ok "dedup | head -1: says the output was closed" ||
	t_fail "EPIPE message" "$(cat err)"

# With versions, 1 MiB holds 64 shards of 512 slots of 24 bytes (768 KiB), 3/4
# full at 24576 keys, with some shards doubled; the seed is random, so the count
# varies a little. The run stops at the first key past the limit.
dedup --key orderId --newest-by lastChange --max-memory 1M --state st in.ndjson >out 2>err
t_eq "keys past --max-memory: exit 70" 70 $?
grep -q 'outgrew --max-memory' err && t_ok "keys past --max-memory: said so" || t_fail "message" "$(cat err)"
keys=$(jq -r .orderId out | sort -u | wc -l)
held=$(grep -o 'msg="the keys outgrew.*keys=[0-9]*' err | grep -o '[0-9]*$')
t_eq "keys past --max-memory: every key held went out" "$held" "$keys"
[ "$keys" -ge 16384 ] && [ "$keys" -le 32768 ] && t_ok "1 MiB held $keys keys (16384 to 32768)" ||
	t_fail "keys held in 1 MiB" "$keys"
# The state holds exactly what went out: a rerun with more memory emits the rest.
dedup --key orderId --newest-by lastChange --state st in.ndjson >out2 2>err
cat out out2 >both
dedup --key orderId --newest-by lastChange in.ndjson >all 2>err
t_eq "after exit 70, a rerun completes the output" "$(sort all | md5sum)" "$(sort both | md5sum)"

# Bytes per key, as the metrics report them: 24-byte slots, load between 3/8 and 3/4.
dedup --key orderId --newest-by lastChange --metrics-file m.prom in.ndjson >/dev/null 2>err
keys=$(awk '/^vtex_pipes_dedup_keys/ {print $2}' m.prom)
bytes=$(awk '/^vtex_pipes_dedup_memory_bytes/ {print $2}' m.prom)
per_key=$((bytes / keys))
[ "$per_key" -ge 32 ] && [ "$per_key" -le 64 ] && t_ok "with --newest-by: $per_key bytes per key (32 to 64)" ||
	t_fail "bytes per key" "$bytes / $keys"
dedup --key orderId --metrics-file m.prom in.ndjson >/dev/null 2>err
bytes=$(awk '/^vtex_pipes_dedup_memory_bytes/ {print $2}' m.prom)
per_key=$((bytes / keys))
[ "$per_key" -ge 21 ] && [ "$per_key" -le 43 ] && t_ok "keep-first: $per_key bytes per key (21 to 43)" ||
	t_fail "bytes per key" "$bytes / $keys"
t_done
