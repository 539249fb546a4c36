#!/usr/bin/env bash
# vtex-sandbox --account-limits: VTEX's per-account budgets by class (API.md
# §7.2), 429 with Retry-After above them; OMS stays closed for its pause after
# one 429; Catalog also per endpoint; other classes untouched; off by default.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

t_exit "a bad spec is a usage error" 64 vtex-sandbox --account-limits oms=x
t_exit "an unknown class is a usage error" 64 vtex-sandbox --account-limits pricing=5

# codes PATH N: N requests of PATH over one connection, their statuses and Retry-After
codes() {
	local i
	for i in $(seq "$2"); do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$SB_URL" "$1"; done |
		curl -s "${SB_AUTH[@]}" -w '%{http_code} %header{retry-after}\n' -K -
}

sb_start lim --products 20 --orders 20 --clients 10 \
	--account-limits oms=5,catalog=9,catalog_endpoint=6,window=30,oms_pause=40 || { t_fail "sandbox starts"; t_done; }
oid=$(sb_get '/api/oms/pvt/orders?per_page=1' | jq -r '.list[0].orderId')
codes "/api/oms/pvt/orders/$oid" 6 >"$T_TMP/oms.txt"
t_eq "OMS: the budget's requests pass (1 list + 4 details)" 4 "$(grep -c '^200 $' "$T_TMP/oms.txt")"
t_eq "OMS: then 429" 2 "$(grep -c '^429 ' "$T_TMP/oms.txt")"
t_eq "OMS: Retry-After is the pause (40 s, not the window's end)" true \
	"$(awk '$1 == 429 && ($2 < 38 || $2 > 40) { bad = 1 } END { print bad ? "false" : "true" }' "$T_TMP/oms.txt")"
t_eq "OMS: the list is in the same class" 429 "$(sb_status '/api/oms/pvt/orders?per_page=1')"

sku=$(sb_get '/api/catalog_system/pvt/sku/stockkeepingunitids?page=1&pagesize=1' | jq '.[0]')
codes /api/catalog/pvt/product/101 8 >"$T_TMP/cat1.txt"
t_eq "Catalog: an endpoint's own budget (6 of 8)" "6 2" "$(grep -c '^200' "$T_TMP/cat1.txt") $(grep -c '^429' "$T_TMP/cat1.txt")"
codes '/api/catalog_system/pvt/sku/stockkeepingunitids?page=1&pagesize=1' 4 >"$T_TMP/cat2.txt"
t_eq "Catalog: the account budget covers every endpoint (2 more of 9)" "2 2" \
	"$(grep -c '^200' "$T_TMP/cat2.txt") $(grep -c '^429' "$T_TMP/cat2.txt")"
t_eq "Catalog: Retry-After is the window's end" true \
	"$(awk '$1 == 429 && ($2 < 1 || $2 > 30) { bad = 1 } END { print bad ? "false" : "true" }' "$T_TMP/cat1.txt" "$T_TMP/cat2.txt")"
t_eq "Master Data is not in these classes" 200 "$(sb_status '/api/dataentities/CL/search?_fields=id')"
t_eq "pricing is not in these classes" 200 "$(sb_status "/sandbox/pricing/prices/$sku")"
m=$(curl -s "$SB_URL/metrics")
t_eq "throttled requests counted by class" "3 4" \
	"$(prom_value 'vtex_sandbox_throttled_total{class="oms"}' <<<"$m") $(prom_value 'vtex_sandbox_throttled_total{class="catalog"}' <<<"$m")"
sb_stop lim

sb_start off --products 20 --orders 20 --clients 10 || { t_fail "sandbox starts"; t_done; }
t_eq "off by default" 0 "$(codes /api/catalog/pvt/product/101 20 | grep -vc '^200')"
t_done
