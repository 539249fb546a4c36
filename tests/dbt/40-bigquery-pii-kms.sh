#!/usr/bin/env bash
# The BigQuery target, offline (parse and compile with a throw-away key):
# PII hashing is on by default there (off on DuckDB): silver.customers and
# silver.orders compile every personal field (e-mail, document, first and last
# name, phone) through the salted hash, and without VP_PII_SALT the compile
# stops; with BQ_LOAD_KMS_KEY set, every silver and gold table carries it as
# kms_key_name, as bronze does; without it, none does.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
venv=$VP_CACHE/venv-dbt
[ -x "$venv/bin/dbt" ] || { echo "no dbt virtualenv at $venv: run scripts/bootstrap"; exit 77; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T_TMP/key.pem" 2>/dev/null
"$venv/bin/python" - "$T_TMP/key.pem" "$T_TMP/sa.json" <<'PY'
import json, sys
json.dump({"type": "service_account", "project_id": "offline-project", "private_key_id": "0",
           "private_key": open(sys.argv[1]).read(), "client_id": "0",
           "client_email": "dbt@offline-project.iam.gserviceaccount.com",
           "token_uri": "https://oauth2.googleapis.com/token"}, open(sys.argv[2], "w"))
PY
unset VP_PII_HASH VP_PII_SALT BQ_LOAD_KMS_KEY
export DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_LOG_PATH=$T_TMP/logs DBT_SEND_ANONYMOUS_USAGE_STATS=false
bq() { # TARGET-DIR [dbt args]
	local dir=$1; shift
	(cd "$VP_ROOT/dbt" && DBT_TARGET=bigquery BQ_PROJECT=offline-project GOOGLE_APPLICATION_CREDENTIALS=$T_TMP/sa.json \
		DBT_TARGET_PATH=$T_TMP/$dir "$venv/bin/dbt" "$@") >"$T_TMP/$dir.out" 2>&1
}
KEY=projects/offline-project/locations/eu/keyRings/vp/cryptoKeys/warehouse
SALT=pii-salt-offline-0123456789
VP_PII_SALT=$SALT BQ_LOAD_KMS_KEY=$KEY bq on compile --no-introspect --no-populate-cache --vars '{offline_compile: full}' \
	--select customers orders
t_eq "compiles for BigQuery with the salt" 0 $?
c=$T_TMP/on/compiled/vtex_pipes/models/silver
for col in email first_name last_name document phone; do
	t_run "silver.customers: $col hashed by default" grep -qE "to_hex\(sha256\(concat\('$SALT', *$col\)\)\) as $col" "$c/customers.sql"
done
for col in customer_email customer_first_name customer_last_name customer_document; do
	t_run "silver.orders: $col hashed by default" grep -qE "to_hex\(sha256\(concat\('$SALT', *latest\.$col\)\)\) as $col" "$c/orders.sql"
done
kms() { # DIR: "schema.name=kms_key_name" of every silver and gold table
	"$venv/bin/python" - "$T_TMP/$1/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for n in sorted(m["nodes"].values(), key=lambda n: n["name"]):
    c = n.get("config", {})
    if n["resource_type"] == "model" and c.get("schema") in ("silver", "gold") and c.get("materialized") not in ("view", "ephemeral"):
        print("%s.%s=%s" % (c["schema"], n["name"], c.get("kms_key_name")))
PY
}
kms on >"$T_TMP/kms.on"
t_run "silver and gold tables listed" grep -q '^gold.customer_360=' "$T_TMP/kms.on"
t_eq "with BQ_LOAD_KMS_KEY every silver and gold table carries it" "" "$(grep -v "=$KEY\$" "$T_TMP/kms.on")"
VP_PII_HASH=false bq plain compile --no-introspect --no-populate-cache --vars '{offline_compile: full}' --select customers
t_run "VP_PII_HASH=false turns hashing off" grep -qE '^ *first_name as first_name,' "$T_TMP/plain/compiled/vtex_pipes/models/silver/customers.sql"
kms plain >"$T_TMP/kms.off"
t_run "... (tables listed)" grep -q '^gold.customer_360=' "$T_TMP/kms.off"
t_eq "without BQ_LOAD_KMS_KEY no table carries a key" "" "$(grep -v '=None$' "$T_TMP/kms.off")"
bq nosalt compile --no-introspect --no-populate-cache --vars '{offline_compile: full}' --select customers
t_run "without VP_PII_SALT the BigQuery compile stops" test $? -ne 0
t_run "... saying to set it" grep -q 'set VP_PII_SALT' "$T_TMP/nosalt.out"
t_done
