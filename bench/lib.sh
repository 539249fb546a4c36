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

# Throughput runs over a file (bench/30-normalize.sh, bench/35-validate.sh).
bytes() { stat -c %s "$1"; }
# MB/s, with decimals only for the slow ones (jq's are far below 1).
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { v = b / 1e6 / s; printf (v >= 100 ? "%.0f" : v >= 1 ? "%.1f" : "%.3f"), v }'; }
# best_of N COMMAND...: the best wall time (nanosecond clock; /usr/bin/time
# only counts 10 ms) of N runs of COMMAND writing to /dev/null; sets T
# (seconds), and CPU (user + system seconds) and RSS (KiB) of that run. Exit 1
# (records rejected) counts as a run.
best_of() {
	local n=$1 best="" cpu=0 rss=0 t0 t1 t
	shift
	for _ in $(seq "$n"); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$BENCH_DATA/time" bash -c "$* >/dev/null 2>&1 || [ \$? -eq 1 ]"
		t1=$(date +%s%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
			read -r rss cpu <<<"$(awk '{ printf "%d %.2f", $1, $2 + $3 }' "$BENCH_DATA/time")"
		fi
	done
	T=$best CPU=$cpu RSS=$rss
}
# measure LABEL FILE RUNS COMMAND...: best_of, then one row "label|T|CPU|MB/s|RSS MiB"
# added to the caller's rows array; sets T, CPU and MBS.
measure() {
	local label=$1 file=$2 runs=$3
	shift 3
	best_of "$runs" "$@"
	MBS=$(mbs "$(bytes "$file")" "$T")
	rows+=("$label|$T|$CPU|$MBS|$((RSS / 1024))")
	echo "  $label: ${T}s (${CPU}s CPU) ${MBS} MB/s"
}
# How many times faster a run of $2 seconds is than one of $1 seconds, on the same input ("12x").
ratio() { awk -v slow="$1" -v fast="$2" 'BEGIN { if (fast <= 0) { printf "n/a"; exit } r = slow / fast; printf (r >= 10 ? "%.0fx" : "%.2fx"), r }'; }

# bench_baseline WHAT: sets OLD to BENCH_BASELINE_BIN, the bin/ directory of an
# earlier build a section compares against; without it the section is skipped
# (make bench runs every section).
bench_baseline() {
	if [ -z "${BENCH_BASELINE_BIN:-}" ]; then
		echo "skipped: set BENCH_BASELINE_BIN to a bin/ directory $1"
		exit 0
	fi
	OLD=$BENCH_BASELINE_BIN
}
