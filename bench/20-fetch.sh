#!/usr/bin/env bash
# vtex-fetch throughput: full-detail orders per second against vtex-sandbox
# answering every request 20 ms late (a distant store), side by side with the
# sequential curl loop of bench/fetch-curl-loop.sh and with vtex-fetch at
# concurrency 1. Writes bench/results/fetch.md.
. "$(dirname "$0")/lib.sh"
export VTEX_APP_KEY=vtexappkey-sandbox-BENCH VTEX_APP_TOKEN=bench-token VTEX_ACCOUNT=sandbox
ORDERS=${FETCH_BENCH_ORDERS:-3000}   # the window vtex-fetch lists and fetches
SAMPLE=${FETCH_BENCH_SAMPLE:-400}    # the ids the slow peers fetch one by one
CONC=${FETCH_BENCH_CONCURRENCY:-32}
work=$(mktemp -d "$BENCH_DATA/fetch.XXXXXX")
trap 'kill $sb 2>/dev/null; wait $sb 2>/dev/null; rm -rf "$work"' EXIT

vtex-sandbox --listen 127.0.0.1:0 --ready-file "$work/url" --seed 1 --now 2026-01-15T12:00:00Z \
	--products 300 --clients 2000 --orders "$ORDERS" --latency-ms 20 2>"$work/sandbox.log" &
sb=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
export VTEX_BASE_URL=$(cat "$work/url")
since=2024-01-01T00:00:00Z until=2026-01-16T00:00:00Z

# The ids, listed once (not timed); the sample is spread over the history.
vtex-fetch orders --created-since $since --created-until $until --concurrency "$CONC" 2>/dev/null |
	jq -r .orderId >"$work/all.ids"
awk -v n="$(wc -l <"$work/all.ids")" -v k="$SAMPLE" 'NR % int(n / k) == 0 && c < k {print; c++}' \
	"$work/all.ids" >"$work/sample.ids"

rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }
# row LABEL ORDERS HOW SECONDS RATIO
row() { printf '| %s | %s | %s | %.2f | %s | %s |\n' "$1" "$2" "$3" "$4" "$(rate "$2" "$4")" "$5"; }

bench_time bench/fetch-curl-loop.sh "$work/sample.ids" >"$work/curl.out"
curl_n=$(grep -c orderId "$work/curl.out"); curl_s=$BENCH_SECS; curl_rate=$(rate "$curl_n" "$curl_s")
bench_time vtex-fetch order $(cat "$work/sample.ids") --concurrency 1 >"$work/c1.out" 2>/dev/null
c1_n=$(wc -l <"$work/c1.out"); c1_s=$BENCH_SECS; c1_rss=$BENCH_RSS_KB
bench_time vtex-fetch order $(cat "$work/sample.ids") --concurrency "$CONC" >"$work/cn.out" 2>/dev/null
cn_n=$(wc -l <"$work/cn.out"); cn_s=$BENCH_SECS; cn_rss=$BENCH_RSS_KB
bench_time vtex-fetch orders --created-since $since --created-until $until --concurrency "$CONC" \
	>"$work/win.out" 2>/dev/null
win_n=$(wc -l <"$work/win.out"); win_s=$BENCH_SECS; win_rss=$BENCH_RSS_KB

ratio() { awk -v n="$1" -v s="$2" -v c="$curl_rate" 'BEGIN {printf "%.1f", n / s / c}'; }
{
	echo "## vtex-fetch: full-detail orders per second"
	echo
	echo "Machine: $(bench_machine)."
	echo "Reproduce: \`bench/run fetch\` (env FETCH_BENCH_ORDERS=$ORDERS, FETCH_BENCH_SAMPLE=$SAMPLE,"
	echo "FETCH_BENCH_CONCURRENCY=$CONC). vtex-sandbox answers every request 20 ms late"
	echo "(\`--latency-ms 20\`), over loopback HTTP/1.1 with kept-alive connections."
	echo "The slow peers fetch a sample of $SAMPLE order ids spread over the history (the"
	echo "sequential loop would take minutes for the whole window); every vtex-fetch run writes"
	echo "each order's full detail as one NDJSON line."
	echo
	echo "| run | orders | how | seconds | orders/s | vs curl loop |"
	echo "|---|---|---|---|---|---|"
	row "bench/fetch-curl-loop.sh (one curl per order, sequential)" "$curl_n" "ids given" "$curl_s" "1.0x"
	row "vtex-fetch order ID... --concurrency 1" "$c1_n" "ids given" "$c1_s" "$(ratio "$c1_n" "$c1_s")x"
	row "vtex-fetch order ID... --concurrency $CONC" "$cn_n" "ids given" "$cn_s" "$(ratio "$cn_n" "$cn_s")x"
	row "vtex-fetch orders --created-since/--until --concurrency $CONC" "$win_n" \
		"lists the window, then details" "$win_s" "$(ratio "$win_n" "$win_s")x"
	echo
	echo "Peak RSS of vtex-fetch: $c1_rss KiB at concurrency 1, $cn_rss KiB at $CONC, $win_rss KiB"
	echo "for the whole window. Goal of the issue: at least 10x the sequential loop."
} >bench/results/fetch.md
cat bench/results/fetch.md
