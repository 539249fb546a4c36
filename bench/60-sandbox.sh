#!/usr/bin/env bash
# vtex-sandbox's own throughput on loopback (wrk), per endpoint, with and
# without --latency-ms, next to WireMock (the usual API-mock server) serving
# the same bytes as canned stubs. Writes bench/results/sandbox.md.
. "$(dirname "$0")/lib.sh"
OUT=$VP_ROOT/bench/results/sandbox.md
WORK=$BENCH_DATA/sandbox
DUR=${BENCH_SANDBOX_SECONDS:-5}
mkdir -p "$WORK"
rm -f "$WORK"/*.url
export VTEX_APP_KEY=vtexappkey-bench-KEY VTEX_APP_TOKEN=bench-token
AUTH=(-H "X-VTEX-API-AppKey: $VTEX_APP_KEY" -H "X-VTEX-API-AppToken: $VTEX_APP_TOKEN")
pids=()
cleanup() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

STORE=(--seed 1 --now 2026-01-15T12:00:00Z --products 3000 --clients 50000 --orders 100000)
start_sandbox() { # NAME ARGS...: its URL in $WORK/NAME.url (not in a subshell: pids must keep the pid)
	local name=$1
	shift
	vtex-sandbox --listen 127.0.0.1:0 --ready-file "$WORK/$name.url" "${STORE[@]}" "$@" >"$WORK/$name.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$WORK/$name.url" ] && break; sleep 0.1; done
}

# wrk_run URL CONNECTIONS [wrk args]: "req/s p50 p99 MB/s"
wrk_run() {
	local url=$1 c=$2
	shift 2
	wrk -t2 -c"$c" -d"${DUR}s" --latency "$@" "$url" >"$WORK/wrk.txt" 2>&1
	awk '
		/Requests\/sec/ { rps = $2 }
		/Transfer\/sec/ { v = $2; if (v ~ /GB/) m = v * 1024; else if (v ~ /MB/) m = v + 0; else if (v ~ /KB/) m = v / 1024; else m = v / 1048576 }
		$1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
		/Non-2xx/ { bad = $NF }
		END { printf "%.0f %s %s %.1f %s\n", rps, p50, p99, m, bad ? bad : 0 }' "$WORK/wrk.txt"
}

start_sandbox plain
start_sandbox latency --latency-ms 20
SB=$(cat "$WORK/plain.url")
SBL=$(cat "$WORK/latency.url")
order=$(curl -s "${AUTH[@]}" "$SB/api/oms/pvt/orders?per_page=1" | jq -r '.list[0].orderId')
day='creationDate%3A%5B2025-06-10T00%3A00%3A00.000Z%20TO%202025-06-10T23%3A59%3A59.999Z%5D'

declare -A PATHS=(
	[product]=/api/catalog/pvt/product/101
	[sku_context]=/api/catalog_system/pvt/sku/stockkeepingunitbyid/1002
	[price]=/sandbox/pricing/prices/1002
	[sku_ids_1000]="/api/catalog_system/pvt/sku/stockkeepingunitids?page=1&pagesize=1000"
	[order_detail]=/api/oms/pvt/orders/$order
	[order_list_100]="/api/oms/pvt/orders?per_page=100&f_creationDate=$day"
	[cl_scroll_first_page]="/api/dataentities/CL/scroll?_size=100&_fields=id,email,userId,updatedIn"
	[cl_search_100]="/api/dataentities/CL/search?_fields=id,email,userId,updatedIn&_where=updatedIn%20between%202025-12-01%20AND%202026-01-15"
)
ORDER=(product sku_context price sku_ids_1000 order_detail order_list_100 cl_search_100)

# WireMock with the same bytes as stubs, when bootstrap installed it.
WM_JAR=$(ls "${VP_CACHE:-$HOME/.cache/vtex-pipes}"/wiremock/wiremock-standalone-*.jar 2>/dev/null | tail -1)
WM=""
if [ -n "$WM_JAR" ] && command -v java >/dev/null; then
	rm -rf "$WORK/wm" && mkdir -p "$WORK/wm/mappings" "$WORK/wm/__files"
	for name in product order_detail; do
		curl -s "${AUTH[@]}" "$SB${PATHS[$name]}" >"$WORK/wm/__files/$name.json"
		jq -n --arg u "${PATHS[$name]}" --arg f "$name.json" \
			'{request: {method: "GET", url: $u}, response: {status: 200, bodyFileName: $f, headers: {"Content-Type": "application/json; charset=utf-8"}}}' \
			>"$WORK/wm/mappings/$name.json"
	done
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	java -jar "$WM_JAR" --bind-address 127.0.0.1 --port "$port" --root-dir "$WORK/wm" --disable-banner \
		--no-request-journal --disable-request-logging >"$WORK/wm.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port${PATHS[product]}" && break; sleep 0.1; done
	WM=http://127.0.0.1:$port
	wrk -t2 -c16 -d3s "$WM${PATHS[product]}" >/dev/null 2>&1     # JIT warm-up, not measured
	wrk -t2 -c16 -d3s "$WM${PATHS[order_detail]}" >/dev/null 2>&1
fi

rows=()
for name in "${ORDER[@]}"; do
	for c in 16 64; do
		read -r rps p50 p99 mb bad <<<"$(wrk_run "$SB${PATHS[$name]}" "$c" "${AUTH[@]}")"
		peer="" ratio=""
		if [ -n "$WM" ] && [ -f "$WORK/wm/mappings/$name.json" ]; then
			read -r prps _ _ _ _ <<<"$(wrk_run "$WM${PATHS[$name]}" "$c")"
			peer=$prps
			ratio=$(awk -v a="$rps" -v b="$prps" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
		fi
		rows+=("| $name | $c | $rps | $p50 | $p99 | $mb | $bad | ${peer:-} | ${ratio:-} |")
		echo "$name c=$c: $rps req/s (peer ${peer:--})"
	done
done
lat_rows=()
for c in 16 64; do
	read -r rps p50 p99 mb bad <<<"$(wrk_run "$SBL${PATHS[product]}" "$c" "${AUTH[@]}")"
	ideal=$(awk -v c="$c" 'BEGIN { printf "%.0f", c / 0.020 }')
	lat_rows+=("| product, --latency-ms 20 | $c | $rps | $ideal | $(awk -v a="$rps" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }') | $p50 | $p99 |")
	echo "latency 20 ms c=$c: $rps req/s (ideal $ideal)"
done

{
	echo "## vtex-sandbox: requests/s on loopback"
	echo
	echo "Machine: $(bench_machine)"
	echo
	echo "Command: \`bench/run sandbox\` (wrk -t2, ${DUR} s per cell, keep-alive; store of 3,000 products,"
	echo "50,000 CL documents, 100,000 orders; the sandbox on its default threads = CPUs)."
	echo "The peer is WireMock ${WM_JAR:+$(basename "$WM_JAR" .jar | sed 's/wiremock-standalone-//')} (standalone jar, request journal and logging off, JIT warmed up"
	echo "3 s) serving the sandbox's own bytes for the same path as a canned stub; the sandbox builds"
	echo "each answer from (seed, index) on every request. wrk, the sandbox and WireMock share the"
	echo "same cores, so absolute figures understate both servers; compare the ratios."
	[ -z "$WM" ] && echo && echo "WireMock was not installed (scripts/bootstrap 60-wiremock): no peer column this run."
	echo
	echo "| endpoint | connections | req/s | p50 | p99 | MB/s | non-2xx | WireMock req/s | sandbox / WireMock |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "With \`--latency-ms 20\` (a distant server): waiting requests are suspended, not parked on"
	echo "a thread, so throughput should follow connections / 20 ms."
	echo
	echo "| case | connections | req/s | ideal (c / 0.02 s) | achieved / ideal | p50 | p99 |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${lat_rows[@]}"
} >"$OUT"
echo "wrote $OUT"
