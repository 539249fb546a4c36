#!/usr/bin/env bash
# dedup on every official VTEX example payload (tests/fixtures/vtex-examples), with
# the key that makes sense for it: each record, repeated and followed by a
# changed copy, comes out once, byte for byte; the order detail through
# --newest-by lastChange with equivalent, older and newer timestamps; the hook
# ping, which has no hook key, is rejected.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
ex=$VP_ROOT/tests/fixtures/vtex-examples

# file; jq filter making NDJSON records; key fields
cases=(
	"catalog-product.json;.;Id"
	"catalog-sku-context.json;.;Id"
	"catalog-product-and-sku-ids-page.json;.data | to_entries[] | {productId: .key, skuIds: .value};productId"
	"masterdata-cl-document-create-request.json;.;email"
	"masterdata-v1-scroll-page.json;.[];id"
	"oms-order-detail.json;.;orderId"
	"oms-order-list-page.json;.list[];orderId"
	"orders-feed-items.json;.[];orderId,state,lastChange"
	"orders-hook-notification.json;.;OrderId,State,LastChange"
	"pricing-price.json;.;itemId"
)
covered="orders-hook-config-request.json orders-hook-ping.json"
for c in "${cases[@]}"; do
	IFS=';' read -r file filter key <<<"$c"
	covered+=" $file"
	jq -c "$filter" "$ex/$file" >records
	n=$(wc -l <records)
	# The records, the same again, then copies with one field more.
	{ cat records records; jq -c '. + {"_copy": true}' records; } >in
	dedup --key "$key" in >out 2>err
	rc=$?
	t_eq "$file: --key $key: $n record(s) out once, byte for byte, exit 0" "0 ok" "$rc $(cmp -s records out && echo ok)"
	dedup --key "$key" --latest-only in >out 2>err
	jq -c '. + {"_copy": true}' records >want
	t_same_file "$file: --latest-only keeps the last copy of each" want out
done
# Every example is exercised or accounted for.
for f in "$ex"/*.json; do
	[[ " $covered " == *" $(basename "$f") "* ]] || t_fail "example not covered" "$(basename "$f")"
done

# The hook configuration is not a record stream: no key makes sense for it.
# The ping has none of the hook key's fields: rejected, not merged.
jq -c . "$ex/orders-hook-ping.json" >ping
jq -c . "$ex/orders-hook-notification.json" >hook
cat hook ping hook >in
dedup --key OrderId,State,LastChange --rejects rej in >out 2>err
t_eq "hook ping: rejected with exit 1" 1 $?
t_same_file "hook ping: the hook goes through once" hook out
t_eq "hook ping: the reason" "key field OrderId is missing" "$(jq -r .reason rej)"

# The order detail: lastChange in equivalent, older and newer forms.
jq -c . "$ex/oms-order-detail.json" >orig
lc=$(jq -r .lastChange orig)
t_eq "order detail: lastChange as in the example" "2024-02-06T20:46:11.7010747+00:00" "$lc"
jq -c '.lastChange = "2024-02-06T20:46:11.70107Z"' orig >older          # 47 ticks older
jq -c '.lastChange = "2024-02-06T17:46:11.7010747-03:00" | .x = 1' orig >same  # the same instant
jq -c '.lastChange = "2024-02-06T17:46:12-03:00"' orig >newer           # 0.3 s newer
cat orig older same newer orig older >in
dedup --key orderId --newest-by lastChange in >out 2>err
cat orig newer >want
t_same_file "order detail: only the first and the newer version" want out
dedup --key orderId --newest-by lastChange --latest-only in >out 2>err
t_same_file "order detail --latest-only: the newest version" newer out
t_done
