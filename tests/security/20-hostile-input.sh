#!/usr/bin/env bash
# Hostile input, one rule in every tool that parses records (vtex-pipes(7),
# INPUT): an escaped NUL (cJSON would cut the string at it), a raw control
# character, invalid UTF-8 and a line over --max-line go to the rejects whole
# with their reason, never truncated, and the good records around them pass.
# vtex-webhook answers 400 to such a body and writes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../vtex-webhook/webhook_lib.sh"
cd "$T_TMP"

# The bad lines, each after a good one.
printf '%s\n' '{"id":"x\u0000evil"}' '{"id":"x"}' > nul.ndjson
printf '{"id":"c\001"}\n{"id":"u\377"}\n{"id":"ok"}\n' > ctl.ndjson
{ echo '{"id":"a"}'; printf '{"id":"%06000d"}\n' 0; echo '{"id":"b"}'; } > long.ndjson

# dedup: the NUL record no longer shadows the real one.
dedup --key id --rejects rej nul.ndjson > out 2>err
t_eq "dedup: the record after a \\u0000 one is not taken for its duplicate" '{"id":"x"}' "$(cat out)"
t_eq "dedup: the \\u0000 record is rejected whole, with its reason" \
	'escaped NUL (\u0000) in a string|{"id":"x\u0000evil"}' "$(jq -r '.reason + "|" + .raw' rej)"
dedup --key id --rejects rej ctl.ndjson > out 2>err
t_eq "dedup: raw control character and invalid UTF-8 rejected" \
	'raw control character in a string,invalid UTF-8' "$(jq -r .reason rej | paste -sd,)"
t_eq "dedup: the good record passes" '{"id":"ok"}' "$(cat out)"

# ndjson-validate: the e-mail with a NUL and a script no longer passes.
printf '%s\n' '{"id":"0b1b2c3d-1111-2222-3333-444455556666","email":"a@b.com\u0000<script>"}' > email.ndjson
t_exit "ndjson-validate: a \\u0000 e-mail is rejected (exit 1)" 1 \
	bash -c 'ndjson-validate -e client --rejects rej email.ndjson > out 2>err'
t_eq "ndjson-validate: with its reason, nothing out" 'escaped NUL (\u0000) in a string|0' \
	"$(jq -r .reason rej)|$(wc -c < out)"

# ndjson-normalize: "ab\u0000cd" is not written as "ab".
printf '%s\n' '{"orderId":"v1-01","clientProfileData":{"firstName":"ab\u0000cd"}}' > order.ndjson
t_exit "ndjson-normalize: a \\u0000 value is rejected (exit 1)" 1 \
	bash -c 'ndjson-normalize --entity order --rejects rej order.ndjson > out 2>err'
t_eq "ndjson-normalize: nothing written, the reason kept" 'escaped NUL (\u0000) in a string|0' \
	"$(jq -r .reason rej)|$(wc -c < out)"

# bq-load (DuckDB): rejected before any batch.
printf '%s\n' '{"_table":"t","id":"x\u0000y"}' '{"_table":"t","id":"ok"}' > rows.ndjson
t_exit "bq-load: a \\u0000 row is rejected, the other loaded (exit 1)" 1 \
	bash -c 'bq-load --target duckdb:wh.duckdb --rejects rej rows.ndjson > /dev/null 2>err'
t_eq "bq-load: its reason" 'escaped NUL (\u0000) in a string' "$(jq -r .reason rej)"

# --max-line and VTEX_PIPES_MAX_LINE, in each tool that reads NDJSON.
want='line of 6009 bytes, longer than the maximum of 1024 (--max-line)|2|1024'
dedup --key id --max-line 1K --rejects rej long.ndjson > out 2>err
t_eq "dedup --max-line: the long line rejected with its length and head" "$want" \
	"$(jq -r '[.reason, .line, (.raw | length)] | join("|")' rej)"
t_eq "dedup --max-line: the lines around it pass" "a b" "$(jq -r .id out | paste -sd' ')"
VTEX_PIPES_MAX_LINE=1K ndjson-validate --rules <(echo '{"entity":"x","rules":[{"path":"id","required":true}]}') \
	--rejects rej long.ndjson > out 2>err
t_eq "ndjson-validate VTEX_PIPES_MAX_LINE" "$want" "$(jq -r '[.reason, .line, (.raw | length)] | join("|")' rej)"
t_eq "ndjson-validate: the lines around it pass" 2 "$(wc -l < out)"
ndjson-normalize --entity client --max-line 1K --rejects rej long.ndjson > out 2>err
t_eq "ndjson-normalize --max-line" "$want" "$(jq -r '[.reason, .line, (.raw | length)] | join("|")' rej)"
sed 's/{/{"_table":"t",/' long.ndjson > longrows.ndjson
bq-load --target duckdb:wh.duckdb --max-line 1K --rejects rej longrows.ndjson > /dev/null 2>err
t_eq "bq-load --max-line" 'line of 6022 bytes, longer than the maximum of 1024 (--max-line)|2' \
	"$(jq -r '[.reason, .line] | join("|")' rej)"
t_exit "--max-line below 1K: usage error" 64 dedup --key id --max-line 100 < /dev/null 2>/dev/null
t_exit "VTEX_PIPES_MAX_LINE not a size: usage error" 64 env VTEX_PIPES_MAX_LINE=lots dedup --key id < /dev/null 2>/dev/null

# A line far over the maximum is not held whole: 64 MiB through dedup with
# --max-line 1M stays far below the line's size in memory.
python3 -c 'import sys; sys.stdout.write("{\"id\":\"" + "x" * (64 << 20) + "\"}\n{\"id\":\"after\"}\n")' > huge.ndjson
/usr/bin/time -f %M -o rss dedup --key id --max-line 1M --rejects rej huge.ndjson > out 2>err
t_eq "a 64 MiB line: rejected, the next line passes" 'after' "$(jq -r .id out)"
rss=$(cat rss | tail -1)
[ "$rss" -lt 32768 ] && t_ok "a 64 MiB line read past in under 32 MiB ($rss KiB)" || t_fail "memory for a 64 MiB line" "$rss KiB"
rm -f huge.ndjson

# vtex-fetch: a VTEX answer holding a \u0000 is a failure record with the
# reason, never an order written with its value cut short.
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = b"{\"orderId\":\"1-01\",\"clientProfileData\":{\"email\":\"a@b.com\\u0000x\"}}"
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_port))
s.serve_forever()' vtex.port &
t_on_exit "kill $!"
for _ in $(seq 100); do [ -s vtex.port ] && break; sleep 0.05; done
VTEX_BASE_URL=http://127.0.0.1:$(cat vtex.port) VTEX_APP_KEY=k VTEX_APP_TOKEN=t \
	vtex-fetch order 1-01 --failures f.ndjson > out 2>err
t_eq "vtex-fetch: a \\u0000 in a VTEX answer: exit 1, nothing written" "1 0" "$? $(wc -c < out)"
t_run "... a failure record with the reason" grep -q 'escaped NUL' f.ndjson
t_run "VTEX_BASE_URL on the loopback over http://: no warning" bash -c "! grep -q 'in clear' err"
VTEX_BASE_URL=http://vtex.invalid VTEX_APP_KEY=k VTEX_APP_TOKEN=t \
	vtex-fetch order 1-01 --retries 1 --connect-timeout 0.5 --failures f2.ndjson > /dev/null 2>err2
t_eq "... to another host: refused (78), the credentials would cross the network in clear" "78 1" \
	"$? $(grep -c 'level=error.*plain http.*in clear.*setting=VTEX_BASE_URL' err2)"
VTEX_PIPES_ALLOW_PLAIN_HTTP=1 VTEX_BASE_URL=http://vtex.invalid VTEX_APP_KEY=k VTEX_APP_TOKEN=t \
	vtex-fetch order 1-01 --retries 1 --connect-timeout 0.5 --failures f2.ndjson > /dev/null 2>err2
t_run "... taken with a warning with VTEX_PIPES_ALLOW_PLAIN_HTTP=1" \
	grep -q 'level=warn.*in clear (allowed by VTEX_PIPES_ALLOW_PLAIN_HTTP=1)' err2
VTEX_GATEWAY=http://gateway.invalid VTEX_GATEWAY_TOKEN=gateway-token-0123456789 \
	vtex-fetch order 1-01 --retries 1 --connect-timeout 0.5 > /dev/null 2>err3
t_eq "... VTEX_GATEWAY likewise (its token)" 78 $?
printf '{"a":1}\n' | BQ_TOKEN=tok bq-load --target bigquery:p.d --table t --endpoint http://bq.invalid \
	--rejects rej.ndjson > /dev/null 2>err4
t_eq "bq-load: a BigQuery endpoint over http:// to another host refused (78)" "78 1" \
	"$? $(grep -c 'setting="the BigQuery endpoint"' err4)"

# vtex-webhook: 400 for an OrderId holding a NUL, and nothing written.
ev='{"OrderId":"v1-01\u0000x","State":"invoiced","LastChange":"2026-01-15T17:11:39Z"}'
wh_start w --output events.ndjson || { t_fail "webhook starts"; t_done; }
t_eq "vtex-webhook: an OrderId with \\u0000 answered 400" 400 "$(wh_post "$WH_URL" "$ev")"
t_eq "vtex-webhook: a raw control character answered 400" 400 \
	"$(wh_post "$WH_URL" "$(printf '{"OrderId":"v1-01\033[2J","State":"invoiced","LastChange":"2026-01-15T17:11:39Z"}')")"
t_eq "vtex-webhook: invalid UTF-8 answered 400" 400 \
	"$(wh_post "$WH_URL" "$(printf '{"OrderId":"v1-01\377","State":"invoiced","LastChange":"2026-01-15T17:11:39Z"}')")"
t_eq "vtex-webhook: nothing written for them" 0 "$(wc -c < events.ndjson)"
t_done
