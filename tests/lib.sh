# Helpers for integration scripts (sourced). Each check prints one TAP-like
# line that tests/run counts: "ok - name", "not ok - name", "ok - name # SKIP why".
set -u
VP_ROOT=${VP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VP_BIN=${VP_BIN:-$VP_ROOT/bin}
PATH=$VP_BIN:$PATH
# The reference material beside the checkout; tests that read it skip without it.
VP_SHARED=${VP_SHARED:-$(cd "$VP_ROOT/.." && pwd)/shared}
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vp-test.XXXXXX")
t_failed=0
t_cleanups=()
t_cleanup() { local c; for c in "${t_cleanups[@]}"; do eval "$c" || true; done; rm -rf "$T_TMP"; }
trap t_cleanup EXIT
# Registers a command to run when the script ends (stop a server, ...).
t_on_exit() { t_cleanups+=("$1"); }

t_ok() { echo "ok - $1"; }
t_fail() { echo "not ok - $1${2:+: $2}"; t_failed=1; }
t_skip() { echo "ok - $1 # SKIP ${2:-}"; }
# t_run NAME CMD...: passes when CMD exits 0.
t_run() { local n=$1; shift; if "$@"; then t_ok "$n"; else t_fail "$n" "exit $?"; fi; }
# t_exit NAME CODE CMD...: passes when CMD exits with CODE.
t_exit() { local n=$1 want=$2 rc; shift 2; "$@"; rc=$?; [ "$rc" -eq "$want" ] && t_ok "$n" || t_fail "$n" "exit $rc, wanted $want"; }
# t_eq NAME EXPECTED ACTUAL
t_eq() { [ "$2" == "$3" ] && t_ok "$1" || t_fail "$1" "expected '$2', got '$3'"; }
# t_same_file NAME A B: byte-for-byte equal files.
t_same_file() { if cmp -s "$2" "$3"; then t_ok "$1"; else t_fail "$1" "$2 and $3 differ"; diff <(head -c 2000 "$2") <(head -c 2000 "$3") | head -10; fi; }
t_have_shared() { [ -d "$VP_SHARED/vtex/examples" ]; }
t_done() { exit "$t_failed"; }
# prom_value 'NAME{k="v",...}' < exposition text: the value of the first series
# named NAME whose labels include each k="v" given (other labels, such as the
# tool, stage and flow every tool adds, may be there too); 0 when none.
prom_value() {
	awk -v k="$1" '
	function labels(s) { sub(/^[^{]*\{?/, "", s); sub(/\}$/, "", s); return s }
	BEGIN { name = k; sub(/\{.*/, "", name); n = split(labels(k), want, /,/) }
	!/^#/ {
		series = $1; sname = series; sub(/\{.*/, "", sname)
		if (sname != name) next
		have = "," labels(series) ","
		for (i = 1; i <= n; i++) if (want[i] != "" && index(have, "," want[i] ",") == 0) next
		print $2; found = 1; exit
	}
	END { if (!found) print 0 }'
}
