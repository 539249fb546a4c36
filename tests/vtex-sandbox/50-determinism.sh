#!/usr/bin/env bash
# vtex-sandbox: the same seed and clock give the same bytes; another seed does not.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

args=(--seed 42 --products 150 --clients 800 --orders 4000)
sb_start a "${args[@]}" --truth "$T_TMP/truth-a.json" || { t_fail "sandbox a starts"; t_done; }
sb_start b "${args[@]}" --truth "$T_TMP/truth-b.json" --threads 1 || { t_fail "sandbox b starts"; t_done; }
sb_start c --seed 43 --products 150 --clients 800 --orders 4000 || { t_fail "sandbox c starts"; t_done; }

fetch_all() { # URL OUT
	SB_URL=$1
	{
		sb_get "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=1&_to=150"
		sb_get "/api/catalog/pvt/product/101"
		sb_get "/api/catalog_system/pvt/sku/stockkeepingunitbyid/1002"
		sb_get "/sandbox/pricing/prices/1002"
		sb_get "/api/oms/pvt/orders?per_page=100&page=3"
		for id in $(sb_get "/api/oms/pvt/orders?per_page=8" | jq -r '.list[].orderId'); do
			sb_get "/api/oms/pvt/orders/$id"
		done
		sb_get "/api/dataentities/CL/scroll?_size=200&_fields=_all"
		sb_get "/api/dataentities/CL/search?_fields=_all&_sort=email%20DESC" -H "REST-Range: resources=0-50"
	} >"$2"
}
fetch_all "$SB_URL_a" "$T_TMP/a.out"
fetch_all "$SB_URL_b" "$T_TMP/b.out"
fetch_all "$SB_URL_c" "$T_TMP/c.out"
t_eq "the responses are not empty" true "$([ "$(wc -c <"$T_TMP/a.out")" -gt 50000 ] && echo true)"
t_same_file "same seed and --now: the same bytes" "$T_TMP/a.out" "$T_TMP/b.out"
if cmp -s "$T_TMP/a.out" "$T_TMP/c.out"; then t_fail "another seed: other data"; else t_ok "another seed: other data"; fi
jq -S 'del(.as_of)' "$T_TMP/truth-a.json" >"$T_TMP/ta.json"
jq -S 'del(.as_of)' "$T_TMP/truth-b.json" >"$T_TMP/tb.json"
t_same_file "same seed: the same truth" "$T_TMP/ta.json" "$T_TMP/tb.json"
t_done
