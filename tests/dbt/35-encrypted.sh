#!/usr/bin/env bash
# dbt on an encrypted warehouse (target duckdb_encrypted, the key from
# VP_DUCKDB_KEY): the fixture's bronze (loaded plain) copied into an encrypted file, every
# model and test builds there, silver and gold read back with the key, and no
# customer e-mail of the fixture is in the file's bytes.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
venv=$VP_CACHE/venv-dbt
[ -x "$venv/bin/dbt" ] || { echo "no dbt virtualenv at $venv: run scripts/bootstrap"; exit 77; }
fix=$VP_ROOT/tests/fixtures/dbt
export VP_DUCKDB_KEY=k-$RANDOM$RANDOM-0123456789abcdef
env -u VP_DUCKDB_KEY "$venv/bin/python" "$VP_ROOT/tests/dbt/load-fixture.py" "$T_TMP/plain.duckdb" "$fix/batch-1.ndjson" "2024-03-12 00:00:00"
"$venv/bin/python" - "$T_TMP/plain.duckdb" "$T_TMP/enc.duckdb" <<'PY'
import duckdb, os, sys
con = duckdb.connect()
con.execute("LOAD httpfs")
con.execute("ATTACH '%s' AS p (READ_ONLY)" % sys.argv[1])
con.execute("ATTACH '%s' AS e (ENCRYPTION_KEY '%s')" % (sys.argv[2], os.environ["VP_DUCKDB_KEY"]))
con.execute("COPY FROM DATABASE p TO e")
PY
t_eq "the fixture copied into an encrypted file" 0 $?
if (cd "$VP_ROOT/dbt" && DBT_PROFILES_DIR=$VP_ROOT/dbt DBT_TARGET=duckdb_encrypted DUCKDB_PATH=$T_TMP/enc.duckdb \
	DBT_TARGET_PATH=$T_TMP/target DBT_LOG_PATH=$T_TMP/logs DBT_SEND_ANONYMOUS_USAGE_STATS=false \
	"$venv/bin/dbt" build --vars '{as_of: "2024-04-01 00:00:00"}') >"$T_TMP/dbt.out" 2>&1; then
	t_ok "dbt build on the encrypted file ($(grep -oE 'PASS=[0-9]+' "$T_TMP/dbt.out" | tail -1))"
else
	t_fail "dbt build on the encrypted file"; grep -E 'ERROR|FAIL|Error' "$T_TMP/dbt.out" | head -20
fi
emails=$("$venv/bin/python" - "$T_TMP/enc.duckdb" <<'PY'
import duckdb, os, sys
con = duckdb.connect()
con.execute("LOAD httpfs")
con.execute("ATTACH '%s' AS e (ENCRYPTION_KEY '%s', READ_ONLY)" % (sys.argv[1], os.environ["VP_DUCKDB_KEY"]))
print(*[r[0] for r in con.execute("select distinct email from e.silver.customers where email is not null order by 1").fetchall()])
PY
)
t_run "silver.customers read back with the key holds e-mails" test -n "$emails"
found=
for e in $emails; do grep -qaF "$e" "$T_TMP/enc.duckdb" && found="$found $e"; done
t_eq "no customer e-mail in the encrypted file's bytes" "" "$found"
t_run "the key is in no dbt log or compiled file" bash -c "! grep -rqF '$VP_DUCKDB_KEY' '$T_TMP/dbt.out' '$T_TMP/logs' '$T_TMP/target'"
t_done
