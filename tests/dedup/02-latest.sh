#!/usr/bin/env bash
# --latest-only: the latest record per key in first-seen order, in memory and
# through the spill path (a tiny --max-memory), checked against a reference
# computed independently (jq); keep-last without --newest-by; nothing left in
# the temporary directory.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
gen=$VP_ROOT/tests/dedup/gen.py

# A reference in Python: the newest version per key (first read among equals),
# keys in first-seen order; versions parsed as instants.
cat >ref.py <<'PY'
import json, sys
from datetime import datetime
def instant(s):
    s = s.replace("Z", "+00:00")
    if "." in s:
        head, rest = s.split(".", 1)
        digits = rest[:len(rest) - len(rest.lstrip("0123456789"))]
        zone = rest[len(digits):]
        s = f"{head}.{digits.ljust(7, '0')[:6]}{zone}"
        extra = int(digits.ljust(7, "0")[6])
    else:
        extra = 0
    return (datetime.fromisoformat(s), extra)
latest_by_version = sys.argv[1] == "version"
best, order = {}, []
for line in open(sys.argv[2]):
    rec = json.loads(line)
    k = rec["orderId"]
    if k not in best:
        order.append(k)
        best[k] = (instant(rec["lastChange"]), line)
    elif latest_by_version:
        v = instant(rec["lastChange"])
        if v > best[k][0]:
            best[k] = (v, line)
    else:
        best[k] = (None, line)
sys.stdout.write("".join(best[k][1] for k in order))
PY

python3 "$gen" 20000 3000 7 300 >in.ndjson
python3 ref.py version in.ndjson >want.version
python3 ref.py last in.ndjson >want.last

mkdir tmp
dedup --key orderId --newest-by lastChange --latest-only in.ndjson >out 2>err
t_eq "in memory: exit 0" 0 $?
t_same_file "in memory: newest version per key, first-seen order" want.version out
grep -q 'spilled' err && t_fail "in memory: no spill" || t_ok "in memory: no spill"

dedup --key orderId --newest-by lastChange --latest-only --max-memory 1M --tmpdir tmp \
	--log-level debug in.ndjson >out 2>err
t_eq "spilled: exit 0" 0 $?
t_same_file "spilled: same output as in memory" want.version out
t_eq "spilled: it did spill" 1 "$(grep -c 'msg="spilled to disk"' err)"
t_eq "spilled: nothing left in --tmpdir" "" "$(ls -A tmp)"

# Deeper: ~25 MB of records in a 1 MiB budget forces partitions to split again.
python3 "$gen" 60000 20000 8 400 >big.ndjson
python3 ref.py version big.ndjson >want.big
TMPDIR=$T_TMP/tmp dedup --key orderId --newest-by lastChange --latest-only --max-memory 1M \
	--log-level debug big.ndjson >out 2>err
t_same_file "spilled twice over: same as the reference" want.big out
grep -q 'msg=spilled level=1' err && t_ok "partitions split again (level 1)" ||
	t_fail "partitions split again" "$(grep -m3 spilled err)"

# Without --newest-by: the last record read per key.
dedup --key orderId --latest-only in.ndjson >out 2>err
t_same_file "keep-last without --newest-by" want.last out
DEDUP_TMPDIR=$T_TMP/tmp dedup --key orderId --latest-only --max-memory 1M in.ndjson >out 2>err
t_same_file "keep-last, spilled" want.last out

# Rejects are counted and written in batch mode too.
{ cat in.ndjson; echo '{"lastChange":"2024-01-01"}'; } |
	dedup --key orderId --newest-by lastChange --latest-only --rejects rej >out 2>err
t_eq "latest-only: rejects give exit 1" 1 $?
t_same_file "latest-only: output unchanged by a reject" want.version out
t_eq "latest-only: the reject is written" 1 "$(wc -l <rej)"

# An unwritable --tmpdir when a spill is needed: exit 74, said clearly.
dedup --key orderId --newest-by lastChange --latest-only --max-memory 1M --tmpdir /nonexistent \
	in.ndjson >out 2>err
t_eq "unwritable --tmpdir: exit 74" 74 $?
grep -q 'cannot create a spill file' err && t_ok "unwritable --tmpdir: logged" || t_fail "tmpdir message" "$(cat err)"
t_done
