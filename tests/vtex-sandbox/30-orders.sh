#!/usr/bin/env bash
# vtex-sandbox: the OMS list (creation-date filter, 100 a page, 30 pages, two
# years, no items) and the order detail (shape, money that adds up, masked
# e-mail joined to CL by userProfileId, timestamp formats).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

sb_start main --products 200 --clients 5000 --orders 100000 --history-days 729 || { t_fail "sandbox starts"; t_done; }
enc() { # URL-encodes a creation-date filter
	local v=${1//:/%3A}
	v=${v//\[/%5B}
	v=${v//\]/%5D}
	echo "${v// /%20}"
}
list() { sb_get "/api/oms/pvt/orders?$1"; }

# Caps.
t_eq "per_page above 100: 400" 400 "$(sb_status "/api/oms/pvt/orders?per_page=101")"
t_eq "page 30 is served" 200 "$(sb_status "/api/oms/pvt/orders?page=30&per_page=100")"
t_eq "page 31: 400" 400 "$(sb_status "/api/oms/pvt/orders?page=31&per_page=100")"
t_eq "page 31 says why" "Max page exceed ( 30 ), refine filter" "$(list "page=31" | jq -r .error.message)"
list "per_page=100" >"$T_TMP/page1.json"
t_eq "100 rows a page" 100 "$(jq '.list | length' "$T_TMP/page1.json")"
t_eq "paging.total counts every order" 100000 "$(jq .paging.total "$T_TMP/page1.json")"
t_eq "default per_page is 15" 15 "$(list "" | jq '.list | length')"
t_eq "list rows have no items" true "$(jq '[.list[].items] | all(. == null)' "$T_TMP/page1.json")"
t_eq "list rows have no lastChange" false "$(jq '[.list[] | has("lastChange")] | any' "$T_TMP/page1.json")"
t_eq "newest first by default" true "$(jq '[.list[].creationDate] | . == (sort | reverse)' "$T_TMP/page1.json")"
t_eq "list creationDate has no fraction" true "$(jq '[.list[].creationDate | test("^[0-9-]{10}T[0-9:]{8}\\+00:00$")] | all' "$T_TMP/page1.json")"
t_eq "stats count the filtered orders" 100000 "$(jq .stats.stats.totalValue.Count "$T_TMP/page1.json")"

# The oldest order is inside the two-year horizon.
oldest=$(list "per_page=1&orderBy=creationDate,asc" | jq -r '.list[0].creationDate')
t_eq "every order is within the last 730 days" true \
	"$(jq -n --arg o "$oldest" --arg now "$SB_NOW" '($now|sub("Z$";"")|strptime("%Y-%m-%dT%H:%M:%S")|mktime) - ($o|sub("\\+00:00$";"")|strptime("%Y-%m-%dT%H:%M:%S")|mktime) <= 730*86400')"

# A busy day holds more than 3,000 orders: the 30-page cap bites, hours do not.
for d in $(seq 0 80); do
	day=$(date -u -d "2026-01-15 -$d day" +%F)
	echo "/api/oms/pvt/orders?per_page=1&f_creationDate=$(enc "creationDate:[${day}T00:00:00.000Z TO ${day}T23:59:59.999Z]")"
done | sb_get_many | jq -s -r 'map(.paging.total) | to_entries | max_by(.value) | "\(.key) \(.value)"' >"$T_TMP/busiest"
read -r ago best <"$T_TMP/busiest"
busiest=$(date -u -d "2026-01-15 -$ago day" +%F)
# Black Friday is the busiest day of the history when the window holds it.
t_eq "some day holds more than 3,000 orders" true "$([ "$best" -gt 3000 ] && echo true)"
sum=$(for h in $(seq -w 0 23); do
	echo "/api/oms/pvt/orders?per_page=1&f_creationDate=$(enc "creationDate:[${busiest}T$h:00:00.000Z TO ${busiest}T$h:59:59.999Z]")"
done | sb_get_many | jq -s 'map(.paging.total) | add')
t_eq "hourly windows of the busy day add up to the day" "$best" "$sum"
w=$(enc "creationDate:[${busiest}T20:00:00.000Z TO ${busiest}T20:59:59.999Z]")
for p in 1 2 3; do list "per_page=100&page=$p&orderBy=creationDate,asc&f_creationDate=$w"; done |
	jq -s '[.[].list[]]' >"$T_TMP/hour.json"
t_eq "filtered rows are inside the window" true "$(jq --arg d "${busiest}T20:" '[.[].creationDate | startswith($d)] | all' "$T_TMP/hour.json")"
t_eq "ascending order when asked" true "$(jq '[.[].creationDate] | . == sort' "$T_TMP/hour.json")"
t_eq "a malformed date filter: 400" 400 "$(sb_status "/api/oms/pvt/orders?f_creationDate=yesterday")"

# Statuses.
day=$(date -u -d "2026-01-15 -20 day" +%F)
dw=$(enc "creationDate:[${day}T00:00:00.000Z TO ${day}T23:59:59.999Z]")
for p in 1 2; do list "per_page=100&page=$p&f_creationDate=$dw"; done | jq -s '[.[].list[]]' >"$T_TMP/day.json"
t_eq "invoiced and canceled orders both occur" true "$(jq '[.[].status] | (index("invoiced") != null) and (index("canceled") != null)' "$T_TMP/day.json")"
t_eq "f_status filters" true "$(list "per_page=100&f_status=canceled&f_creationDate=$dw" | jq '[.list[].status] | length > 0 and all(. == "canceled")')"
t_eq "several payment methods occur" true "$(jq '[.[].paymentNames] | unique | length >= 4' "$T_TMP/day.json")"

# Details.
jq -r '.[0:40][].orderId | "/api/oms/pvt/orders/\(.)"' "$T_TMP/day.json" | sb_get_many | jq -c . >"$T_TMP/details.ndjson"
t_eq "40 details fetched" 40 "$(wc -l <"$T_TMP/details.ndjson")"
t_eq "value == sum of totals" true "$(jq -s 'map(.value == ([.totals[].value] | add)) | all' "$T_TMP/details.ndjson")"
t_eq "items price x quantity == Items total" true "$(jq -s 'map(([.items[] | .price * .quantity] | add) == (.totals[] | select(.id == "Items") | .value)) | all' "$T_TMP/details.ndjson")"
t_eq "selling prices == Items + Discounts" true "$(jq -s 'map(([.items[] | .sellingPrice * .quantity] | add) == ([.totals[] | select(.id == "Items" or .id == "Discounts") | .value] | add)) | all' "$T_TMP/details.ndjson")"
t_eq "freight per item == Shipping total" true "$(jq -s 'map(([.shippingData.logisticsInfo[].price] | add) == (.totals[] | select(.id == "Shipping") | .value)) | all' "$T_TMP/details.ndjson")"
t_eq "active transaction's payments == value" true "$(jq -s 'map(. as $o | [.paymentData.transactions[] | select(.isActive) | .payments[].value] | add == $o.value) | all' "$T_TMP/details.ndjson")"
t_eq "invoices carry the value" true "$(jq -s 'map(select(.status == "invoiced") | .packageAttachment.packages[0].invoiceValue == .value) | all' "$T_TMP/details.ndjson")"
t_eq "the list row agrees with the detail" "$(jq -c '[.[0:40][] | [.orderId, .totalValue, .status]]' "$T_TMP/day.json")" \
	"$(jq -s -c 'map([.orderId, .value, .status])' "$T_TMP/details.ndjson")"
t_eq "orders with several items occur" true "$(jq -s 'map(.items | length) | max > 1' "$T_TMP/details.ndjson")"
t_eq "e-mails are Conversation Tracker aliases" true "$(jq -s 'map(.clientProfileData.email | test("^[0-9a-f]{32}@ct\\.vtex\\.com\\.br$")) | all' "$T_TMP/details.ndjson")"
t_eq "detail creationDate: 6 fractional digits, +00:00" true "$(jq -s 'map(.creationDate | test("\\.[0-9]{6}\\+00:00$")) | all' "$T_TMP/details.ndjson")"
t_eq "detail lastChange: 7 fractional digits" true "$(jq -s 'map(.lastChange | test("\\.[0-9]{7}\\+00:00$")) | all' "$T_TMP/details.ndjson")"
t_eq "canceled orders carry cancellationData" true "$(jq -s 'map(select(.status == "canceled") | .cancellationData.CancellationDate | test("Z$")) | all' "$T_TMP/details.ndjson")"
first=$(head -1 "$T_TMP/details.ndjson")
uid=$(jq -r .clientProfileData.userProfileId <<<"$first")
sb_get "/api/dataentities/CL/search?userId=$uid&_fields=email,userId" >"$T_TMP/cl.json"
t_eq "userProfileId is a CL userId" 1 "$(jq length "$T_TMP/cl.json")"
t_eq "CL holds the real e-mail" false "$(jq '.[0].email | test("ct\\.vtex")' "$T_TMP/cl.json")"
seq=$(jq -r .sequence <<<"$first")
t_eq "seqNNN finds the same order" "$(jq -r .orderId <<<"$first")" "$(sb_get "/api/oms/pvt/orders/seq$seq" | jq -r .orderId)"
t_eq "unknown order: 404" 404 "$(sb_status /api/oms/pvt/orders/1000000000000-01)"
aff=$(list "per_page=100&f_creationDate=$dw" | jq -r '[.list[] | select(.affiliateId != "")][0].orderId // empty')
if [ -n "$aff" ]; then
	t_eq "affiliate orders (AFF-number-01) are served" Fulfillment "$(sb_get "/api/oms/pvt/orders/$aff" | jq -r .origin)"
else
	t_skip "affiliate orders are served" "none on that day"
fi

if t_have_shared; then
	ex=$VP_SHARED/vtex/examples
	t_eq "detail has the example's top-level fields" "$(jq -c 'keys' "$ex/oms-order-detail.json")" "$(jq -c 'keys' <<<"$first")"
	t_eq "detail items have the example's fields" "$(jq -c '.items[0] | keys' "$ex/oms-order-detail.json")" "$(jq -c '.items[0] | keys' <<<"$first")"
	t_eq "clientProfileData has the example's fields" "$(jq -c '.clientProfileData | keys' "$ex/oms-order-detail.json")" "$(jq -c '.clientProfileData | keys' <<<"$first")"
	t_eq "payments have the example's fields" "$(jq -c '.paymentData.transactions[0].payments[0] | keys' "$ex/oms-order-detail.json")" "$(jq -c '.paymentData.transactions[0].payments[0] | keys' <<<"$first")"
	t_eq "list rows have the example's fields" "$(jq -c '.list[0] | keys' "$ex/oms-order-list-page.json")" "$(jq -c '.list[0] | keys' "$T_TMP/page1.json")"
	t_eq "list page has the example's sections" "$(jq -c '[keys, (.paging | keys), (.stats.stats | keys), (.stats.stats.totalValue | keys)]' "$ex/oms-order-list-page.json")" \
		"$(jq -c '[keys, (.paging | keys), (.stats.stats | keys), (.stats.stats.totalValue | keys)]' "$T_TMP/page1.json")"
else
	t_skip "shapes against VTEX's examples" "no $VP_SHARED"
fi
t_done
