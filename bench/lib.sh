# Helpers for benchmark scripts (sourced).
set -euo pipefail
VP_ROOT=${VP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PATH=$VP_ROOT/bin:$PATH
BENCH_DATA=$VP_ROOT/bench/data
mkdir -p "$BENCH_DATA" "$VP_ROOT/bench/results"
# One line describing the machine, for the top of a results section.
bench_machine() {
	echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr), $(date -u +%Y-%m-%d)"
}
# Wall-clock seconds and peak RSS (KiB) of a command: sets BENCH_SECS and BENCH_RSS_KB.
bench_time() {
	local out
	out=$(mktemp)
	/usr/bin/time -f '%e %M' -o "$out" "$@"
	read -r BENCH_SECS BENCH_RSS_KB <"$out"
	rm -f "$out"
}
