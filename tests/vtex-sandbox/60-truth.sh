#!/usr/bin/env bash
# vtex-sandbox: the truth file matches what the endpoints serve: every order
# read through list + detail, every customer through the CL scroll, LTV and
# counts recomputed here and compared.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

sb_start main --seed 9 --products 60 --clients 150 --orders 600 --truth "$T_TMP/truth.json" ||
	{ t_fail "sandbox starts"; t_done; }

for p in $(seq 1 6); do sb_get "/api/oms/pvt/orders?per_page=100&page=$p&orderBy=creationDate,asc"; done |
	jq -s '[.[].list[]]' >"$T_TMP/rows.json"
t_eq "the list serves every order" 600 "$(jq 'map(.orderId) | unique | length' "$T_TMP/rows.json")"
jq -r '.[].orderId | "/api/oms/pvt/orders/\(.)"' "$T_TMP/rows.json" | sb_get_many |
	jq -c '{orderId, status, value, user: .clientProfileData.userProfileId, created: .creationDate}' >"$T_TMP/orders.ndjson"
sb_get "/api/dataentities/CL/scroll?_size=1000&_fields=id,userId,email" >"$T_TMP/cl.json"

python3 - "$T_TMP/orders.ndjson" "$T_TMP/cl.json" "$T_TMP/truth.json" >"$T_TMP/compare.txt" <<'PY'
import json, sys
orders = [json.loads(l) for l in open(sys.argv[1])]
cl = json.load(open(sys.argv[2]))
truth = json.load(open(sys.argv[3]))
by_user = {c["userId"]: c for c in cl}
per = {}
status = {}
for o in orders:
    status[o["status"]] = status.get(o["status"], 0) + 1
    assert o["user"] in by_user, "order %s has no CL document" % o["orderId"]
    p = per.setdefault(o["user"], {"orders": 0, "orders_all": 0, "ltv_cents": 0})
    p["orders_all"] += 1
    if o["status"] != "canceled":
        p["orders"] += 1
        p["ltv_cents"] += o["value"]
problems = []
if truth["orders"] != len(orders):
    problems.append("orders %d != %d" % (truth["orders"], len(orders)))
if truth["orders_by_status"] != status:
    problems.append("orders_by_status %s != %s" % (truth["orders_by_status"], status))
if truth["clients"] != len(cl) or len(truth["customers"]) != len(cl):
    problems.append("clients")
for c in truth["customers"]:
    got = per.get(c["user_id"], {"orders": 0, "orders_all": 0, "ltv_cents": 0})
    doc = by_user.get(c["user_id"])
    if doc is None or doc["id"] != c["id"] or doc["email"].lower() != c["email"]:
        problems.append("customer %s does not match CL" % c["id"])
        continue
    if (c["orders"], c["orders_all"], c["ltv_cents"]) != (got["orders"], got["orders_all"], got["ltv_cents"]):
        problems.append("customer %s: truth %s, served %s" % (c["id"], (c["orders"], c["orders_all"], c["ltv_cents"]), got))
    if abs(c["ltv"] - got["ltv_cents"] / 100) > 0.005:
        problems.append("customer %s: ltv %s" % (c["id"], c["ltv"]))
    # cents, rounded half up
    want_avg = None if got["orders"] == 0 else ((2 * got["ltv_cents"] + got["orders"]) // (2 * got["orders"])) / 100
    if (c["avg_ticket"] is None) != (want_avg is None) or (want_avg is not None and abs(c["avg_ticket"] - want_avg) > 0.0051):
        problems.append("customer %s: avg_ticket %s != %s" % (c["id"], c["avg_ticket"], want_avg))
buyers = sum(1 for c in truth["customers"] if c["orders_all"] > 0)
if truth["clients_with_orders"] != buyers:
    problems.append("clients_with_orders")
if buyers == len(cl):
    problems.append("every customer bought: the store should have customers without orders")
print("\n".join(problems) if problems else "ok")
PY
t_eq "truth == per-customer orders, LTV and average ticket recomputed from the API" ok "$(head -5 "$T_TMP/compare.txt")"

products=$(sb_get "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=1&_to=250")
t_eq "truth products == range.total" "$(jq .range.total <<<"$products")" "$(jq .products "$T_TMP/truth.json")"
t_eq "truth skus == SKUs listed" "$(jq '[.data[][]] | length' <<<"$products")" "$(jq .skus "$T_TMP/truth.json")"
active_skus=$(jq -r '.data[][] | "/api/catalog/pvt/stockkeepingunit/\(.)"' <<<"$products" | sb_get_many |
	jq -s 'map(select(.IsActive)) | length')
t_eq "truth active_skus == SKUs with IsActive" "$active_skus" "$(jq .active_skus "$T_TMP/truth.json")"

rm -f "$T_TMP/truth.json"
kill -USR1 "$(sb_pid main)"
for i in $(seq 30); do [ -s "$T_TMP/truth.json" ] && break; sleep 0.1; done
t_eq "SIGUSR1 writes the truth file" true "$([ -s "$T_TMP/truth.json" ] && echo true)"
rm -f "$T_TMP/truth.json"
sb_stop main
t_eq "the truth is written at exit" 600 "$(jq .orders "$T_TMP/truth.json")"
t_done
