#!/usr/bin/env bash
# Data at rest. Under umask 022, every file a tool makes that holds records or
# state is 0600 (rejects, failures and outputs through lib/ndjson_writer,
# JSON state files through lib/json_file, dedup's state and journal, the
# webhook's output, the DuckDB warehouse), directories 0700. With a key
# (VP_DUCKDB_KEY or VP_DUCKDB_KEY_FILE) the warehouse is encrypted: no
# customer e-mail in the file's bytes, bq-export reads it with the key, and
# without the key or with a wrong one both tools stop with 78.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/vtex-webhook/webhook_lib.sh"
umask 022
D=$T_TMP/at-rest
mkdir "$D"
mode() { stat -c %a "$1"; }

printf '%s\n' '{"_table":"customers","id":1,"email":"alice.private@example.com"}' 'not json' >"$D/in.ndjson"
bq-load --target duckdb:"$D/plain.duckdb" --rejects "$D/rej.ndjson" <"$D/in.ndjson" >/dev/null 2>&1
t_eq "bq-load: the warehouse file is 0600" 600 "$(mode "$D/plain.duckdb")"
t_eq "bq-load: the rejects file is 0600" 600 "$(mode "$D/rej.ndjson")"
bq-export --target duckdb:"$D/plain.duckdb" --table bronze.customers --since _loaded_at --state "$D/export.json" \
	>/dev/null 2>&1
t_eq "bq-export: its state file is 0600" 600 "$(mode "$D/export.json")"
printf '%s\n' '{"id":1}' '{"id":1}' | dedup --key id --state "$D/dedup.state" >/dev/null 2>&1
t_eq "dedup: the state and its journal are 0600" "600 600" "$(mode "$D/dedup.state") $(mode "$D/dedup.state.journal")"
wh_start a --output "$D/events.ndjson" || { t_fail "webhook starts"; t_done; }
t_eq "vtex-webhook: an event answered 200" 200 "$(wh_post "$WH_URL" "$(wh_event 1)")"
t_eq "vtex-webhook: its output file is 0600" 600 "$(mode "$D/events.ndjson")"

# Encrypted at rest.
KEY=k-$RANDOM$RANDOM-0123456789abcdef
VP_DUCKDB_KEY=$KEY bq-load --target duckdb:"$D/enc.duckdb" <"$D/in.ndjson" >/dev/null 2>"$D/enc.err"
t_eq "bq-load with VP_DUCKDB_KEY: exit 1 (one reject)" 1 $?
t_eq "the encrypted file is 0600" 600 "$(mode "$D/enc.duckdb")"
t_run "the plain file holds the e-mail (the check can see it)" grep -qa 'alice.private@example.com' "$D/plain.duckdb"
t_run "no plaintext e-mail in the encrypted file (nor a WAL beside it)" \
	bash -c "! grep -qa 'alice.private@example.com' '$D'/enc.duckdb*"
printf '%s\n' "$KEY" >"$D/key"
chmod 600 "$D/key"
t_eq "bq-export with VP_DUCKDB_KEY_FILE reads it back" alice.private@example.com \
	"$(VP_DUCKDB_KEY_FILE=$D/key bq-export --target duckdb:"$D/enc.duckdb" --query 'select email from bronze.customers' 2>/dev/null | jq -r .email)"
echo '{"_table":"customers","id":2,"email":"bob@example.com"}' |
	VP_DUCKDB_KEY_FILE=$D/key bq-load --target duckdb:"$D/enc.duckdb" >/dev/null 2>&1
t_eq "bq-load appends with the key from a file" 2 \
	"$(VP_DUCKDB_KEY=$KEY bq-export --target duckdb:"$D/enc.duckdb" --table bronze.customers 2>/dev/null | wc -l)"
echo '{"_table":"customers","id":3}' | bq-load --target duckdb:"$D/enc.duckdb" >/dev/null 2>"$D/nokey.err"
t_eq "without the key bq-load stops: 78" 78 $?
VP_DUCKDB_KEY=wrong-key-0123456789 bq-export --target duckdb:"$D/enc.duckdb" --table bronze.customers >/dev/null 2>"$D/wrong.err"
t_eq "with a wrong key bq-export stops: 78" 78 $?
t_run "saying so" grep -q 'Wrong encryption key' "$D/wrong.err"
t_run "the key is in no log" bash -c "! grep -qF '$KEY' '$D'/*.err"
t_done
