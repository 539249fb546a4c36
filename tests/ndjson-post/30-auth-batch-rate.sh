#!/usr/bin/env bash
# Auth headers as the API checks them (bearer and basic from a file or the
# environment, an HMAC-SHA256 of the body the server recomputes), secrets
# never in the logs; batches as JSON arrays cut by --batch, --max-bytes and
# URL changes; --rps holds (requests counted per second of the server's
# clock); TLS verified, --cacert trusted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
D=$T_TMP
gen_records 20 >"$D/in.ndjson"

api_start bearer --bearer s3cret-token
printf 's3cret-token\n' >"$D/token"; chmod 600 "$D/token"
NDJSON_POST_TOKEN_FILE=$D/token ndjson-post --url "$URL/c" --auth bearer --log-level debug <"$D/in.ndjson" 2>"$D/bearer.err"
t_eq "bearer from a file: exit 0" 0 $?
t_eq "every request carried it" 20 "$(log_count "$D/bearer.log" 'e["authorization"] == "Bearer s3cret-token" and e["status"] == 200')"
t_run "the token is not in the logs" bash -c "! grep -q s3cret '$D/bearer.err'"
NDJSON_POST_TOKEN=wrong ndjson-post --url "$URL/c" --auth bearer <"$D/in.ndjson" 2>"$D/bearer2.err"
t_eq "a refused token: exit 78" 78 $?
t_run "it says so" grep -q 'refused the credentials (401)' "$D/bearer2.err"

api_start basic --basic 'crm-user:pa:ss'
NDJSON_POST_USER=crm-user NDJSON_POST_PASSWORD='pa:ss' ndjson-post --url "$URL/c" --auth basic <"$D/in.ndjson" 2>/dev/null
t_eq "basic auth: exit 0, the server checked it" 0 $?
t_eq "all stored" 20 "$(wc -l <"$D/basic.store")"

api_start hmac --hmac-key 'k3y' --hmac-header X-Hub-Signature-256
NDJSON_POST_HMAC_KEY=k3y ndjson-post --url "$URL/c" --auth hmac --hmac-header X-Hub-Signature-256 --batch 7 \
	<"$D/in.ndjson" 2>"$D/hmac.err"
t_eq "HMAC-signed batches: exit 0, each signature verified by the server" 0 $?
python3 - "$D/hmac.log" <<'PY' && t_ok "the signature is sha256=HMAC(key, body) recomputed here too" || t_fail "HMAC recomputed"
import hashlib, hmac, json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    want = "sha256=" + hmac.new(b"k3y", e["body"].encode(), hashlib.sha256).hexdigest()
    assert e["signature"] == want, e
PY
NDJSON_POST_HMAC_KEY=other ndjson-post --url "$URL/c" --auth hmac --hmac-header X-Hub-Signature-256 <"$D/in.ndjson" 2>/dev/null
t_eq "a wrong HMAC key: 401, exit 78" 78 $?

# Batches: 20 records by 7 -> 7, 7, 6, JSON arrays; the key covers the batch.
t_eq "three requests of at most 7" "6 7 7" "$(python3 -c "
import json, sys
print(' '.join(sorted(str(len(json.loads(json.loads(l)['body']))) for l in open(sys.argv[1]) if json.loads(l)['status'] == 200)))" "$D/hmac.log")"
t_same_file "every record once" <(canon "$D/in.ndjson") <(canon "$D/hmac.store")

api_start batch
{ for i in 1 2 3; do echo "{\"shop\":\"a\",\"n\":$i}"; done; for i in 4 5; do echo "{\"shop\":\"b\",\"n\":$i}"; done; } >"$D/shops.ndjson"
ndjson-post --url "$URL/shops/{shop}/items" --batch 10 --max-bytes 40 -H 'X-Test: yes' <"$D/shops.ndjson" 2>/dev/null
t_eq "batched by URL and --max-bytes: exit 0" 0 $?
# (Batches go out concurrently: the server may log them in any order.)
t_eq "a batch ends at --max-bytes and where the URL changes" "/shops/a/items:1 /shops/a/items:2 /shops/b/items:2" "$(python3 -c "
import json, sys
print(' '.join(sorted(e['path'] + ':' + str(len(json.loads(e['body']))) for l in open(sys.argv[1]) for e in [json.loads(l)])))" "$D/batch.log")"
t_eq "extra headers and the JSON content type sent" 3 "$(log_count "$D/batch.log" 'e["header_x_test"] == "yes" and e["content_type"] == "application/json"')"

# --rps 10 on 40 records at concurrency 8: in no second of the server's clock
# more than 10 requests plus the bucket's one token of burst.
api_start rate
gen_records 40 >"$D/forty.ndjson"
ndjson-post --url "$URL/c" --rps 10 --concurrency 8 <"$D/forty.ndjson" 2>/dev/null
t_eq "rate-limited run: exit 0" 0 $?
t_eq "all 40 arrived" 40 "$(wc -l <"$D/rate.store")"
t_eq "at most 11 requests in any 1-second window" ok "$(python3 -c "
import json, sys
t = sorted(json.loads(l)['t'] for l in open(sys.argv[1]))
worst = max(sum(1 for u in t if s <= u < s + 1.0) for s in t)
print('ok' if worst <= 11 else 'worst %d' % worst)" "$D/rate.log")"

# TLS: a private CA is refused until --cacert names it.
if command -v openssl >/dev/null; then
	(cd "$D" && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vtex-pipes test CA" -keyout ca.key -out ca.pem 2>/dev/null &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout srv.key -out srv.csr 2>/dev/null &&
		printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf &&
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out srv.pem 2>/dev/null)
	api_start tls --tls "$D/srv.pem" "$D/srv.key"
	TURL=https://${URL#http://}
	ndjson-post --url "$TURL/c" <"$D/in.ndjson" 2>/dev/null
	t_eq "an untrusted certificate: exit 78" 78 $?
	ndjson-post --url "$TURL/c" --cacert "$D/ca.pem" <"$D/in.ndjson" 2>/dev/null
	t_eq "trusted with --cacert: exit 0" 0 $?
	t_eq "all stored over TLS" 20 "$(wc -l <"$D/tls.store")"
else
	t_skip "TLS" "no openssl"
fi
t_done
