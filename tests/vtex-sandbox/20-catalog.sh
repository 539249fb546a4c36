#!/usr/bin/env bash
# vtex-sandbox: Catalog and Pricing endpoints, their caps and shapes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

sb_start main --products 600 --clients 10 --orders 10 --truth "$T_TMP/truth.json" || { t_fail "sandbox starts"; t_done; }

# GetProductAndSkuIds: 250 at most per call, 1-based positions, range.total.
sb_get "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=1&_to=1000" >"$T_TMP/wide.json"
t_eq "GetProductAndSkuIds serves at most 250 products per call" 250 "$(jq '.data | length' "$T_TMP/wide.json")"
t_eq "range.total is the number of products" 600 "$(jq '.range.total' "$T_TMP/wide.json")"
t_eq "range echoes the window asked" "1 1000" "$(jq -r '"\(.range.from) \(.range.to)"' "$T_TMP/wide.json")"
for from in 1 251 501; do
	sb_get "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=$from&_to=$((from + 249))"
done | jq -s 'map(.data) | add' >"$T_TMP/all.json"
t_eq "three windows of 250 cover every product once" 600 "$(jq 'keys | length' "$T_TMP/all.json")"
t_eq "past the end: no products" 0 "$(sb_get "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=601&_to=850" | jq '.data | length')"
t_eq "some products have no SKU ([])" true "$(jq '[.[] | select(length == 0)] | length > 0' "$T_TMP/all.json")"
keys=$(jq -r '.data | keys_unsorted | map(tonumber) | . == sort' "$T_TMP/wide.json")
t_eq "product keys come in no numeric order" false "$keys"
t_eq "_to below _from: 400" 400 "$(sb_status "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=5&_to=2")"
cat=$(sb_get /api/catalog/pvt/product/"$(jq -r 'keys[0]' "$T_TMP/all.json")" | jq .CategoryId)
in_cat=$(sb_get "/api/catalog_system/pvt/products/GetProductAndSkuIds?_from=1&_to=250&categoryId=$cat" | jq '.range.total')
t_eq "categoryId narrows the list" true "$([ "$in_cat" -gt 0 ] && [ "$in_cat" -lt 600 ] && echo true)"

# SKU ids: pagesize at most 1000, same SKUs as GetProductAndSkuIds.
jq '[.[][]] | sort' "$T_TMP/all.json" >"$T_TMP/skus-a.json"
n=$(jq length "$T_TMP/skus-a.json")
page=1
: >"$T_TMP/pages.json"
while :; do
	sb_get "/api/catalog_system/pvt/sku/stockkeepingunitids?page=$page&pagesize=1000" >"$T_TMP/page.json"
	cat "$T_TMP/page.json" >>"$T_TMP/pages.json"
	[ "$(jq length "$T_TMP/page.json")" -lt 1000 ] && break
	page=$((page + 1))
done
jq -s 'add | sort' "$T_TMP/pages.json" >"$T_TMP/skus-b.json"
t_same_file "stockkeepingunitids pages list the same SKUs as GetProductAndSkuIds" "$T_TMP/skus-a.json" "$T_TMP/skus-b.json"
t_eq "the truth counts the SKUs" "$n" "$(jq .skus "$T_TMP/truth.json")"
t_eq "pagesize above 1000: 400" 400 "$(sb_status "/api/catalog_system/pvt/sku/stockkeepingunitids?page=1&pagesize=1001")"
t_eq "page is required: 400" 400 "$(sb_status "/api/catalog_system/pvt/sku/stockkeepingunitids?pagesize=10")"

# Products, SKUs, prices.
pid=$(jq -r 'to_entries | map(select(.value | length > 1))[0].key' "$T_TMP/all.json")
sku=$(jq -r --arg p "$pid" '.[$p][0]' "$T_TMP/all.json")
sb_get "/api/catalog/pvt/product/$pid" >"$T_TMP/product.json"
t_eq "product by id" "$pid" "$(jq .Id "$T_TMP/product.json")"
t_eq "productget adds ListStoreId" true "$(sb_get "/api/catalog_system/pvt/products/productget/$pid" | jq 'has("ListStoreId")')"
t_eq "unknown product: 404" 404 "$(sb_status /api/catalog/pvt/product/99)"
t_eq "SKU by id" "$sku" "$(sb_get "/api/catalog/pvt/stockkeepingunit/$sku" | jq .Id)"
sb_get "/api/catalog_system/pvt/sku/stockkeepingunitbyid/$sku" >"$T_TMP/context.json"
t_eq "SKU context names its product" "$pid" "$(jq .ProductId "$T_TMP/context.json")"
t_eq "SKU context BrandId is a string" string "$(jq -r '.BrandId | type' "$T_TMP/context.json")"
t_eq "SKUs by product" "$(jq --arg p "$pid" '.[$p] | length' "$T_TMP/all.json")" \
	"$(sb_get "/api/catalog_system/pvt/sku/stockkeepingunitByProductId/$pid" | jq length)"
t_eq "unknown SKU: 404" 404 "$(sb_status /api/catalog/pvt/stockkeepingunit/1)"
sb_get "/sandbox/pricing/prices/$sku" >"$T_TMP/price.json"
t_eq "price under /ACCOUNT/pricing: itemId is the SKU id as a string" "\"$sku\"" "$(jq .itemId "$T_TMP/price.json")"
t_eq "computed price" 200 "$(sb_status "/sandbox/pricing/prices/$sku/computed/1")"
no_price=$(jq -r '.[]' "$T_TMP/skus-a.json" | head -300 | sed 's|^|/sandbox/pricing/prices/|' | sb_get_many | grep -c '^$')
t_eq "some SKUs have no price (404), as the truth says" true "$([ "$no_price" -gt 0 ] && echo true)"

# Inactive products and SKUs exist, and the truth counts them.
active=$(jq -r 'keys[] | "/api/catalog/pvt/product/\(.)"' "$T_TMP/all.json" | sb_get_many | jq -s 'map(select(.IsActive)) | length')
t_eq "active products match the truth" "$(jq .active_products "$T_TMP/truth.json")" "$active"
t_eq "some products are inactive" true "$([ "$active" -lt 600 ] && echo true)"
t_eq "some SKUs are inactive" true "$(jq '.active_skus < .skus' "$T_TMP/truth.json")"
jq -r 'keys[] | "/api/catalog/pvt/product/\(.)"' "$T_TMP/all.json" | head -60 | sb_get_many >"$T_TMP/products.ndjson"
t_eq "product names hold non-ASCII text" true "$(grep -qP '[^\x00-\x7F]' "$T_TMP/products.ndjson" && echo true)"

# Shapes against VTEX's examples.
if t_have_shared; then
	ex=$VP_SHARED/vtex/examples
	t_eq "product has the example's fields" "$(jq -c 'keys' "$ex/catalog-product.json")" "$(jq -c 'keys' "$T_TMP/product.json")"
	t_eq "SKU context has the example's fields" "$(jq -c 'keys' "$ex/catalog-sku-context.json")" "$(jq -c 'keys' "$T_TMP/context.json")"
	t_eq "price has the example's fields" "$(jq -c 'keys' "$ex/pricing-price.json")" "$(jq -c 'keys' "$T_TMP/price.json")"
	jq -r '.[]' "$T_TMP/skus-a.json" | head -40 | sed 's|^|/sandbox/pricing/prices/|' | sb_get_many |
		jq -s -c '[.[].fixedPrices[]? | keys[]] | unique' >"$T_TMP/fixed-keys.json"
	t_eq "fixed prices use the example's fields" "$(jq -c '[.fixedPrices[] | keys[]] | unique' "$ex/pricing-price.json")" "$(cat "$T_TMP/fixed-keys.json")"
	t_eq "GetProductAndSkuIds has the example's shape" "$(jq -c '[keys, (.range | keys)]' "$ex/catalog-product-and-sku-ids-page.json")" "$(jq -c '[keys, (.range | keys)]' "$T_TMP/wide.json")"
else
	t_skip "shapes against VTEX's examples" "no $VP_SHARED"
fi
t_done
