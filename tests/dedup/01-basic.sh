#!/usr/bin/env bash
# dedup on files: keep-first, typed and compound keys, --newest-by ordering
# (numbers, VTEX timestamps across zones and digits, strings), byte-for-byte
# output, rejects and exit codes, several input files, --help and the man page.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"

# Spacing and field order are kept as they came: lines are not re-serialised.
cat >in.ndjson <<'IN'
{"id": 1,   "n":"a"}
{"n":"b","id":1}
{"id":"1","n":"c"}
{"id":1.0,"n":"d"}
{ "id" : 2 , "n" : "e" }
{"id":2,"n":"f"}
{"id":true,"n":"g"}
{"id":"true","n":"h"}
IN
printf '%s\n' '{"id": 1,   "n":"a"}' '{"id":"1","n":"c"}' '{ "id" : 2 , "n" : "e" }' \
	'{"id":true,"n":"g"}' '{"id":"true","n":"h"}' >want
dedup --key id in.ndjson >out 2>err
t_eq "keep-first exits 0" 0 $?
t_same_file "keep-first: first of each typed key, byte for byte" want out

# Compound and nested keys; CRLF input.
printf '%s\r\n' '{"o":{"id":"A"},"s":"x"}' '{"o":{"id":"A"},"s":"y"}' '{"s":"x","o":{"id":"A"},"z":1}' \
	'{"o":{"id":"Ax"},"s":""}' '{"o":{"id":"A"},"s":"xA"}' >crlf.ndjson
dedup -k o.id,s crlf.ndjson >out 2>err
printf '%s\n' '{"o":{"id":"A"},"s":"x"}' '{"o":{"id":"A"},"s":"y"}' '{"o":{"id":"Ax"},"s":""}' \
	'{"o":{"id":"A"},"s":"xA"}' >want
t_same_file "compound nested key, CRLF in, LF out" want out

# --newest-by: the issue's timestamps, in an order that exercises every case.
cat >ver.ndjson <<'IN'
{"k":"o1","v":"2024-01-02T03:04:05.1234567Z","n":1}
{"k":"o1","v":"2024-01-02T03:04:05.12Z","n":2}
{"k":"o1","v":"2024-01-02T00:04:06-03:00","n":3}
{"k":"o1","v":"2024-01-02T03:04:06.0000000+00:00","n":4}
{"k":"o2","v":9,"n":5}
{"k":"o2","v":10,"n":6}
{"k":"o2","v":"9.5","n":7}
{"k":"o2","v":"11","n":8}
{"k":"o3","v":"b","n":9}
{"k":"o3","v":"a","n":10}
{"k":"o3","v":"ba","n":11}
{"k":"o3","v":"ba","n":12}
IN
dedup --key k --newest-by v ver.ndjson >out 2>err
t_eq "--newest-by keeps only strictly newer versions" "1 3 5 6 8 9 11" \
	"$(jq -r .n out | tr '\n' ' ' | sed 's/ $//')"

# Rejects: not JSON, not an object, missing key, null key, missing or bad version.
cat >bad.ndjson <<'IN'
{"k":"a","v":1}
not json
[1,2]
{"v":2}
{"k":null,"v":3}
{"k":"b"}
{"k":"c","v":{"x":1}}
{"k":"a","v":2}
IN
dedup --key k --newest-by v --rejects rej.ndjson bad.ndjson >out 2>err
t_eq "rejects: exit 1 at the end" 1 $?
printf '%s\n' '{"k":"a","v":1}' '{"k":"a","v":2}' >want
t_same_file "rejects: good records still flow" want out
t_eq "rejects: one line per refused record, with line and reason" \
	"2 invalid JSON|3 not a JSON object|4 key field k is missing|5 key field k is null|6 version field v is missing|7 version field v is not a number, timestamp or string" \
	"$(jq -r '"\(.line) \(.reason)"' rej.ndjson | paste -sd '|')"
t_eq "rejects: records kept whole, raw text for non-JSON" '{"v":2}|"not json"' \
	"$(jq -c 'select(.line==4).record' rej.ndjson)|$(jq -c 'select(.line==2).raw' rej.ndjson)"
dedup --key k bad.ndjson >/dev/null 2>err
t_eq "rejects without a file: still exit 1" 1 $?
grep -q 'msg="record rejected"' err && t_ok "rejects without a file are logged" || t_fail "rejects logged"

# Several inputs, "-" for standard input; keys carry across files.
printf '%s\n' '{"k":1}' '{"k":2}' >f1
printf '%s\n' '{"k":2,"x":1}' '{"k":3}' | dedup --key k f1 - >out 2>err
printf '%s\n' '{"k":1}' '{"k":2}' '{"k":3}' >want
t_same_file "several inputs share one key set" want out
dedup --key k nonexistent 2>err
t_eq "missing input file: exit 74" 74 $?

# Usage errors.
t_exit "no --key: 64" 64 dedup </dev/null 2>err
t_exit "bad --key: 64" 64 dedup --key 'a,,b' </dev/null 2>err
t_exit "bad --max-memory: 64" 64 dedup --key a --max-memory 12Q </dev/null 2>err
t_exit "--latest-only --state without --newest-by: 64" 64 dedup --key a --latest-only --state s </dev/null 2>err
t_exit "unknown option: 64" 64 dedup --key a --frobnicate </dev/null 2>err

# Environment fallbacks.
printf '%s\n' '{"k":1,"v":1}' '{"k":1,"v":2}' | DEDUP_KEY=k DEDUP_NEWEST_BY=v dedup >out 2>err
t_eq "DEDUP_KEY and DEDUP_NEWEST_BY" 2 "$(wc -l <out)"

# The former spellings of --newest-by still work, with a warning.
dedup --key k --newest-by v ver.ndjson >want 2>err
for old in "--version v" "--version=v"; do
	dedup --key k $old ver.ndjson >out 2>err
	t_same_file "$old: as --newest-by v" want out
	grep -q 'deprecated: use --newest-by' err && t_ok "$old: warned" || t_fail "$old: warned" "$(cat err)"
done
DEDUP_KEY=k DEDUP_VERSION_FIELD=v dedup ver.ndjson >out 2>err
t_same_file "DEDUP_VERSION_FIELD: as DEDUP_NEWEST_BY" want out
grep -q 'deprecated: use DEDUP_NEWEST_BY' err && t_ok "DEDUP_VERSION_FIELD: warned" ||
	t_fail "DEDUP_VERSION_FIELD: warned" "$(cat err)"

# --version alone, or before another option, is dedup's version, like every tool's; -V too.
t_eq "--version alone prints the version" "dedup $(cat "$VP_ROOT/VERSION")" "$(dedup --version)"
t_eq "--version before an option prints the version" "dedup $(cat "$VP_ROOT/VERSION")" \
	"$(dedup --version --key k </dev/null)"
t_eq "-V prints the version" "dedup $(cat "$VP_ROOT/VERSION")" "$(dedup -V)"

# --help and the man page name the same options.
man_page=$VP_ROOT/man/man1/dedup.1
help_opts=$(dedup --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
sed 's/\\-/-/g' "$man_page" >man.src
missing=""
for o in $help_opts; do
	grep -qF -- "$o" man.src || missing+=" $o"
done
t_eq "every --help option is in dedup(1)" "" "$missing"
if command -v man >/dev/null; then
	MANWIDTH=80 man -l "$man_page" >man.txt 2>man.err
	t_eq "dedup(1) renders without warnings" "" "$(grep -v '^$' man.err)"
fi

# Metrics file.
dedup --key k --metrics-file m.prom f1 >/dev/null 2>err
grep -q 'vtex_pipes_records_total{tool="dedup",stage="dedup",outcome="out"} 2' m.prom &&
	t_ok "metrics: records out counted" || t_fail "metrics" "$(cat m.prom)"
t_done
