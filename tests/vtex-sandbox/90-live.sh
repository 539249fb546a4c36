#!/usr/bin/env bash
# vtex-sandbox live mode: new orders and status changes over time, each
# announced by a hook POST as VTEX sends it, retried until the receiver
# answers 200 in time, some twice, some out of order; the store served and
# the truth keep up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

hr_start live --fail-first 4 --stall-first 1 --stall-seconds 2.5
export VTEX_SANDBOX_HOOK_SECRET=s3cret
sb_start main --products 50 --clients 100 --orders 500 --truth "$T_TMP/truth.json" \
	--orders-per-second 8 --live-step-seconds 0.3 --hook-url "$HR_URL" --hook-timeout-ms 1000 \
	--hook-dup-rate 0.3 --hook-reorder-rate 0.3 || { t_fail "sandbox starts"; t_done; }
before=$(sb_get "/api/oms/pvt/orders?per_page=1" | jq .paging.total)
sleep 6
kill -USR1 "$(sb_pid main)"
sleep 0.5
cp "$T_TMP/truth.json" "$T_TMP/truth-usr1.json"
after=$(sb_get "/api/oms/pvt/orders?per_page=1" | jq .paging.total)
t_eq "new orders appear in the list" true "$([ "$after" -gt 500 ] && echo true)"
t_eq "the truth of SIGUSR1 counts the orders of that instant" true \
	"$(jq --argjson a "$before" --argjson b "$after" '.orders >= $a and .orders <= $b' "$T_TMP/truth-usr1.json")"
t_eq "new customers appear in CL" true \
	"$(sb_get "/api/dataentities/CL/search?_fields=id" -H 'REST-Range: resources=0-1' -D - -o /dev/null |
		grep -i '^rest-content-range' | sed 's|.*/||' | tr -d '\r' | awk '{ print ($1 > 100) ? "true" : "false" }')"

# Every order a notification names: its detail, fetched after the notification came, is at least as recent.
cp "$HR_OUT" "$T_TMP/seen.hooks"
jq -r 'select(.status == 200 and .body.OrderId) | .body.OrderId' "$T_TMP/seen.hooks" | sort -u | sed 's|^|/api/oms/pvt/orders/|' |
	sb_get_many | jq -c '{orderId, status, lastChange}' >"$T_TMP/details.ndjson"
sb_stop main

python3 - "$T_TMP/seen.hooks" "$T_TMP/details.ndjson" "${VP_SHARED}/vtex/examples/orders-hook-notification.json" >"$T_TMP/checks.txt" <<'PY'
import json, os, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
details = {d["orderId"]: d for d in map(json.loads, open(sys.argv[2]))}
notes = [l for l in lines if "OrderId" in l["body"]]
def ts(s):  # both shapes to one comparable string
    s = s.replace("+00:00", "").rstrip("Z")
    head, _, frac = s.partition(".")
    return head + "." + frac.ljust(7, "0")
def key(l):
    b = l["body"]
    return (b["OrderId"], b["State"], b["CurrentChange"])
out = {}
out["notifications"] = len(notes)
out["secret header"] = all(l["headers"].get("key") == "s3cret" for l in lines)
keys = sorted(notes[0]["body"].keys()) if notes else []
ex = sys.argv[3]
out["payload fields"] = keys == sorted(json.load(open(ex)).keys()) if os.path.exists(ex) else keys == sorted(
    ["Domain", "OrderId", "State", "LastState", "LastChange", "CurrentChange", "Origin"])
out["origin"] = all(l["body"]["Origin"] == {"Account": "sandbox", "Key": "vtexappkey-sandbox-TEST"} for l in notes)
ok = {key(l) for l in notes if l["status"] == 200 and not l["stalled"]}
failed = [key(l) for l in notes if l["status"] == 500]
out["the first 4 got 500"] = len(failed) == 4
out["each refused notification came again and got 200"] = all(k in ok for k in failed)
stalled = [key(l) for l in notes if l["stalled"]]
out["a notification answered too late came again"] = len(stalled) == 1 and stalled[0] in ok
count = {}
for l in notes:
    if l["status"] == 200:
        count[key(l)] = count.get(key(l), 0) + 1
out["some notifications came twice"] = any(c > 1 for c in count.values())
seen, reordered = {}, False
for l in notes:
    b = l["body"]
    last = seen.get(b["OrderId"])
    if last is not None and ts(b["CurrentChange"]) < last:
        reordered = True
    seen[b["OrderId"]] = max(last or "", ts(b["CurrentChange"]))
out["some arrived out of order"] = reordered
chain = True
by_order = {}
for l in notes:
    by_order.setdefault(l["body"]["OrderId"], {})[l["body"]["CurrentChange"]] = l["body"]
for steps in by_order.values():
    ordered = [steps[k] for k in sorted(steps, key=ts)]
    for a, b in zip(ordered, ordered[1:]):
        if b["LastChange"] == a["CurrentChange"] and b["LastState"] != a["State"]:
            chain = False
        if ts(b["LastChange"]) > ts(b["CurrentChange"]):
            chain = False
out["LastState/LastChange name the previous step"] = chain
fresh = True
for oid, steps in by_order.items():
    d = details.get(oid)
    newest = max(steps, key=ts)
    if d is None or ts(d["lastChange"]) < ts(newest):
        fresh = False
    elif ts(d["lastChange"]) == ts(newest) and d["status"] != steps[newest]["State"]:
        fresh = False
out["the detail is at least as recent as every notification"] = fresh
out["new orders were announced from order-created"] = any(n["body"]["State"] == "order-created" and n["body"]["LastState"] == "" for n in notes)
for k, v in out.items():
    print("%s: %s" % (k, v))
PY
t_eq "notifications arrived" true "$(grep -q '^notifications: [1-9][0-9]' "$T_TMP/checks.txt" && echo true)"
while IFS= read -r line; do
	name=${line%: *}
	[ "$name" = notifications ] && continue
	t_eq "$name" True "${line##*: }"
done <"$T_TMP/checks.txt"
t_eq "the truth at exit counts every order once per customer" true \
	"$(jq '([.customers[].orders_all] | add) == .orders and .orders == ([.orders_by_status[]] | add)' "$T_TMP/truth.json")"
t_done
