#!/usr/bin/env bash
# catalog: one line per product with its SKU contexts, and with --prices each
# SKU's price (null when the Pricing API has none), checked against the truth.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 11 --products 700 --clients 100 --orders 100

t_run "catalog --prices" bash -c "vtex-fetch catalog --prices >cat.ndjson 2>err"
sb_check_catalog "catalog --prices" cat.ndjson
t_eq "each SKU context belongs to its product" 0 \
	"$(jq '.Id as $p | .skus[] | select(.ProductId != $p)' cat.ndjson | wc -l)"
t_eq "prices are the Pricing API's objects for that SKU" 0 \
	"$(jq '.skus[] | select(.price != null) | select(.price.itemId != (.Id | tostring))' cat.ndjson | wc -l)"
t_run "catalog without prices" bash -c "vtex-fetch catalog >plain.ndjson 2>err2"
t_eq "without --prices: no price field" 0 "$(jq '.skus[] | select(has("price"))' plain.ndjson | wc -l)"
t_eq "without --prices: the same products" "$(jq .Id cat.ndjson | sort | md5sum)" "$(jq .Id plain.ndjson | sort | md5sum)"
# A catalog-page record wider than a page (what a stopped run writes for the
# pages it had not listed): requested in pages of 250.
t_run "retry of a catalog-page range of 700 positions" bash -c \
	"echo '{\"kind\":\"catalog-page\",\"from\":1,\"to\":700}' | vtex-fetch retry >range.ndjson 2>err3"
t_eq "the range: every product once" "$(jq .Id plain.ndjson | sort | md5sum)" "$(jq .Id range.ndjson | sort | md5sum)"
# Pricing under the wrong account: every price 404 looks like "no price" one by
# one, so the run warns once it has seen no price at all.
t_run "--prices with no account in the pricing path" bash -c \
	"VTEX_ACCOUNT= vtex-fetch catalog --prices >noacct.ndjson 2>err4"
t_run "warns that no SKU has a price and names VTEX_ACCOUNT" grep -q 'msg="no SKU has a price.*VTEX_ACCOUNT' err4
t_run "no such warning when prices came" bash -c "! grep -q 'no SKU has a price' err"
t_done
