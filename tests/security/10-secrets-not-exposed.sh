#!/usr/bin/env bash
# Secrets come only from the environment or a file, and go nowhere else: for
# each tool that holds one (vtex-sandbox: the VTEX app token and the hook
# secret; vtex-fetch: the VTEX app token; bq-load: a BigQuery token or a
# service-account key), the running process's /proc/PID/cmdline (readable by
# every user) does not hold it, nor do its logs (debug level), metrics,
# rejects, failures, outputs or error messages, including when the peer
# refuses it. A secret file readable by its group or by every user is refused.
. "$(dirname "$0")/../lib.sh"
for t in vtex-sandbox vtex-fetch bq-load; do command -v "$t" >/dev/null || { echo "$t not built"; exit 77; }; done
cd "$T_TMP"
r=$RANDOM$RANDOM
VTOK=vtex-token-SECRET-$r HOOKSEC=hook-secret-SECRET-$r BQTOK=bq-token-SECRET-$r WRONG=wrong-token-SECRET-$r
export VTEX_APP_KEY=vtexappkey-sandbox-SEC VTEX_ACCOUNT=sandbox
unset VTEX_APP_TOKEN_FILE BQ_TOKEN_FILE GOOGLE_APPLICATION_CREDENTIALS

# started PID: waits until PID runs the tool (after exec) and copies its command line.
started() {
	local pid=$1 name=$2
	for _ in $(seq 200); do
		[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(command -v "$name")" ] && break
		sleep 0.01
	done
	tr '\0' ' ' <"/proc/$pid/cmdline" >"cmdline.$name.$pid" 2>/dev/null
	t_run "$name is running (pid $pid)" test -s "cmdline.$name.$pid"
}
# clean LABEL SECRET FILE...: none of the files holds SECRET.
clean() {
	local label=$1 secret=$2; shift 2
	local hits
	hits=$(grep -lF -- "$secret" "$@" 2>/dev/null | paste -sd' ')
	t_eq "$label" "" "$hits"
}

# vtex-sandbox: token and hook secret from the environment; hooks sent to a
# listener that records them (so the secret is used), a slow answer keeps
# vtex-fetch running while its command line is read.
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        open(sys.argv[1], "a").write(self.headers.get("X-Hook-Key", "") + "\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_port))
s.serve_forever()' hooks.got hook.port &
t_on_exit "kill $!"
for _ in $(seq 100); do [ -s hook.port ] && break; sleep 0.05; done
VTEX_APP_TOKEN=$VTOK VTEX_SANDBOX_HOOK_SECRET=$HOOKSEC vtex-sandbox --listen 127.0.0.1:0 --ready-file ready \
	--now 2026-01-15T12:00:00Z --products 20 --orders 30 --clients 20 --latency-ms 200 \
	--orders-per-second 20 --hook-url "http://127.0.0.1:$(cat hook.port)/hook" --hook-header X-Hook-Key \
	--metrics-file sandbox.prom --log-level debug 2>sandbox.log &
sb=$!
t_on_exit "kill $sb 2>/dev/null"
started "$sb" vtex-sandbox
for _ in $(seq 100); do [ -s ready ] && break; sleep 0.05; done
export VTEX_BASE_URL=$(cat ready)
for _ in $(seq 100); do [ -s hooks.got ] && break; sleep 0.05; done
t_run "the sandbox sends hooks with the secret (so it is in use)" grep -qxF "$HOOKSEC" hooks.got

# vtex-fetch with the right token (slow answers: it is still running when its command line is read).
VTEX_APP_TOKEN=$VTOK vtex-fetch catalog --log-level debug --metrics-file fetch.prom \
	--rejects fetch.rej --failures fetch.fail >fetch.out 2>fetch.log &
pid=$!
started "$pid" vtex-fetch
wait "$pid"
t_eq "vtex-fetch with the token: exit 0" 0 $?
t_run "... and it fetched the catalog" test -s fetch.out
# With a wrong token: refused (the sandbox answers 403), an error message.
VTEX_APP_TOKEN=$WRONG vtex-fetch catalog --log-level debug --metrics-file fetch-wrong.prom \
	--failures fetch-wrong.fail >fetch-wrong.out 2>fetch-wrong.log
t_eq "vtex-fetch with a wrong token: exit 78" 78 $?
t_run "... says why" grep -q 'VTEX denied access' fetch-wrong.log
# The token from a file: quiet when only its owner can read it, refused when its group or everyone can.
printf '%s\n' "$VTOK" >token.txt
chmod 600 token.txt
VTEX_APP_TOKEN= VTEX_APP_TOKEN_FILE=token.txt vtex-fetch order 1-01 --failures f.fail >/dev/null 2>file600.log
t_run "token file of mode 600: no warning" bash -c "! grep -q 'readable by' file600.log"
for mode in 640 644; do
	chmod $mode token.txt
	VTEX_APP_TOKEN= VTEX_APP_TOKEN_FILE=token.txt vtex-fetch order 1-01 --failures f.fail >/dev/null 2>file$mode.log
	t_eq "token file of mode $mode: refused (78)" 78 $?
	t_run "... an error naming the file" grep -q 'level=error.*readable by its group or by every user.*path=token.txt' file$mode.log
done
chmod 600 token.txt

# bq-load against the scripted BigQuery fake: a fixed token, then a service-account key.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
openssl pkey -in sa.key -pubout -out sa.pub
FAKE=$VP_ROOT/tests/bq-load/fake_bigquery_server.py
fake() {
	[ -n "${fpid:-}" ] && { kill "$fpid"; wait "$fpid" 2>/dev/null; }
	rm -f port
	python3 "$FAKE" port "fake-$1.log" "$1" sa.pub 2>/dev/null &
	fpid=$!
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	EP=http://127.0.0.1:$(cat port)
}
t_on_exit '[ -n "${fpid:-}" ] && kill $fpid'
rows() { printf '%s\n' '{"_table":"orders","_row_id":"a","n":1}' '{"_row_id":"b","n":2}'; sleep 1; }
fake ok
rows | BQ_TOKEN=$BQTOK bq-load --target bigquery:p.d --endpoint "$EP" --log-level debug --metrics-file bq.prom \
	--rejects bq.rej >bq.out 2>bq.log &
pid=$!
started "$pid" bq-load
wait "$pid"
t_eq "bq-load with a token: exit 1 (one row rejected)" 1 $?
python3 - sa.key "$EP/token" >sa.json <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "client_email": "loader@p.iam.gserviceaccount.com",
                  "private_key_id": "k1", "private_key": open(sys.argv[1]).read(), "token_uri": sys.argv[2]}))
PY
chmod 600 sa.json
KEYLINE=$(sed -n 2p sa.key)
rows | BQ_TOKEN= GOOGLE_APPLICATION_CREDENTIALS=sa.json bq-load --target bigquery:p.d --endpoint "$EP" \
	--log-level debug --metrics-file bq-sa.prom >bq-sa.out 2>bq-sa.log &
pid=$!
started "$pid" bq-load
wait "$pid"
t_eq "bq-load with a service-account key: exit 1 (one row rejected)" 1 $?
ISSUED=$(grep -oE 'tok-[0-9a-z-]+' "fake-ok.log" | head -1)
fake unauthorized
rows | BQ_TOKEN=$WRONG bq-load --target bigquery:p.d --endpoint "$EP" --log-level debug >bq-wrong.out 2>bq-wrong.log
t_eq "bq-load with a refused token: exit 78" 78 $?

kill "$sb"; wait "$sb" 2>/dev/null
logs=(sandbox.log sandbox.prom fetch.log fetch.prom fetch.rej fetch.fail fetch.out fetch-wrong.log fetch-wrong.prom
	fetch-wrong.fail fetch-wrong.out file600.log file644.log bq.log bq.prom bq.rej bq.out bq-sa.log bq-sa.prom bq-sa.out
	bq-wrong.log bq-wrong.out)
t_run "the sandbox wrote its metrics at exit" test -s sandbox.prom
clean "VTEX token: in no command line" "$VTOK" cmdline.*
clean "VTEX token: in no log, metrics, rejects, failures or output" "$VTOK" "${logs[@]}"
clean "wrong VTEX token: not echoed in the error messages" "$WRONG" "${logs[@]}" cmdline.*
clean "hook secret: in no command line" "$HOOKSEC" cmdline.*
clean "hook secret: in no log or metrics" "$HOOKSEC" "${logs[@]}"
clean "BigQuery token: in no command line" "$BQTOK" cmdline.*
clean "BigQuery token: in no log, metrics, rejects or output" "$BQTOK" "${logs[@]}"
clean "service-account private key: in no command line, log or output" "$KEYLINE" cmdline.* "${logs[@]}"
if [ -n "$ISSUED" ]; then
	clean "access token issued for the key: in no log or output" "$ISSUED" "${logs[@]}"
else
	t_skip "access token issued for the key: in no log or output" "the fake logged no token"
fi
t_done
