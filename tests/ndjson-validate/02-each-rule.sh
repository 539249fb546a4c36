#!/usr/bin/env bash
# Each rule of the repository's rule files (rules/*.json) against a record
# crafted to break it (cases.tsv: a jq edit of a good record of the entity,
# tests/fixtures/validate/): an error rule rejects it (exit 1) and names
# itself among the rules of the reject line, and its counter in the metrics
# is 1; a flagging rule ("warn") keeps the record (exit 0), as it came but for
# _quality_flags naming the rule, and is counted.
# Every rule of every file has its case.
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
fix=$VP_ROOT/tests/fixtures/validate
cases=$VP_ROOT/tests/ndjson-validate/cases.tsv
cd "$T_TMP"

for e in order product client hook; do
	ndjson-validate -e "$e" "$fix/$e.ndjson" >out.ndjson 2>/dev/null
	t_eq "$e fixture passes" 0 $?
	ndjson-validate -e "$e" --list-rules | cut -f1 | sort >"rules.$e"
	grep -P "^$e\t" "$cases" | cut -f2 | sort >"cased.$e"
	t_eq "every $e rule has a case" "" "$(comm -23 "rules.$e" "cased.$e" | tr '\n' ' ')"
	t_eq "every $e case names a rule" "" "$(comm -13 "rules.$e" "cased.$e" | tr '\n' ' ')"
done

n=0
while IFS=$'\t' read -r e rule filter; do
	[[ $e == \#* || -z $e ]] && continue
	n=$((n + 1))
	jq -c "$filter" "$fix/$e.ndjson" >in.ndjson
	severity=$(ndjson-validate -e "$e" --list-rules | awk -F'\t' -v r="$rule" '$1 == r { print $2 }')
	rm -f rej.ndjson m.prom
	ndjson-validate -e "$e" --rejects rej.ndjson --metrics-file m.prom in.ndjson >out.ndjson 2>err
	rc=$?
	count=$(grep -F "rule=\"$rule\"" m.prom | awk '{ print $NF }')
	if [ "$severity" = warn ]; then
		if [ "$rc" -eq 0 ] && [ "$(jq -cS . in.ndjson)" = "$(jq -cS 'del(._quality_flags)' out.ndjson)" ] &&
			jq -e --arg r "$rule" '._quality_flags | split(",") | index($r)' out.ndjson >/dev/null &&
			[ ! -s rej.ndjson ] && [ "$count" = 1 ] && grep -q 'outcome="warned"} 1' m.prom; then
			t_ok "$e $rule (warning): kept and counted"
		else
			t_fail "$e $rule (warning): kept and counted" "exit $rc, count '$count'"
		fi
	elif [ "$rc" -eq 1 ] && [ ! -s out.ndjson ] && jq -e --arg r "$rule" '.rules | index($r)' rej.ndjson >/dev/null &&
		[ "$count" = 1 ] && jq -e '.line == 1 and (.record | type) == "object"' rej.ndjson >/dev/null; then
		t_ok "$e $rule: rejected, named, counted"
	else
		t_fail "$e $rule: rejected, named, counted" "exit $rc, count '$count', rules $(jq -c .rules rej.ndjson 2>/dev/null)"
	fi
done <"$cases"
t_run "the cases ran" test "$n" -gt 100
t_done
