#!/usr/bin/env bash
# TLS is always verified: against a local HTTPS BigQuery peer (the scripted
# fake behind a self-signed certificate made here with openssl) bq-load
# refuses to load without --cacert and loads with it, for both the API and
# the token endpoint of a service-account key.
. "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "needs openssl and python3"; exit 77; }
cd "$T_TMP"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout srv.key -out srv.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=someone else" -keyout other.key -out other.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
openssl pkey -in sa.key -pubout -out sa.pub
FAKE_TLS_CERT=srv.pem FAKE_TLS_KEY=srv.key python3 "$VP_ROOT/tests/bq-load/fake_bigquery_server.py" \
	port requests.log ok sa.pub 2>fake.err &
t_on_exit "kill $!"
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
EP=https://127.0.0.1:$(cat port)
rows() { printf '%s\n' '{"_table":"orders","id":"a","n":1}' '{"_table":"orders","id":"b","n":2}'; }
load() { rows | BQ_TOKEN=t0 bq-load --target bigquery:p.d --endpoint "$EP" "$@"; }

load >out1 2>err1
t_eq "self-signed certificate, no --cacert: configuration error (78)" 78 $?
t_run "... saying the certificate is not trusted" grep -q 'TLS certificate is not trusted' err1
t_eq "... and nothing reached the server" 0 "$({ cat requests.log 2>/dev/null || true; } | grep -c '"method"')"
load --cacert other.pem >out2 2>err2
t_eq "another certificate in --cacert: refused as well (78)" 78 $?
load --cacert srv.pem >out3 2>err3
t_eq "trusted with --cacert: exit 0" 0 $?
t_eq "the rows are loaded" '"rows":2' "$(grep -o '"rows":2' out3)"
BQ_LOAD_CACERT=srv.pem load >/dev/null 2>&1
t_eq "BQ_LOAD_CACERT works as well" 0 $?
load --cacert nosuch.pem 2>/dev/null
t_eq "--cacert of a file that cannot be read: usage error" 64 $?

# A service-account key whose token endpoint is the HTTPS fake too.
python3 - sa.key "$EP/token" >sa.json <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "client_email": "loader@p.iam.gserviceaccount.com",
                  "private_key_id": "k1", "private_key": open(sys.argv[1]).read(), "token_uri": sys.argv[2]}))
PY
chmod 600 sa.json
sa_load() { rows | GOOGLE_APPLICATION_CREDENTIALS=sa.json bq-load --target bigquery:p.d --endpoint "$EP" "$@"; }
sa_load >out4 2>err4
t_eq "token endpoint over untrusted TLS: configuration error (78)" 78 $?
sa_load --cacert srv.pem >out5 2>err5
t_eq "service-account key, token endpoint trusted with --cacert: exit 0" 0 $?
t_run "a token came from the token endpoint" grep -q '"path": "/token"' requests.log
t_done
