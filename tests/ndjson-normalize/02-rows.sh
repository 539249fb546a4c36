#!/usr/bin/env bash
# ndjson-normalize on files: rows, rejects, determinism, closed output.
. "$(dirname "$0")/../lib.sh"
N=ndjson-normalize

cat >"$T_TMP/in" <<'JSON'
{"orderId":"A","items":[{"id":"1","tags":["x","y"]},{"id":"2"}],"client":{"firstName":"Ana"}}

{"orderId":"B","items":[]}
not json
[1,2]
{"orderId":"C"} trailing
{"noKey":true}
{"orderId":{"nested":1}}
{"orderId":"D","value":12.5}
JSON
printf '{"orderId":"E"}' >>"$T_TMP/in"   # a last line without its newline counts too

$N --root orders --pk orderId --rejects "$T_TMP/rej" "$T_TMP/in" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "exit 1 when records were rejected" 1 $?
t_eq "rows of the good records" "orders orders__items orders__items__tags orders__items__tags orders__items orders orders orders" \
	"$(jq -r ._table "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
t_eq "one reject per bad line" 5 "$(wc -l <"$T_TMP/rej")"
t_eq "rejects name line and reason" \
	'4 invalid JSON|5 not a JSON object|6 trailing characters after the JSON value|7 missing key field orderId|8 key field is not a string or number: orderId' \
	"$(jq -r '"\(.line) \(.reason)"' "$T_TMP/rej" | paste -sd'|')"
t_eq "a reject keeps the record as JSON" '{"noKey":true}' "$(jq -c 'select(.line == 7) | .record' "$T_TMP/rej")"
t_eq "a non-JSON reject keeps the raw text" 'not json' "$(jq -r 'select(.line == 4) | .raw' "$T_TMP/rej")"
t_run "rejects are logged" grep -q 'msg="record rejected"' "$T_TMP/err"
t_eq "child links" "$(jq -r 'select(._table == "orders" and .order_id == "A") | ._row_id' "$T_TMP/out")" \
	"$(jq -r 'select(._table == "orders__items" and .id == "2") | ._parent_row_id' "$T_TMP/out")"
t_eq "scalar arrays give value rows" "x y" "$(jq -r 'select(._table == "orders__items__tags") | .value' "$T_TMP/out" | paste -sd' ')"
t_eq "numbers keep their value" 12.5 "$(jq -r 'select(.order_id == "D") | .value' "$T_TMP/out")"

# Same input, same output: run again, through stdin, and with the file given twice.
$N --root orders --pk orderId "$T_TMP/in" >"$T_TMP/out2" 2>/dev/null
t_same_file "deterministic" "$T_TMP/out" "$T_TMP/out2"
$N --root orders --pk orderId <"$T_TMP/in" >"$T_TMP/out3" 2>/dev/null
t_same_file "stdin equals a file argument" "$T_TMP/out" "$T_TMP/out3"
$N --root orders --pk orderId "$T_TMP/in" - <"$T_TMP/in" >"$T_TMP/out4" 2>/dev/null
t_same_file "inputs are read in turn" <(cat "$T_TMP/out" "$T_TMP/out") "$T_TMP/out4"
t_eq "rejects name their input" "- $T_TMP/in" \
	"$($N --root orders --pk orderId --rejects /dev/stdout "$T_TMP/in" - <"$T_TMP/in" 2>/dev/null |
		jq -r 'select(.tool) | .source' | sort -u | paste -sd' ')"
# CRLF line ends are the same records.
sed 's/$/\r/' "$T_TMP/in" >"$T_TMP/crlf"
$N --root orders --pk orderId "$T_TMP/crlf" >"$T_TMP/out5" 2>/dev/null
t_same_file "CRLF input" "$T_TMP/out" "$T_TMP/out5"

# A closed output ends the run with 74, not a silent SIGPIPE death.
yes '{"a":[1,2,3],"b":{"c":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}' | head -200000 >"$T_TMP/many"
( $N --root t "$T_TMP/many" 2>"$T_TMP/err"; echo $? >"$T_TMP/rc" ) | head -1 >/dev/null
t_eq "closed output exits 74" 74 "$(cat "$T_TMP/rc")"
t_run "closed output is logged" grep -q 'output closed' "$T_TMP/err"

# All good: exit 0, and the empty input gives nothing.
echo '{"a":1}' | $N --root t >/dev/null 2>&1
t_eq "exit 0 when all records are normalized" 0 $?
t_eq "empty input, empty output" "" "$($N --root t </dev/null 2>/dev/null)"
t_done
