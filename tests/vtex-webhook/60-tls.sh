#!/usr/bin/env bash
# vtex-webhook over HTTPS with a self-signed certificate made here by openssl.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

command -v openssl >/dev/null || { t_skip "TLS" "no openssl"; t_done; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
chmod 600 "$T_TMP/key.pem"
wh_start a --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem" --output "$T_TMP/out" ||
	{ t_fail "webhook starts with TLS"; t_done; }
t_run "the ready file says https" grep -q '^https://127.0.0.1:' "$T_TMP/a.url"
t_eq "event over TLS, certificate trusted: 200" 200 "$(wh_post "$WH_URL" "$(wh_event 1)" --cacert "$T_TMP/cert.pem")"
t_eq "ping over TLS: 200" 200 "$(wh_post "$WH_URL" '{"hookConfig":"ping"}' --cacert "$T_TMP/cert.pem")"
t_eq "the secret is still required over TLS: 401" 401 \
	"$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T_TMP/cert.pem" --data-binary "$(wh_event 2)" "$WH_URL/hook")"
curl -s -o /dev/null --data-binary "$(wh_event 3)" -H "key: $WH_SECRET" "$WH_URL/hook"
t_eq "a client that does not trust the certificate fails the handshake (curl 60)" 60 "$?"
t_eq "plain HTTP to the TLS port gets no answer" 000 "$(wh_post "${WH_URL/https/http}" "$(wh_event 4)")"
t_eq "TLS 1.1 refused" true "$(curl -s -o /dev/null --tls-max 1.1 --cacert "$T_TMP/cert.pem" "$WH_URL/healthz" && echo false || echo true)"
t_eq "only the accepted event was written" "v0000001-01" "$(jq -r .OrderId "$T_TMP/out")"
kill -TERM "$(wh_pid a)"
wh_wait a
t_eq "SIGTERM: exit 0" 0 "$WH_RC"
t_done
