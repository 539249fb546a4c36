#!/usr/bin/env bash
# ndjson-validate's interface: --help and the man page list the same options,
# exit codes (0, 1, 64, 74, 78), byte-for-byte pass-through, the reject line,
# metrics per rule, --skip, --rules-dir, rule files found beside the binary.
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
fix=$VP_ROOT/tests/fixtures/validate
cd "$T_TMP"
# t_exit_to NAME CODE OUT CMD...: t_exit with CMD's stdout into OUT.
t_exit_to() { local n=$1 want=$2 out=$3; shift 3; t_exit "$n" "$want" bash -c '"$@" >"$0"' "$out" "$@"; }

t_exit_to "--help" 0 help.txt ndjson-validate --help
t_exit_to "--version" 0 /dev/null ndjson-validate --version
for o in $(grep -oE -- '--[a-z][a-z-]+' help.txt | sort -u); do
	t_run "man page documents $o" grep -q -- "${o//-/\\\\-}" "$VP_ROOT/man/man1/ndjson-validate.1"
done
t_exit "no entity nor rules: usage error" 64 ndjson-validate </dev/null 2>/dev/null
t_exit "unknown option: usage error" 64 ndjson-validate --entity order --frobnicate </dev/null 2>/dev/null
t_exit "an entity name with a slash: usage error" 64 ndjson-validate --entity ../order </dev/null 2>/dev/null
t_exit "an entity without a rule file: configuration error" 78 ndjson-validate --entity invoice </dev/null 2>err
t_run "... naming the file" grep -q 'rules/invoice.json' err
echo '{"rules":[{"path":"a","minimum":1}]}' >bad.json
t_exit "an invalid rule file: configuration error" 78 ndjson-validate --rules bad.json </dev/null 2>err
t_run "... naming the rule and the key" grep -q "rules\[0\] (a): unknown key 'minimum'" err
t_exit "--skip of a rule that does not exist: usage error" 64 ndjson-validate -e order --skip nope </dev/null 2>/dev/null
t_exit "an input file that does not exist" 74 ndjson-validate -e order missing.ndjson 2>/dev/null
t_run "--list-rules" bash -c "ndjson-validate -e order --list-rules | grep -qP '^item-quantity-positive:min\twarn\titems\[\]\.quantity$'"

# Byte for byte: odd spacing, escapes, key order, a CRLF line and blank lines.
printf '%s\n' '{ "OrderId" : "v52277740atmc-01","State":"invoiced", "LastChange":"2019-08-14T17:11:39Z" ,"x":"\u00e9\/"}' \
	'' '{"LastChange":"2019-08-14","State":"handling","OrderId":"1172452900788-01","n":1.50e2}' >in.ndjson
printf '{"State":"invoice","OrderId":"SCP-880102018018-01","LastChange":"2019-08-14T17:11:39.2550122+00:00"}\r\n' >>in.ndjson
grep -v '^$' in.ndjson | tr -d '\r' >want.ndjson
t_exit_to "valid records: exit 0" 0 out.ndjson ndjson-validate -e hook in.ndjson --log-level error
t_same_file "valid records pass byte for byte (CRLF becomes LF, blank lines go)" want.ndjson out.ndjson

# Rejects: a bad record among good ones, a line that is not JSON; a record
# that breaks only flagging rules passes, the rules named in _quality_flags.
head -c -1 "$fix/order.ndjson" >good.json
{ cat good.json; echo; jq -c '.items[1].quantity = 0 | .clientProfileData.email = "x" | .value = "12"' good.json
  echo 'not json'; cat good.json; echo; jq -c '.items[1].quantity = 0 | .clientProfileData.email = "x"' good.json
} >mixed.ndjson
ndjson-validate -e order --rejects rej.ndjson --metrics-file m.prom mixed.ndjson >out.ndjson 2>err
t_eq "some rejected: exit 1" 1 $?
t_eq "the good records pass" "$(cat good.json good.json | md5sum)" "$(head -2 out.ndjson | tr -d '\n' | md5sum)"
t_eq "the flagged record passes, its flags named" \
	'"items-total-is-sum-of-items:sum,item-quantity-positive:min,email-format:format"' "$(sed -n 3p out.ndjson | jq -c ._quality_flags)"
t_eq "... otherwise as it came" "$(sed -n 5p mixed.ndjson | jq -cS .)" "$(sed -n 3p out.ndjson | jq -cS 'del(._quality_flags)')"
t_eq "two reject lines" 2 "$(wc -l <rej.ndjson)"
t_eq "the reject names every broken rule, flags too" '["value:type","items-total-is-sum-of-items:sum","item-quantity-positive:min","email-format:format"]' \
	"$(head -1 rej.ndjson | jq -c .rules)"
t_eq "... with the places" '["value","totals[0].value","items[1].quantity","clientProfileData.email"]' \
	"$(head -1 rej.ndjson | jq -c '[.violations[].path]')"
t_eq "... the line number, source and tool" '2 "mixed.ndjson" "ndjson-validate"' "$(head -1 rej.ndjson | jq -j '.line, " ", (.source|tojson), " ", (.tool|tojson)')"
t_eq "... and the record as it came" "$(sed -n 2p mixed.ndjson | jq -c .)" "$(head -1 rej.ndjson | jq -c .record)"
t_eq "a line that is not JSON is kept raw, under the rule json" '3 ["json"] "not json"' \
	"$(tail -1 rej.ndjson | jq -j '.line, " ", (.rules|tojson), " ", (.raw|tojson)')"
t_run "metrics: records in" grep -q 'vtex_pipes_records_total{tool="ndjson-validate",stage="ndjson-validate",outcome="in"} 5' m.prom
t_run "metrics: records out" grep -q 'vtex_pipes_records_total{tool="ndjson-validate",stage="ndjson-validate",outcome="out"} 3' m.prom
t_run "metrics: records rejected" grep -q 'vtex_pipes_records_total{tool="ndjson-validate",stage="ndjson-validate",outcome="rejected"} 2' m.prom
t_run "metrics: records flagged" grep -q 'vtex_pipes_records_total{tool="ndjson-validate",stage="ndjson-validate",outcome="warned"} 1' m.prom
t_run "metrics: per rule" grep -q 'vtex_pipes_validate_violations_total{tool="ndjson-validate",stage="ndjson-validate",entity="order",rule="item-quantity-positive:min",severity="warn"} 2' m.prom
t_run "metrics: untouched rules at 0" grep -q 'rule="orderId:format",severity="error"} 0' m.prom
t_run "the log never holds the e-mail" bash -c "! grep -q 'fernanda\\|@' err"
ndjson-validate -e order --flags-field '' --log-level error <(sed -n 5p mixed.ndjson) >out.ndjson
t_run "--flags-field '': the flagged record passes byte for byte" cmp -s <(sed -n 5p mixed.ndjson) out.ndjson

sed -n 2p mixed.ndjson >bad.ndjson
t_exit_to "--skip the broken rules: the record passes" 0 out.ndjson ndjson-validate -e order --log-level error \
	--skip 'value:type,item-quantity-positive:min,items-total-is-sum-of-items,email-format' bad.ndjson
t_run "... byte for byte" cmp -s bad.ndjson out.ndjson
t_exit_to "NDJSON_VALIDATE_SKIP does the same" 0 /dev/null env NDJSON_VALIDATE_SKIP=items-total-is-sum-of-items,item-quantity-positive,email-format,value:type \
	ndjson-validate -e order --log-level error bad.ndjson

mkdir dir
echo '{"entity":"thing","rules":[{"path":"id","required":true}]}' >dir/thing.json
echo '{"x":1}' >x.ndjson
echo '{"id":1}' >id.ndjson
t_exit_to "--rules-dir: an entity of one's own" 1 /dev/null ndjson-validate --rules-dir dir -e thing --log-level error x.ndjson
t_exit_to "NDJSON_VALIDATE_RULES_DIR" 0 /dev/null env NDJSON_VALIDATE_RULES_DIR=dir ndjson-validate -e thing id.ndjson
t_exit_to "--rules wins over --entity" 0 /dev/null ndjson-validate -e order --rules dir/thing.json id.ndjson

# Installed layout: <prefix>/bin and <prefix>/share/vtex-pipes/rules.
make -s -C "$VP_ROOT" install DESTDIR="$T_TMP/inst" PREFIX=/usr >/dev/null 2>&1
echo '{"hookConfig":"ping"}' >ping.ndjson
t_exit_to "installed: finds share/vtex-pipes/rules" 0 /dev/null "$T_TMP/inst/usr/bin/ndjson-validate" -e hook ping.ndjson

# Streaming: records come out while the input is still open.
mkfifo in.fifo
ndjson-validate -e hook --log-level error <in.fifo >stream.ndjson &
v=$!
exec 3>in.fifo
head -3 want.ndjson >&3
for _ in $(seq 200); do [ "$(wc -l <stream.ndjson)" -ge 3 ] && break; sleep 0.05; done
t_eq "records come out before the input ends" 3 "$(wc -l <stream.ndjson)"
exec 3>&-
wait "$v"
t_eq "... and the input's end ends it" 0 $?

# The reader is gone before the first line comes out.
t_exit "output closed: exit 74" 74 bash -c '{ sleep 0.5; cat "$0"; } | ndjson-validate -e order 2>/dev/null | true; exit ${PIPESTATUS[1]}' "$fix/order.ndjson"
t_done
