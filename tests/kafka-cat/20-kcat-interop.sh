#!/usr/bin/env bash
# kafka-cat and kcat (Debian's) against one real broker: each reads what the
# other wrote, byte for byte; keys land on the partition kcat would choose;
# -K, -k and -H as kcat reads them; --key-field with rejects; the -J envelope
# produced back unchanged; -o offsets and -c; -L.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need kcat
cd "$T_TMP"
# Auto-created topics get six partitions.
kafka_start --set num.partitions=6
B=$KAFKA_BROKERS

# Lines of many kinds: JSON, unicode, tabs, quotes, backslashes, long ones.
python3 - >lines.txt <<'PY'
import json, random
random.seed(7)
for i in range(20000):
    k = i % 5
    if k == 0: print(json.dumps({"OrderId": f"v{i:07d}-01", "State": "invoiced", "n": i}))
    elif k == 1: print(f"plain text {i}\twith tab \"quotes\" and \\ backslash")
    elif k == 2: print(f"olá ação 中文 😀 {i}")
    elif k == 3: print("x" * random.randint(1, 5000) + str(i))
    else: print(json.dumps({"nested": {"id": i, "items": list(range(i % 7))}}, separators=(",", ":")))
PY

# kafka-cat writes (one partition, so order is the input's), kcat reads.
kafka-cat -P -t one -p 0 -q <lines.txt
t_eq "kafka-cat -P exits 0" 0 $?
kcat -b "$B" -C -t one -p 0 -o beginning -e -q >kcat-read.txt 2>kcat.err
t_same_file "kcat reads what kafka-cat wrote, byte for byte" lines.txt kcat-read.txt

# kcat writes, kafka-cat reads.
kcat -b "$B" -P -t two -p 0 <lines.txt
kafka-cat -C -t two -p 0 -e -q >kc-read.txt
t_eq "kafka-cat -C exits 0" 0 $?
t_same_file "kafka-cat reads what kcat wrote, byte for byte" lines.txt kc-read.txt

# Across six partitions (no key: any partition); the same set of lines.
kafka-cat -P -t six -q <lines.txt
kcat -b "$B" -C -t six -o beginning -e -q | sort >six-kcat.txt
kafka-cat -C -t six -e -q | sort >six-kc.txt
sort lines.txt >sorted.txt
t_same_file "six partitions: kcat reads every line kafka-cat wrote" sorted.txt six-kcat.txt
t_same_file "six partitions: kafka-cat reads every line too" sorted.txt six-kc.txt

# Keys: kafka-cat --key-field and kcat -K choose the same partition for a key
# when both use the same partitioner. librdkafka's default (kcat's) is
# consistent_random (CRC32 of the key); kafka-cat's default is murmur2_random,
# the Java client's; so the comparison names the partitioner explicitly, once
# for each hash.
python3 -c '
import json
for i in range(3000): print(json.dumps({"OrderId": "v%07d-01" % (i * 7919 % 100000), "i": i}))' >keyed.ndjson
python3 -c '
import json,sys
for l in open("keyed.ndjson"): print(json.loads(l)["OrderId"] + "\t" + l, end="")' >keyed.tsv
for p in murmur2_random consistent_random; do
	kafka-cat -P -t "keys-kc-$p" --key-field OrderId -X partitioner=$p -q <keyed.ndjson
	kcat -b "$B" -P -t "keys-kcat-$p" -K $'\t' -X partitioner=$p <keyed.tsv
	kcat -b "$B" -C -t "keys-kc-$p" -o beginning -e -q -f '%k %p\n' | sort -u >kc-$p.map
	kcat -b "$B" -C -t "keys-kcat-$p" -o beginning -e -q -f '%k %p\n' | sort -u >kcat-$p.map
	t_same_file "partitioner $p: each key on kcat's partition" kcat-$p.map kc-$p.map
	n=$(cut -d' ' -f2 kc-$p.map | sort -u | wc -l)
	t_eq "partitioner $p: keys spread over all six partitions" 6 "$n"
	[ "$(cut -d' ' -f1 kc-$p.map | sort | uniq -d | wc -l)" = 0 ] && t_ok "partitioner $p: a key never on two partitions" ||
		t_fail "partitioner $p: a key never on two partitions"
done
# Without -X, kafka-cat uses murmur2_random (the Java producers' choice).
kafka-cat -P -t keys-default --key-field OrderId -q <keyed.ndjson
kcat -b "$B" -C -t keys-default -o beginning -e -q -f '%k %p\n' | sort -u >kc-default.map
t_same_file "default partitioner is murmur2_random" kcat-murmur2_random.map kc-default.map

# -K, -k, -H as kcat sees them.
printf 'k1:v1\nk2:v:2\nnodelim\n' | kafka-cat -P -t delim -p 0 -K : -H src=test -H empty= -q
kcat -b "$B" -C -t delim -o beginning -e -q -f '%k|%s|%h\n' >delim.out
printf '%s\n' 'k1|v1|src=test,empty=' 'k2|v:2|src=test,empty=' '|nodelim|src=test,empty=' >delim.want
t_same_file "-K splits at the first delimiter, -H adds headers" delim.want delim.out
printf 'a\nb\n' | kafka-cat -P -t fixed -p 0 -k same -q
kcat -b "$B" -C -t fixed -o beginning -e -q -f '%k=%s\n' >fixed.out
printf 'same=a\nsame=b\n' >fixed.want
t_same_file "-k gives every message the same key" fixed.want fixed.out

# --key-field: a line without the field, or not JSON, goes to the rejects file.
printf '%s\n' '{"OrderId":"a","x":1}' '{"x":2}' 'not json' '{"OrderId":{"o":1}}' '{"OrderId":42}' \
	'{"o":{"id":"deep"}}' >mixed.ndjson
kafka-cat -P -t mixed -p 0 --key-field OrderId --rejects rej.ndjson -q <mixed.ndjson 2>mixed.err
t_eq "rejected lines: exit 1" 1 $?
t_eq "four lines rejected" 4 "$(wc -l <rej.ndjson)"
grep -q '"line":2.*no key field' rej.ndjson && t_ok "reject names the line and reason" || t_fail "reject names the line and reason" "$(cat rej.ndjson)"
kcat -b "$B" -C -t mixed -o beginning -e -q -f '%k\n' >mixed.keys
printf 'a\n42\n' >mixed.want
t_same_file "the good lines went out with their keys" mixed.want mixed.keys
echo '{"o":{"id":"deep"},"v":1}' | kafka-cat -P -t nested -p 0 --key-field o.id -q
t_eq "nested key field" deep "$(kcat -b "$B" -C -t nested -o beginning -e -q -f '%k\n')"

# -J: the envelope of every message, produced back unchanged.
kcat -b "$B" -P -t env-src -K $'\t' -H h1=one -H h2=two <keyed.tsv
printf 'binary\xff\xfe value\n' | kcat -b "$B" -P -t env-src -p 1 -k $'\x01key'
kafka-cat -C -t env-src -e -J -q >env1.ndjson
kafka-cat -P -J -t env-dst -q <env1.ndjson
t_eq "-P -J exits 0" 0 $?
kafka-cat -C -t env-dst -e -J -q >env2.ndjson
strip() { python3 -c '
import json,sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows: del r["topic"], r["offset"]
rows.sort(key=lambda r: (r["partition"], json.dumps(r, sort_keys=True)))
for r in rows: print(json.dumps(r, sort_keys=True))' "$1"; }
strip env1.ndjson >env1.cmp
strip env2.ndjson >env2.cmp
t_eq "envelopes read" 3001 "$(wc -l <env1.cmp)"
t_same_file "-J round trip: key, value, headers, timestamp and partition unchanged" env1.cmp env2.cmp
grep -q '"value":{"base64":"YmluYXJ5//4gdmFsdWU="}' env1.ndjson && t_ok "bytes that are not UTF-8 travel as base64" ||
	t_fail "bytes that are not UTF-8 travel as base64" "$(grep base64 env1.ndjson)"
grep -q '"headers":\[\["h1","one"\],\["h2","two"\]\]' env1.ndjson && t_ok "headers in order" || t_fail "headers in order"
# Byte for byte too, per partition in offset order, apart from topic and offset.
python3 - env1.ndjson env2.ndjson <<'PY' && t_ok "-J round trip: same envelopes line for line per partition" || t_fail "-J line for line"
import json, re, sys
def load(p):
    out = {}
    for l in open(p):
        r = json.loads(l)
        out.setdefault(r["partition"], []).append(re.sub(r'^\{"topic":"[^"]*","partition":(\d+),"offset":\d+,', r'\1,', l))
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
sys.exit(0 if a == b else 1)
PY

# -o and -c on the ordered topic.
kafka-cat -C -t one -p 0 -o -3 -e -q >tail.out
tail -3 lines.txt >tail.want
t_same_file "-o -3: the last three" tail.want tail.out
kafka-cat -C -t one -p 0 -o 100 -c 5 -q >mid.out
sed -n '101,105p' lines.txt >mid.want
t_same_file "-o 100 -c 5" mid.want mid.out
kafka-cat -C -t one -p 0 -o end -e -q >end.out
t_eq "-o end -e: nothing" 0 "$(wc -c <end.out)"
ts=$(kafka-cat -C -t one -p 0 -o 19990 -c 1 -J -q | python3 -c 'import json,sys; print(json.load(sys.stdin)["timestamp"])')
kafka-cat -C -t one -p 0 -o "s@$ts" -e -q | wc -l >ts.count
[ "$(cat ts.count)" -ge 10 ] && t_ok "-o s@TIMESTAMP starts at that time" || t_fail "-o s@TIMESTAMP" "$(cat ts.count) lines"
t_exit "-C on a missing partition: 69" 69 kafka-cat -C -t one -p 9 -e -q 2>/dev/null

# -L, text and JSON.
kafka-cat -L -t six >meta.txt
grep -q 'topic "six" with 6 partitions' meta.txt && t_ok "-L lists the topic's partitions" || t_fail "-L" "$(cat meta.txt)"
kafka-cat -L -J | python3 -c '
import json,sys
m = json.load(sys.stdin)
t = {x["topic"]: len(x["partitions"]) for x in m["topics"]}
sys.exit(0 if t.get("six") == 6 and len(m["brokers"]) == 1 else 1)' && t_ok "-L -J" || t_fail "-L -J"
t_exit "-L -t missing topic: 69" 69 kafka-cat -L -t no-such-topic -q
t_done
