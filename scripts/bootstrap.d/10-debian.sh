# Debian packages: build toolchain and C libraries (through pkg-config), test
# tools (Check, valgrind, clang for the fuzzers, kcat, prometheus with promtool and
# prometheus-node-exporter for tests/monitoring/) and the
# benchmark peers (jq, Miller, wrk, hyperfine) and python3 for bench/gen-orders.
set -euo pipefail
packages=(
	build-essential pkg-config ca-certificates curl time openssl
	libcurl4-openssl-dev libcjson-dev librdkafka-dev libssl-dev libmicrohttpd-dev check libxxhash-dev
	clang libclang-rt-14-dev valgrind
	jq miller kcat wrk hyperfine python3
	prometheus prometheus-node-exporter
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "bootstrap: installing ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
