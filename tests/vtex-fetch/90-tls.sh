#!/usr/bin/env bash
# TLS is always verified: a server whose certificate comes from a private CA
# is refused (exit 78, with a hint) until --cacert names that CA.
. "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "needs openssl and python3"; exit 77; }

cd "$T_TMP"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vtex-pipes test CA" \
	-keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout srv.key -out srv.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile ext.cnf -out srv.pem 2>/dev/null

python3 "$VP_ROOT/tests/vtex-fetch/tls_server.py" srv.pem srv.key port &
t_on_exit "kill $!"
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
export VTEX_BASE_URL="https://127.0.0.1:$(cat port)" VTEX_APP_KEY=k VTEX_APP_TOKEN=t

t_exit "untrusted certificate: exit 78" 78 bash -c 'vtex-fetch order 1-01 --failures f1 >out1 2>err1'
grep -q -- '--cacert' err1 && t_ok "the message points at --cacert" || t_fail "the message points at --cacert"
t_eq "the order is recorded as a failure" 1 "$(jq -s 'map(select(.orderId=="1-01")) | length' f1)"
t_exit "trusted with --cacert: exit 0" 0 bash -c 'vtex-fetch order 1-01 --cacert ca.pem >out2 2>err2'
t_eq "the order comes out" '1-01' "$(jq -r .orderId out2)"
t_exit "VTEX_FETCH_CACERT works as well" 0 bash -c 'VTEX_FETCH_CACERT=ca.pem vtex-fetch order 2-01 >out3 2>&1'
t_done
