#!/usr/bin/env bash
# Every metric the alert rules, their unit tests and the Grafana dashboard use
# is one a tool emits: a "vtex_..." string in the C sources (cmd/, lib/; new
# tools join by themselves) or a "# TYPE" line the flows write.
# man 7 vtex-pipes lists exactly those names, and they follow the naming
# conventions. The dashboard JSON is what monitoring/dashboard.py builds.
. "$(dirname "$0")/../lib.sh"
cd "$VP_ROOT"
grep -rohE '"vtex_[a-z0-9_]+"' cmd lib --include=*.c | tr -d '"' >"$T_TMP/emitted"
grep -ohE '# TYPE vtex_[a-z0-9_]+' scripts/flows/*.sh | awk '{print $3}' >>"$T_TMP/emitted"
sort -u -o "$T_TMP/emitted" "$T_TMP/emitted"
t_run "names found in the sources" test "$(wc -l <"$T_TMP/emitted")" -ge 20

# Names used: every vtex_ word of the rules and their tests; every query of the dashboard.
python3 - monitoring/grafana-dashboard.json >"$T_TMP/dash-exprs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ("expr", "query", "definition") and isinstance(v, str):
                print(v)
            else:
                walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(d)
PY
t_run "the dashboard has queries" test -s "$T_TMP/dash-exprs"
{
	grep -ohE 'vtex_[a-z0-9_]+' monitoring/alerts.yml monitoring/tests/*.yml "$T_TMP/dash-exprs"
} | sort -u >"$T_TMP/used"

known() { grep -qx "$1" "$T_TMP/emitted"; }
while read -r name; do
	base=$name
	if ! known "$base"; then
		for suf in _bucket _sum _count; do
			[ "${name%$suf}" != "$name" ] && base=${name%$suf} && break
		done
	fi
	if known "$base"; then
		t_ok "$name is emitted"
		continue
	fi
	t_fail "$name is emitted" "no tool emits it"
done <"$T_TMP/used"

# man 7 vtex-pipes documents exactly the emitted names.
grep -ohE 'vtex_(pipes|sandbox)_[a-z0-9_]+' man/man7/vtex-pipes.7 | sort -u >"$T_TMP/documented"
cp "$T_TMP/emitted" "$T_TMP/all"
missing=$(comm -23 "$T_TMP/all" "$T_TMP/documented" | paste -sd' ')
t_eq "every emitted name is in man 7 vtex-pipes" "" "$missing"
extra=$(comm -13 "$T_TMP/all" "$T_TMP/documented" | paste -sd' ')
t_eq "man 7 vtex-pipes names no metric nothing emits" "" "$extra"

# Conventions: prefix, counters end in _total (and only counters), units.
t_eq "every name has the vtex_pipes_ or vtex_sandbox_ prefix" "" \
	"$(grep -vE '^vtex_(pipes|sandbox)_' "$T_TMP/all" | paste -sd' ')"
counters=$(grep -rhoE 'metrics_counter\("vtex_[a-z0-9_]+"' cmd lib --include=*.c | grep -oE 'vtex_[a-z0-9_]+')
others=$(grep -rhoE 'metrics_(gauge|histogram)\("vtex_[a-z0-9_]+"' cmd lib --include=*.c | grep -oE 'vtex_[a-z0-9_]+')
t_eq "counters end in _total" "" "$(grep -v '_total$' <<<"$counters" | sort -u | paste -sd' ')"
t_eq "gauges and histograms do not" "" "$(grep '_total$' <<<"$others" | sort -u | paste -sd' ')"
t_eq "no unit other than seconds and bytes in the names" "" \
	"$(grep -E '_(ms|milliseconds|minutes|hours|kb|mb|kilobytes|megabytes)(_|$)' "$T_TMP/all" | paste -sd' ')"

if python3 monitoring/dashboard.py | cmp -s - monitoring/grafana-dashboard.json; then
	t_ok "grafana-dashboard.json is what monitoring/dashboard.py builds"
else
	t_fail "grafana-dashboard.json is what monitoring/dashboard.py builds" "run: python3 monitoring/dashboard.py >monitoring/grafana-dashboard.json"
fi
t_done
