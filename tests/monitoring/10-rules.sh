#!/usr/bin/env bash
# monitoring/alerts.yml: valid rules (promtool check rules) that fire when and
# only when they should (promtool test rules on monitoring/tests/*.yml:
# a flow failed, catalog stale or never successful, rejects rate, vtex-fetch
# retries surging, webhook 5xx rate, Kafka consumer lag).
. "$(dirname "$0")/../lib.sh"
command -v promtool >/dev/null || { echo "no promtool (Debian package prometheus: scripts/bootstrap)"; exit 77; }
M=$VP_ROOT/monitoring
if promtool check rules "$M/alerts.yml" >"$T_TMP/check" 2>&1; then
	t_ok "promtool check rules: the rules are valid"
else
	t_fail "promtool check rules" "$(cat "$T_TMP/check")"
fi
if promtool check config "$M/prometheus.yml" >"$T_TMP/config" 2>&1; then
	t_ok "promtool check config: the example configuration is valid"
else
	t_fail "promtool check config" "$(cat "$T_TMP/config")"
fi
for f in "$M"/tests/*.yml; do
	if (cd "$M/tests" && promtool test rules "$(basename "$f")") >"$T_TMP/test" 2>&1; then
		t_ok "promtool test rules $(basename "$f")"
	else
		t_fail "promtool test rules $(basename "$f")" "$(cat "$T_TMP/test")"
	fi
done
# Every alert has a unit test.
for a in $(grep -oE '^ *- alert: [A-Za-z0-9]+' "$M/alerts.yml" | awk '{print $3}'); do
	t_run "alert $a is unit-tested" grep -q "alertname: $a\$" "$M"/tests/*.yml
done
t_done
