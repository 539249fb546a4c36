#!/usr/bin/env bash
# ndjson-normalize: flags, environment, usage errors, --help against the man page.
. "$(dirname "$0")/../lib.sh"
N=ndjson-normalize
MAN=$VP_ROOT/man/man1/ndjson-normalize.1

t_run "--version names the tool" bash -c "$N --version | grep -q '^ndjson-normalize [0-9]'"
$N --help >"$T_TMP/help"
t_eq "--help exits 0" 0 $?
# Every long option of --help is in the man page, and every one of the man page in --help.
help_opts=$(grep -oE -- '--[a-z][a-z-]+' "$T_TMP/help" | sort -u)
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH ENVIRONMENT/p' "$MAN" | grep -oE -- '\\-\\-[a-z][a-z\\-]+' |
	sed 's/\\//g' | sort -u)
t_eq "--help and the man page list the same options" "$help_opts" "$man_opts"
help_env=$(grep -oE 'NDJSON_NORMALIZE_[A-Z_]+' "$T_TMP/help" | sort -u)
man_env=$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH EXIT/p' "$MAN" | grep -oE 'NDJSON_NORMALIZE_[A-Z_]+' | sort -u)
t_eq "--help and the man page list the same variables" "$help_env" "$man_env"
for e in order product client hook; do
	grep -q "^\.B $e\$" "$MAN" && t_ok "man page documents preset $e" || t_fail "man page documents preset $e"
done

echo '{"a":1}' >"$T_TMP/in"
t_exit "no --entity nor --root is a usage error" 64 $N "$T_TMP/in"
t_exit "unknown entity" 64 $N --entity orders "$T_TMP/in"
t_exit "bad root name" 64 $N --root Orders "$T_TMP/in"
t_exit "bad --max-depth" 64 $N --root t --max-depth -1 "$T_TMP/in"
t_exit "bad --pk" 64 $N --root t --pk 'a,,b' "$T_TMP/in"
t_exit "unknown option" 64 $N --root t --frobnicate "$T_TMP/in"
t_exit "missing input file" 74 $N --root t "$T_TMP/nope"
t_exit "rejects file in a missing directory" 74 $N --root t --rejects "$T_TMP/no/dir" "$T_TMP/in"
$N --root t --bogus 2>"$T_TMP/err"; grep -q "Try 'ndjson-normalize --help'" "$T_TMP/err" &&
	t_ok "usage error points to --help" || t_fail "usage error points to --help"

# The environment gives the same result as the flags; flags win over it.
printf '%s\n' '{"OrderId":"A","State":"s","LastChange":"2019-08-14T17:11:39Z","x":{"y":[1]}}' >"$T_TMP/hook"
$N --entity hook --raw --max-depth 1 --rejects "$T_TMP/r1" "$T_TMP/hook" >"$T_TMP/flags" 2>/dev/null
NDJSON_NORMALIZE_ENTITY=hook NDJSON_NORMALIZE_RAW=1 NDJSON_NORMALIZE_MAX_DEPTH=1 NDJSON_NORMALIZE_REJECTS="$T_TMP/r2" \
	$N "$T_TMP/hook" >"$T_TMP/env" 2>/dev/null
t_same_file "environment equals flags" "$T_TMP/flags" "$T_TMP/env"
t_eq "raw row present" 1 "$(grep -c '"_table":"order_hooks__raw"' "$T_TMP/env")"
t_eq "max depth 1 keeps x__y as JSON text" '"[1]"' "$(jq -c '.x__y // empty' "$T_TMP/env" | head -1)"
NDJSON_NORMALIZE_ROOT=other $N --root mine "$T_TMP/in" 2>/dev/null >"$T_TMP/o"
t_eq "flag wins over environment" mine "$(jq -r ._table "$T_TMP/o")"
NDJSON_NORMALIZE_PK=a $N --root t "$T_TMP/in" >"$T_TMP/pk1" 2>/dev/null
$N --root t --pk a "$T_TMP/in" >"$T_TMP/pk2" 2>/dev/null
t_same_file "NDJSON_NORMALIZE_PK equals --pk" "$T_TMP/pk1" "$T_TMP/pk2"

# Logs go to stderr only, as logfmt or JSON; metrics to the file at exit.
$N --root t --log-format json --metrics-file "$T_TMP/metrics" "$T_TMP/in" >"$T_TMP/o" 2>"$T_TMP/err"
t_run "stdout holds rows only" jq -e 'has("_table")' "$T_TMP/o"
t_run "log line is JSON" jq -e '.msg == "done" and .records == 1' "$T_TMP/err"
t_run "metrics count records" grep -q 'vtex_pipes_records_total{tool="ndjson-normalize",stage="ndjson-normalize",outcome="in"} 1' "$T_TMP/metrics"
t_run "metrics count rows" grep -q 'vtex_pipes_rows_total{tool="ndjson-normalize",stage="ndjson-normalize"} 1' "$T_TMP/metrics"
t_done
