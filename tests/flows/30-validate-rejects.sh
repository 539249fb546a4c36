#!/usr/bin/env bash
# The batch flows' quality gate: records a store sends broken (here the real
# vtex-fetch behind fake_bad_store, which breaks every 25th record as a
# faulty store might: a value that is not a number, a blocking rule) are
# rejected by ndjson-validate and loaded into
# bronze.rejects with entity, flow, run id, stage and the broken rules; the
# rest reaches bronze; the flow succeeds with a warning and a metric; running
# the interval again loads nothing twice; when the rejects cannot be loaded
# the flow fails.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
[ -x "$py" ] || { echo "no dbt virtualenv under $VP_CACHE (duckdb for the checks): run scripts/bootstrap"; exit 77; }
for t in vtex-sandbox vtex-fetch ndjson-validate ndjson-normalize dedup bq-load; do
	[ -x "$VP_BIN/$t" ] || { echo "needs $t (make)"; exit 77; }
done
flows=$VP_ROOT/scripts/flows
wh=$T_TMP/warehouse.duckdb
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh
export VTEX_APP_KEY=vtexappkey-sandbox-TEST VTEX_APP_TOKEN=sandbox-token VTEX_ACCOUNT=sandbox

# The tools, with vtex-fetch replaced by fake_bad_store around the real one.
mkdir "$T_TMP/bin"
for t in "$VP_BIN"/*; do ln -s "$t" "$T_TMP/bin/"; done
rm "$T_TMP/bin/vtex-fetch"
cat >"$T_TMP/bin/vtex-fetch" <<EOS
#!/usr/bin/env bash
# fake_bad_store: the real vtex-fetch; every 25th order (by sequence) gets a
# value that is not a number, a client whose id starts with 0 or 1 an updatedIn
# that is not a time (blocking rules: such records cannot be typed or versioned).
"$VP_BIN/vtex-fetch" "\$@" | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if "orderId" in r and int(r["sequence"]) % 25 == 0:
        r["value"] = str(r["value"] / 100)
    elif "email" in r and r["id"][0] in "01":
        r["updatedIn"] = "yesterday"
    else:
        r = None
    if r is not None:
        line = json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
    sys.stdout.write(line)
'
exit \${PIPESTATUS[0]}
EOS
chmod +x "$T_TMP/bin/vtex-fetch"
export VP_BIN=$T_TMP/bin

vtex-sandbox --listen 127.0.0.1:0 --ready-file "$T_TMP/ready" --seed 5 --products 20 --clients 100 \
	--orders 200 --now 2026-01-15T12:00:00Z --history-days 30 2>"$T_TMP/sandbox.log" &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
for _ in $(seq 300); do [ -s "$T_TMP/ready" ] && break; sleep 0.1; done
export VTEX_BASE_URL=$(cat "$T_TMP/ready")

q() { "$py" -c 'import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True)
for r in c.execute(sys.argv[2]).fetchall(): print(*r)' "$wh" "$1"; }

orders=(2025-12-01T00:00:00Z 2026-01-15T12:00:01Z)
"$flows/orders-reconcile" "${orders[@]}" 2>"$T_TMP/err"
t_eq "orders-reconcile succeeds despite the rejects" 0 $?
run=orders-reconcile-20251201T000000Z-20260115T120001Z
rd=$VP_VAR/runs/orders-reconcile/$run
n=$(wc -l <"$rd/validate.rejects.ndjson")
t_eq "every 25th order rejected" 8 "$n"
t_run "a warning names the rule" grep -q 'level=warn flow=orders-reconcile msg="records rejected by the quality gate, loaded into rejects".*rejected=8 rules=.*value:type=8' "$T_TMP/err"
t_run "the flow's metric" grep -q 'vtex_pipes_flow_rejects_total{flow="orders-reconcile",entity="order",stage="validate"} 8' "$rd/rejects.prom"
t_run "the gate's metric per rule" grep -q 'rule="value:type",severity="error"} 8' "$rd/validate.prom"
t_eq "bronze.rejects holds them, with entity, flow, run and stage" "8 order orders-reconcile $run validate ndjson-validate" \
	"$(q "select count(*), any_value(entity), any_value(flow), any_value(run_id), any_value(stage), any_value(tool) from bronze.rejects")"
t_eq "... the broken rules" 8 \
	"$(q "select count(*) from bronze.rejects where list_contains(from_json(rules, '[\"VARCHAR\"]'), 'value:type')")"
t_eq "... and the whole records" 8 "$(q "select count(distinct record->>'orderId') from bronze.rejects")"
total=$(q "select count(*) from bronze.orders")
t_eq "the other orders reach bronze.orders" 192 "$total"
t_eq "no rejected order reaches bronze" 0 \
	"$(q "select count(*) from bronze.orders o join bronze.rejects r on o.order_id = (r.record->>'orderId')")"

"$flows/orders-reconcile" "${orders[@]}" 2>/dev/null
t_eq "the same interval again succeeds" 0 $?
t_eq "... and loads no reject twice" 8 "$(q "select count(*) from bronze.rejects")"

"$flows/clients" 2000-01-01T00:00:00Z 2026-01-15T12:00:01Z 2>"$T_TMP/err"
t_eq "clients succeeds despite the rejects" 0 $?
bad=$(wc -l <"$VP_VAR/runs/clients/clients-20000101T000000Z-20260115T120001Z/validate.rejects.ndjson")
t_run "some clients rejected" test "$bad" -gt 0
t_eq "the rejected clients in bronze.rejects, for their updatedIn" "$bad client clients" \
	"$(q "select count(*), any_value(entity), any_value(flow) from bronze.rejects where list_contains(from_json(rules, '[\"VARCHAR\"]'), 'updatedIn:format')")"

# The rejects cannot be loaded: bronze.rejects made by hand with a column the rows do not fit.
"$py" -c 'import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute("drop table bronze.rejects"); c.execute("create table bronze.rejects (line date)")' "$wh"
"$flows/orders-reconcile" 2025-12-01T00:00:00Z 2026-01-15T12:00:02Z 2>"$T_TMP/err"
t_eq "rejects that cannot be loaded fail the flow" 1 $?
t_run "... saying so" grep -q 'msg="cannot load the rejects into bronze.rejects"' "$T_TMP/err"
t_run "... and they stay in the run directory" test -s "$VP_VAR/runs/orders-reconcile/orders-reconcile-20251201T000000Z-20260115T120002Z/rejects.rows.ndjson"
t_done
