#!/usr/bin/env bash
# var pii_hash (macros/pii.sql): silver and gold keep e-mails, documents,
# first and last names and phones only as salted SHA-256 hashes, the salt from VP_PII_SALT. The fixture built
# twice, plain and hashed: every hashed value is sha256(salt || the plain
# build's value), no plain e-mail, document, name or phone is left in any silver or gold
# column, orders still find their customer (also by e-mail), gold's numbers
# are the same, every dbt test passes; without the salt the build stops.
# Off by default (10-build-fixture.sh checks the plain values).
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
venv=$VP_CACHE/venv-dbt
[ -x "$venv/bin/dbt" ] || { echo "no dbt virtualenv at $venv: run scripts/bootstrap"; exit 77; }
fix=$VP_ROOT/tests/fixtures/dbt
export DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_LOG_PATH=$T_TMP/logs DBT_TARGET=duckdb DBT_SEND_ANONYMOUS_USAGE_STATS=false
unset VP_PII_SALT
SALT=pii-salt-$RANDOM$RANDOM-0123456789
build() { # WAREHOUSE [dbt args...]
	local wh=$1; shift
	for b in "batch-1 2024-03-12" "batch-2 2024-03-20"; do
		read -r name day <<<"$b"
		"$venv/bin/python" "$VP_ROOT/tests/dbt/load-fixture.py" "$wh" "$fix/$name.ndjson" "$day 00:00:00"
		(cd "$VP_ROOT/dbt" && DUCKDB_PATH=$wh DBT_TARGET_PATH=$T_TMP/target-$(basename "$wh") \
			"$venv/bin/dbt" build --vars "{as_of: '2024-04-01 00:00:00'${PII:+, pii_hash: true}}" "$@") \
			>"$T_TMP/$(basename "$wh").$name.out" 2>&1 || return 1
	done
}
build "$T_TMP/plain.duckdb" || { tail -20 "$T_TMP"/plain.duckdb.*.out; t_fail "plain build"; t_done; }
t_ok "plain build (pii_hash off)"
if PII=1 VP_PII_SALT=$SALT build "$T_TMP/hashed.duckdb"; then
	t_ok "hashed build: every model and test passes ($(grep -oE 'PASS=[0-9]+' "$T_TMP"/hashed.duckdb.batch-2.out | tail -1))"
else
	t_fail "hashed build"; grep -E 'ERROR|FAIL' "$T_TMP"/hashed.duckdb.*.out | head
fi

"$venv/bin/python" - "$T_TMP/plain.duckdb" "$T_TMP/hashed.duckdb" "$SALT" >"$T_TMP/checks" <<'PY'
import duckdb, hashlib, sys
plain, hashed, salt = duckdb.connect(sys.argv[1], read_only=True), duckdb.connect(sys.argv[2], read_only=True), sys.argv[3]
h = lambda v: None if v is None else hashlib.sha256((salt + v).encode()).hexdigest()
def rows(con, sql): return con.execute(sql).fetchall()
def check(name, ok): print(("ok" if ok else "FAIL") + " " + name)

p = dict((r[0], r[1:]) for r in rows(plain, "select customer_id, email, document from silver.customers"))
q = dict((r[0], r[1:]) for r in rows(hashed, "select customer_id, email, document from silver.customers"))
check("customers: the same customers", p.keys() == q.keys() and len(p) > 0)
check("customers: e-mail = sha256(salt || e-mail)", all(q[k][0] == h(p[k][0]) for k in p))
check("customers: document = sha256(salt || document)", all(q[k][1] == h(p[k][1]) for k in p))
r = dict((r[0], r[1:]) for r in rows(plain, "select customer_id, first_name, last_name, phone from silver.customers"))
s = dict((r[0], r[1:]) for r in rows(hashed, "select customer_id, first_name, last_name, phone from silver.customers"))
check("customers: first and last name, phone = sha256(salt || value)", all(s[k] == tuple(h(v) for v in r[k]) for k in r))
check("customers: some e-mails and documents were there to hash", sum(v[0] is not None for v in p.values()) > 0 and sum(v[1] is not None for v in p.values()) > 0)
sql = "select order_id, customer_email, customer_document, customer_id, customer_match from silver.orders"
p = dict((r[0], r[1:]) for r in rows(plain, sql))
q = dict((r[0], r[1:]) for r in rows(hashed, sql))
check("orders: the same orders", p.keys() == q.keys() and len(p) > 0)
check("orders: customer e-mail and document hashed", all(q[k][0] == h(p[k][0]) and q[k][1] == h(p[k][1]) for k in p))
check("orders: the same customer, matched the same way", all(q[k][2:] == p[k][2:] for k in p))
names = "select order_id, customer_first_name, customer_last_name from silver.orders"
r, s = dict((r[0], r[1:]) for r in rows(plain, names)), dict((r[0], r[1:]) for r in rows(hashed, names))
check("orders: customer first and last name hashed", all(s[k] == tuple(h(v) for v in r[k]) for k in r) and any(v[0] for v in r.values()))
check("orders: some matched by e-mail", any(v[3] == "email" for v in p.values()))
sql = "select customer_key, customer_id, order_count, ltv, first_order_at, last_order_at from gold.customer_360"
pk = sorted(repr(r[1:]) for r in rows(plain, sql))
qk = sorted(repr(r[1:]) for r in rows(hashed, sql))
check("gold customer_360: the same customers and numbers", pk == qk and len(pk) > 0)
check("gold orders_current: e-mails hashed", all(a == h(b) for (a,), (b,) in zip(
    rows(hashed, "select customer_email from gold.orders_current order by order_id"),
    rows(plain, "select customer_email from gold.orders_current order by order_id"))))
# No plain value left anywhere in silver or gold.
secrets = {v for (v,) in rows(plain, "select email from silver.customers union select document from silver.customers "
                                     "union select first_name from silver.customers union select last_name from silver.customers "
                                     "union select phone from silver.customers "
                                     "union select customer_email from silver.orders union select customer_document from silver.orders "
                                     "union select customer_first_name from silver.orders union select customer_last_name from silver.orders")
           if v}
found = []
for schema, table, column in rows(hashed, "select table_schema, table_name, column_name from information_schema.columns "
                                          "where table_schema in ('silver', 'gold') and data_type = 'VARCHAR'"):
    for (v,) in rows(hashed, f'select distinct "{column}" from {schema}.{table}'):
        if v in secrets:
            found.append(f"{schema}.{table}.{column}")
check("no plain e-mail, document, name or phone in any silver or gold column" + (": " + ", ".join(sorted(set(found))) if found else ""), not found)
PY
t_eq "the checks ran" 13 "$(wc -l <"$T_TMP/checks")"
while read -r status name; do
	[ "$status" = ok ] && t_ok "$name" || t_fail "$name"
done <"$T_TMP/checks"
t_run "the salt is in no log line of the hashed build" bash -c "! grep -qF '$SALT' '$T_TMP'/hashed.duckdb.*.out"

# pii_hash on without a salt: the build stops, saying why.
"$venv/bin/python" "$VP_ROOT/tests/dbt/load-fixture.py" "$T_TMP/nosalt.duckdb" "$fix/batch-1.ndjson" "2024-03-12 00:00:00"
(cd "$VP_ROOT/dbt" && DUCKDB_PATH=$T_TMP/nosalt.duckdb DBT_TARGET_PATH=$T_TMP/target-nosalt \
	"$venv/bin/dbt" build --vars '{pii_hash: true}') >"$T_TMP/nosalt.out" 2>&1
t_run "pii_hash without VP_PII_SALT: the build fails" test $? -ne 0
t_run "... saying to set VP_PII_SALT" grep -q 'set VP_PII_SALT' "$T_TMP/nosalt.out"
t_done
