#!/usr/bin/env bash
# Every preset, and the generic mode, on every VTEX example payload of the
# reference folder (skipped without it).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/checks.sh"
N=ndjson-normalize
t_have_shared || { echo "no $VP_SHARED/vtex/examples"; exit 77; }
E=$VP_SHARED/vtex/examples
declare -A tested

# --- order: the order detail ---
f=oms-order-detail.json; tested[$f]=1
jq -c . "$E/$f" >"$T_TMP/order"
$N --entity order --raw "$T_TMP/order" >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
check_rows "$f" "$T_TMP/order" "$T_TMP/o"
for t in orders orders__items orders__totals orders__payment_data__transactions \
	orders__payment_data__transactions__payments orders__shipping_data__logistics_info \
	orders__shipping_data__logistics_info__slas orders__package_attachment__packages orders__sellers; do
	[ "$(count "$T_TMP/o" "$t")" -ge 1 ] && t_ok "$f: table $t" || t_fail "$f: table $t"
done
t_eq "$f: pinned root id (orderId + lastChange)" 6e5a87e09621460af98ee7f81c02d59e \
	"$(jq -r 'select(._table == "orders") | ._row_id' "$T_TMP/o")"
t_eq "$f: order columns" "1172452900788-01 handling 1160 2024-02-06T20:46:11.7010747+00:00 rodrigo.smith@email.com BRL" \
	"$(jq -r 'select(._table == "orders") | "\(.order_id) \(.status) \(.value) \(.last_change) \(.client_profile_data__email) \(.store_preferences_data__currency_code)"' "$T_TMP/o")"
t_eq "$f: totals" "Items:99 Discounts:0 Shipping:300 Tax:0" \
	"$(jq -r 'select(._table == "orders__totals") | "\(.id):\(.value)"' "$T_TMP/o" | paste -sd' ')"
t_eq "$f: item" "18 6 1 990 Lux Brand" \
	"$(jq -r 'select(._table == "orders__items") | "\(.id) \(.product_id) \(.quantity) \(.price) \(.additional_info__brand_name)"' "$T_TMP/o")"
t_eq "$f: payment" "Visa 3990 1 738757" \
	"$(jq -r 'select(._table == "orders__payment_data__transactions__payments") | "\(.payment_system_name) \(.value) \(.installments) \(.connector_responses__auth_id)"' "$T_TMP/o")"
t_eq "$f: logistics" "0 Normal 3000 2" \
	"$(jq -r 'select(._table == "orders__shipping_data__logistics_info") | "\(.item_index) \(.selected_sla) \(.price) \(._idx + 2)"' "$T_TMP/o")"
t_eq "$f: raw row is the record" "$(jq -cS . "$T_TMP/order")" \
	"$(jq -r 'select(._table == "orders__raw") | .raw' "$T_TMP/o" | jq -cS .)"

# --- order: rows of the OMS list page (no lastChange: content hash) ---
f=oms-order-list-page.json; tested[$f]=1
jq -c '.list[]' "$E/$f" >"$T_TMP/list"
$N --entity order "$T_TMP/list" >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
t_eq "$f: one orders row per list row" "orders $(wc -l <"$T_TMP/list")" "$(tables "$T_TMP/o")"
check_rows "$f" "$T_TMP/list" "$T_TMP/o"
jq -c . "$E/$f" | $N --entity order --rejects "$T_TMP/rej" >/dev/null 2>&1
t_eq "$f: the page itself is rejected" "1 missing key field orderId" "$? $(jq -r .reason "$T_TMP/rej")"

# --- product: product record with SKU contexts and prices ---
f=catalog-product.json; tested[$f]=1
jq -c . "$E/$f" | $N --entity product >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
t_eq "$f: product row" "products 42 Zoom Stefan Janoski Canvas RM SB Varsity Red 2000090 true" \
	"$(jq -r '"\(._table) \(.id) \(.name) \(.category_id) \(.is_active)"' "$T_TMP/o")"
f=catalog-sku-context.json; tested[$f]=1; tested[pricing-price.json]=1
jq -c --slurpfile s "$E/catalog-sku-context.json" --slurpfile p "$E/pricing-price.json" \
	'. + {skus: [$s[0] + {price: $p[0]}]}' "$E/catalog-product.json" >"$T_TMP/product"
$N --entity product "$T_TMP/product" >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
check_rows "$f" "$T_TMP/product" "$T_TMP/o"
t_eq "$f: SKU row" "2001773 2001426 Tabela de Basquete 250 true" \
	"$(jq -r 'select(._table == "products__skus") | "\(.id) \(.product_id) \(.sku_name) \(.price__base_price) \(.is_active)"' "$T_TMP/o")"
t_eq "$f: SKU child tables" "3 1 4 7" "$(count "$T_TMP/o" products__skus__images) $(count "$T_TMP/o" products__skus__sku_sellers) $(count "$T_TMP/o" products__skus__sales_channels) $(count "$T_TMP/o" products__skus__price__fixed_prices)"
t_eq "$f: SKU rows hang off the product" "$(jq -r 'select(._table == "products") | ._row_id' "$T_TMP/o")" \
	"$(jq -r 'select(._table == "products__skus") | ._parent_row_id' "$T_TMP/o")"
# A catalog change gives a new product row id; the same product again, the same id.
jq -c '.Name = "Other"' "$T_TMP/product" | $N --entity product >"$T_TMP/o2" 2>/dev/null
jq -c . "$T_TMP/product" | $N --entity product >"$T_TMP/o3" 2>/dev/null
t_eq "$f: changed product, new id" 2 "$(cat "$T_TMP/o" "$T_TMP/o2" | jq -r 'select(._table == "products") | ._row_id' | sort -u | wc -l)"
t_same_file "$f: same product, same rows" "$T_TMP/o" "$T_TMP/o3"
f=catalog-product-and-sku-ids-page.json; tested[$f]=1
jq -c . "$E/$f" | $N --entity product --rejects "$T_TMP/rej" >/dev/null 2>&1
t_eq "$f: not a product (rejected)" "1 missing key field Id" "$? $(jq -r .reason "$T_TMP/rej")"
jq -c . "$E/$f" | $N --root product_sku_ids >"$T_TMP/o" 2>/dev/null
t_eq "$f: generic, numeric keys become _N names" "5|310118453 310118459 310118463" \
	"$(jq -r 'select(._table == "product_sku_ids__data___3") | .value' "$T_TMP/o")|$(jq -r 'select(._table == "product_sku_ids__data___8") | .value' "$T_TMP/o" | paste -sd' ')"

# --- client: Master Data documents ---
f=masterdata-v1-scroll-page.json; tested[$f]=1
jq -c '.[]' "$E/$f" | $N --entity client >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
t_eq "$f: client rows" "2f5dde81-1613-11ea-82ee-12f868feb457 3b3a3fc9-164b-11ea-82ee-121449f60ecb" \
	"$(jq -r 'select(._table == "clients") | .id' "$T_TMP/o" | paste -sd' ')"
f=masterdata-cl-document-create-request.json; tested[$f]=1
jq -c . "$E/$f" | $N --entity client --rejects "$T_TMP/rej" >/dev/null 2>&1
t_eq "$f: a document without id is rejected" "1 missing key field id" "$? $(jq -r .reason "$T_TMP/rej")"
jq -c . "$E/$f" | $N --root clients --pk email >"$T_TMP/o" 2>/dev/null
t_eq "$f: with --pk email" "clark.kent@examplemail.com Clark false" \
	"$(jq -r '"\(.email) \(.first_name) \(.is_newsletter_opt_in)"' "$T_TMP/o")"

# --- hook: notifications, feed items, ping ---
f=orders-hook-notification.json; tested[$f]=1
jq -c . "$E/$f" | $N --entity hook >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
t_eq "$f: hook row" "order_hooks Fulfillment v52277740atmc-01 ready-for-handling window-to-cancel 2019-08-14T17:12:48.0965893Z automacaoqa vtexappkey-appvtex" \
	"$(jq -r '"\(._table) \(.domain) \(.order_id) \(.state) \(.last_state) \(.current_change) \(.origin__account) \(.origin__key)"' "$T_TMP/o")"
# The same event spelt as a feed item gets the same id.
jq -c '{orderId: .OrderId, state: .State, lastChange: .LastChange, currentChange: .CurrentChange, domain: .Domain}' "$E/$f" |
	$N --entity hook >"$T_TMP/o2" 2>/dev/null
t_eq "$f: feed spelling, same event id" "$(jq -r ._row_id "$T_TMP/o")" "$(jq -r ._row_id "$T_TMP/o2")"
f=orders-feed-items.json; tested[$f]=1
jq -c '.[]' "$E/$f" | $N --entity hook >"$T_TMP/o" 2>/dev/null
t_eq "$f: exit 0" 0 $?
t_eq "$f: feed item row" "953712004126-01 ready-for-handling Fulfillment" "$(jq -r '"\(.order_id) \(.state) \(.domain)"' "$T_TMP/o")"
f=orders-hook-ping.json; tested[$f]=1
jq -c . "$E/$f" | $N --entity hook --rejects "$T_TMP/rej" >"$T_TMP/o" 2>/dev/null
t_eq "$f: a ping is no event (rejected)" "1 missing key field OrderId 0" "$? $(jq -r .reason "$T_TMP/rej") $(wc -l <"$T_TMP/o")"
f=orders-hook-config-request.json; tested[$f]=1
jq -c . "$E/$f" | $N --root hook_configs >"$T_TMP/o" 2>/dev/null
t_eq "$f: generic" "hook_configs 1|hook_configs__filter__status 5" "$(tables "$T_TMP/o" | paste -sd'|')"
t_eq "$f: headers flattened" "https://endpoint.example/path value FromWorkflow" \
	"$(jq -r 'select(._table == "hook_configs") | "\(.hook__url) \(.hook__headers__key) \(.filter__type)"' "$T_TMP/o")"
f=pricing-price.json
jq -c . "$E/$f" | $N --root prices --pk itemId >"$T_TMP/o" 2>/dev/null
t_eq "$f: generic" "prices 1|prices__fixed_prices 7" "$(tables "$T_TMP/o" | paste -sd'|')"
t_eq "$f: decimals kept" "666.66 5555.55 2017-12-07T14:30:00Z" \
	"$(jq -r 'select(._table == "prices__fixed_prices") | .value' "$T_TMP/o" | sed -n '1p;4p' | paste -sd' ') $(jq -r 'select(._idx == 2) | .date_range__from' "$T_TMP/o")"

# --- every example, generic: normalizes, rows add up, raw rows give the records back ---
for path in "$E"/*.json; do
	f=$(basename "$path")
	[ -n "${tested[$f]:-}" ] || t_fail "$f: no preset test covers this example"
	jq -c 'if type == "array" and (.[0] | type) == "object" then .[] else . end' "$path" >"$T_TMP/g"
	[ "$(head -c1 "$T_TMP/g")" = "{" ] || continue
	$N --root x --raw "$T_TMP/g" >"$T_TMP/o" 2>/dev/null
	t_eq "$f: generic exit 0" 0 $?
	check_rows "$f (generic)" "$T_TMP/g" "$T_TMP/o"
	t_same_file "$f: raw rows give the input back" "$T_TMP/g" <(jq -r 'select(._table == "x__raw") | .raw' "$T_TMP/o")
done
t_done
