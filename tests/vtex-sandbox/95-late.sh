#!/usr/bin/env bash
# vtex-sandbox live mode: older orders, created days or weeks before the
# sandbox clock (well outside a reconcile window over the last 72 h), are
# invoiced or canceled late; every change comes by hook and by feed alike; the
# truth written on the freeze (SIGUSR2) agrees with what the API serves, and
# differs from the truth at start by what the late cancellations took away.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

hr_start late
export VTEX_SANDBOX_HOOK_SECRET=s3cret
sb_start main --seed 5 --products 40 --clients 300 --orders 3000 --history-days 60 --truth "$T_TMP/truth.json" \
	--orders-per-second 10 --late-share 1 --live-step-seconds 0.2 --hook-url "$HR_URL" \
	--feed-config '{"queue":{"visibilityTimeoutInSeconds":300}}' || { t_fail "sandbox starts"; t_done; }
cp "$T_TMP/truth.json" "$T_TMP/truth-start.json" # written before the store began to live
metric() { curl -s "$SB_URL/metrics" | prom_value "$1"; }
waiting=$(grep -o 'older_orders_waiting=[0-9]*' "$T_TMP/main.log" | cut -d= -f2)
t_run "older orders wait for a late change (${waiting:-none})" test "${waiting:-0}" -gt 20
for _ in $(seq 900); do grep -q 'no older order is left' "$T_TMP/main.log" && break; sleep 0.1; done
t_run "live mode moves every one of them on" grep -q 'no older order is left' "$T_TMP/main.log"
kill -USR2 "$(sb_pid main)" # freeze; the truth is written
t_run "hooks delivered" sb_hooks_drained
invoiced=$(metric 'vtex_sandbox_live_late_changes_total{to="invoiced"}')
canceled=$(metric 'vtex_sandbox_live_late_changes_total{to="canceled"}')
t_eq "each waiting order changed once ($invoiced on to invoiced, $canceled to canceled)" "$waiting" "$((invoiced + canceled))"
t_run "some go on to canceled" test "$canceled" -gt 0

# The feed: every event since it was configured, drained and committed lot by lot.
sleep 3.5 # held-back events and second copies are receivable by now
python3 - "$SB_URL" "$SB_KEY" "$SB_TOKEN" >"$T_TMP/feed.ndjson" <<'PY'
import http.client, json, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port)
auth = {"X-VTEX-API-AppKey": sys.argv[2], "X-VTEX-API-AppToken": sys.argv[3], "Content-Type": "application/json"}
for _ in range(3000):
    conn.request("GET", "/api/orders/feed?maxlot=10", headers=auth)
    lot = json.loads(conn.getresponse().read())
    if not lot:
        break
    for e in lot:
        print(json.dumps(e))
    conn.request("POST", "/api/orders/feed", body=json.dumps({"handles": [e["handle"] for e in lot]}), headers=auth)
    conn.getresponse().read()
PY
t_eq "the feed is drained" 0 "$(sb_get /api/orders/feed/config | jq .quantity)"

# Orders as served now, through list (two creation windows of at most 3,000) and detail.
enc() { jq -rn --arg v "$1" '$v | @uri'; }
for w in "creationDate:[* TO 2026-01-15T11:59:59.9999999Z]" "creationDate:[2026-01-15T12:00:00Z TO *]"; do
	for p in $(seq 30); do
		sb_get "/api/oms/pvt/orders?per_page=100&page=$p&orderBy=creationDate,asc&f_creationDate=$(enc "$w")" >"$T_TMP/page.json"
		[ "$(jq '.list | length' "$T_TMP/page.json")" -gt 0 ] || break
		jq -r '.list[].orderId' "$T_TMP/page.json"
	done
done | sort -u | sed 's|^|/api/oms/pvt/orders/|' | sb_get_many |
	jq -c '{orderId, status, value, user: .clientProfileData.userProfileId, created: .creationDate, lastChange}' >"$T_TMP/orders.ndjson"
sb_get "/api/dataentities/CL/scroll?_size=1000&_fields=id,userId,email" >"$T_TMP/cl.json"
sb_stop main

python3 - "$HR_OUT" "$T_TMP/feed.ndjson" "$T_TMP/orders.ndjson" "$T_TMP/cl.json" "$T_TMP/truth-start.json" \
	"$T_TMP/truth.json" "$SB_NOW" "$waiting" >"$T_TMP/checks.txt" <<'PY'
import json, sys
from datetime import datetime, timedelta, timezone
hooks, feed, orders, cl, start, truth, now, waiting = sys.argv[1:9]
def t(s):  # VTEX's shapes (0 to 7 fractional digits, Z or +00:00) as UTC instants
    s = s.replace("Z", "").replace("+00:00", "")
    head, _, frac = s.partition(".")
    return datetime.fromisoformat(head + "." + (frac + "000000")[:6] + "+00:00")
now = t(now)
notes = [json.loads(l) for l in open(hooks)]
notes = [n["body"] for n in notes if n["status"] == 200 and "OrderId" in n["body"]]
feed = [json.loads(l) for l in open(feed)]
orders = {o["orderId"]: o for o in map(json.loads, open(orders))}
out = {}
hook_set = {(n["OrderId"], n["State"], t(n["CurrentChange"])) for n in notes}
feed_set = {(e["orderId"], e["state"], t(e["currentChange"])) for e in feed}
out["the feed holds exactly the events the hook announced"] = hook_set == feed_set and len(hook_set) > 0
out["the feed and the hook name the same LastState/lastState"] = (
    {(n["OrderId"], n["State"], n["LastState"]) for n in notes} == {(e["orderId"], e["state"], e["lastState"]) for e in feed})
out["some events came twice (as VTEX's, not unique)"] = len(feed) > len(feed_set)

# Older orders: created at least 4 days before the live store began, changed
# after it began (besides the late ones, older open orders adopted at the start
# that moved on to a late step and wait there).
old = {}
for oid, st, cur in hook_set:
    o = orders.get(oid)
    if o and t(o["created"]) <= now - timedelta(days=4) and cur >= now:
        old.setdefault(oid, set()).add(st)
finals = {oid: ("canceled" if "canceled" in s else "invoiced" if "invoiced" in s else None) for oid, s in old.items()}
late_inv = sorted(o for o, f in finals.items() if f == "invoiced")
late_can = sorted(o for o, f in finals.items() if f == "canceled")
out["every waiting order was announced on to its last status (%d invoiced, %d canceled)" % (len(late_inv), len(late_can))] = (
    len(late_inv) + len(late_can) >= int(waiting))
out["their detail serves that status"] = all(orders[o]["status"] == finals[o] for o in late_inv + late_can)
ages = [(min(c for (i, s, c) in hook_set if i == o) - t(orders[o]["created"])).days for o in late_inv + late_can]
out["changed 4 days or more after creation (the oldest after %d days)" % max(ages)] = min(ages) >= 4

# The truth at the freeze, recomputed from what the API serves.
truth = json.load(open(truth))
by_user = {c["userId"]: c for c in json.load(open(cl))}
per, status = {}, {}
for o in orders.values():
    status[o["status"]] = status.get(o["status"], 0) + 1
    p = per.setdefault(o["user"], {"orders": 0, "orders_all": 0, "ltv_cents": 0})
    p["orders_all"] += 1
    if o["status"] != "canceled":
        p["orders"] += 1
        p["ltv_cents"] += o["value"]
problems = []
if truth["orders"] != len(orders):
    problems.append("orders %d != %d" % (truth["orders"], len(orders)))
if truth["orders_by_status"] != status:
    problems.append("orders_by_status")
for c in truth["customers"]:
    got = per.get(c["user_id"], {"orders": 0, "orders_all": 0, "ltv_cents": 0})
    if (c["orders"], c["orders_all"], c["ltv_cents"]) != (got["orders"], got["orders_all"], got["ltv_cents"]):
        problems.append("customer %s" % c["id"])
out["the truth at the freeze == what the API serves" + (": " + ", ".join(problems[:3]) if problems else "")] = not problems

# Against the truth at start: a customer who placed no live order lost exactly
# the value of their orders canceled since (late cancellations among them).
start = {c["user_id"]: c for c in json.load(open(start))["customers"]}
canceled_since = {}
for oid, st, cur in hook_set:
    if st == "canceled":
        u = orders[oid]["user"]
        canceled_since[u] = canceled_since.get(u, 0) + orders[oid]["value"]
ok, seen = True, 0
for c in truth["customers"]:
    s = start.get(c["user_id"])
    if s is None or s["orders_all"] != c["orders_all"]:
        continue
    if s["ltv_cents"] - c["ltv_cents"] != canceled_since.get(c["user_id"], 0):
        ok = False
    seen += s["ltv_cents"] != c["ltv_cents"]
late_users = {orders[o]["user"] for o in late_can}
out["LTV in the truth fell by the late cancellations (%d customers)" % seen] = ok and seen > 0 and bool(late_users)
for k, v in out.items():
    print("%s: %s" % (k, v))
PY
while IFS= read -r line; do
	t_eq "${line%: *}" True "${line##*: }"
done <"$T_TMP/checks.txt"
t_done
