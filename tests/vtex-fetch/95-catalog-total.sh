#!/usr/bin/env bash
# A GetProductAndSkuIds answer whose range.total is far beyond what is listed
# (garbled or hostile; the sandbox cannot produce it, so a scripted fake):
# vtex-fetch stops at the first empty page instead of requesting (or, before,
# queueing) a page per 250 positions up to the total, writes the products it
# found, and records the count mismatch as a retryable catalog failure.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || { echo "needs python3"; exit 77; }

cd "$T_TMP"
python3 "$VP_ROOT/tests/vtex-fetch/fake_vtex_catalog.py" 1000000000000000 port requests.log &
t_on_exit "kill $!"
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
export VTEX_BASE_URL="http://127.0.0.1:$(cat port)" VTEX_APP_KEY=k VTEX_APP_TOKEN=t

t_exit "range.total 10^15 with 2 products: exit 75" 75 \
	bash -c 'timeout 60 vtex-fetch catalog --concurrency 4 --failures fail.ndjson >out.ndjson 2>err'
t_eq "the 2 products listed come out" "1 2" "$(jq -r .Id out.ndjson | sort -n | xargs)"
t_eq "one catalog failure naming the mismatch" \
	'catalog listed 2 distinct products of range.total 1000000000000000 true' \
	"$(jq -r '[.kind, .reason, .retryable] | join(" ")' fail.ndjson)"
pages=$(grep -c GetProductAndSkuIds requests.log)
[ "$pages" -le 20 ] && t_ok "a few pages requested, not 4*10^12 ($pages)" || t_fail "pages requested" "$pages"
t_done
