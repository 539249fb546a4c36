#!/usr/bin/env bash
# vtex-sandbox: credentials (401 without, 403 wrong), unknown routes and
# methods, the command line, and the man page naming every route served.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

sb_start main --products 20 --clients 10 --orders 30 || { t_fail "sandbox starts"; t_done; }
t_ok "sandbox starts and writes its ready file"

t_eq "no credentials: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$SB_URL/api/oms/pvt/orders")"
t_eq "only the key: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "X-VTEX-API-AppKey: $SB_KEY" "$SB_URL/api/oms/pvt/orders")"
t_eq "wrong token: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "X-VTEX-API-AppKey: $SB_KEY" -H "X-VTEX-API-AppToken: nope" "$SB_URL/api/oms/pvt/orders")"
t_eq "wrong key: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "X-VTEX-API-AppKey: other" -H "X-VTEX-API-AppToken: $SB_TOKEN" "$SB_URL/api/oms/pvt/orders")"
t_eq "header names are case-insensitive" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "x-vtex-api-appkey: $SB_KEY" -H "x-vtex-api-apptoken: $SB_TOKEN" "$SB_URL/api/oms/pvt/orders")"
t_eq "paths are case-insensitive like VTEX's" 200 "$(sb_status /api/catalog_system/pvt/products/getproductandskuids)"
t_eq "right credentials: 200" 200 "$(sb_status /api/oms/pvt/orders)"
t_eq "unknown route: 404" 404 "$(sb_status /api/nothing/here)"
t_eq "wrong method: 405" 405 "$(sb_status /api/oms/pvt/orders -X POST)"
t_eq "pricing lives under the account" 404 "$(sb_status /otheraccount/pricing/prices/1000)"
t_eq "metrics need no credentials" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$SB_URL/metrics")"
curl -s "$SB_URL/metrics" >"$T_TMP/metrics.txt"
if grep -q 'vtex_sandbox_requests_total{tool="vtex-sandbox",stage="vtex-sandbox",route="orders",code="401"}' "$T_TMP/metrics.txt"; then
	t_ok "metrics count requests by route and status"
else
	t_fail "metrics count requests by route and status"
fi

# IPv6: the base URL in its ready file, the same answers.
if sb_start v6 --products 2 --clients 1 --orders 3 --listen '[::1]:0'; then
	t_eq "an IPv6 listener writes its bracketed URL" "http://[::1]:" "${SB_URL_v6%%]:*}]:"
	t_eq "an IPv6 listener serves" 200 "$(curl -gs -o /dev/null -w '%{http_code}' "${SB_AUTH[@]}" "$SB_URL_v6/api/oms/pvt/orders")"
	sb_stop v6
else
	t_fail "sandbox starts on [::1]:0"
fi

# The command line.
t_exit "--help exits 0" 0 vtex-sandbox --help >/dev/null
t_exit "--version exits 0" 0 vtex-sandbox --version >/dev/null
t_exit "an unknown flag is a usage error" 64 vtex-sandbox --nope 2>/dev/null
t_exit "a bad number is a usage error" 64 vtex-sandbox --orders lots 2>/dev/null
t_exit "an unknown fault is a usage error" 64 vtex-sandbox --faults 418 2>/dev/null
t_exit "no credentials in the environment: 78" 78 env -u VTEX_APP_KEY vtex-sandbox --listen 127.0.0.1:0 2>/dev/null
t_exit "cannot listen: 69" 69 vtex-sandbox --listen 203.0.113.1:1 --orders 1 2>/dev/null
t_exit "a listen address that is not ADDR:PORT: 69" 69 vtex-sandbox --listen localhost:1 --orders 1 2>/dev/null

# Every route pattern and every option appear in the man page.
sed 's/\\//g' "$VP_ROOT/man/man1/vtex-sandbox.1" >"$T_TMP/man.txt" # roff escapes off: \- is -
man=$T_TMP/man.txt
missing=""
for p in $(grep -o '"/[^"]*"' "$VP_ROOT/cmd/vtex-sandbox/routes.c" | tr -d '"' | sed 's/{account}/ACCOUNT/'); do
	prefix=${p%%\**}
	grep -qF -- "$prefix" "$man" || missing="$missing $p"
done
t_eq "the man page names every route" "" "$missing"
missing=""
for o in $(vtex-sandbox --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -qF -- "$o" "$man" || missing="$missing $o"
done
t_eq "the man page documents every option of --help" "" "$missing"
t_done
