#!/usr/bin/env bash
# BigQuery paging, which the emulator does not do (it answers every query in
# one page), with a scripted fake: pages of --page-rows rows followed by
# pageToken, a query job not complete at first (getQueryResults polled), a
# 503 retried, repeated and nested fields, NUMERIC exact.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP
python3 "$VP_ROOT/tests/bq-export/fake_bigquery_pages.py" --rows 7 --port-file "$D/port" --log "$D/calls" &
t_on_exit "kill $! 2>/dev/null"
for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.05; done
EP=http://127.0.0.1:$(cat "$D/port")
export BQ_TOKEN=t

bq-export -t bigquery:p.d --endpoint "$EP" -q 'select * from t' --page-rows 3 >"$D/q.out" 2>"$D/q.err"
t_eq "a paged query: exit 0" 0 $?
t_eq "7 rows in order" "0 1 2 3 4 5 6" "$(python3 -c "import json,sys; print(' '.join(str(json.loads(l)['id']) for l in open(sys.argv[1])))" "$D/q.out")"
t_eq "jobs.query, a 503, a poll, then three pages" 5 "$(grep -c '^GET .*/queries/job1' "$D/calls")"
t_eq "pages asked for by token" 2 "$(grep -c 'pageToken=' "$D/calls")"
t_eq "nested, repeated, exact NUMERIC, RFC 3339 UTC" \
	'{"id":2,"ts":"2024-03-01T12:00:01Z","tags":["t2","x"],"rec":{"a":4,"b":null},"big":12345678901234567890.000000002}' \
	"$(sed -n 3p "$D/q.out")"
t_eq "a null RECORD" 'null' "$(sed -n 2p "$D/q.out" | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['rec']))")"

bq-export -t bigquery:p.d --endpoint "$EP" -T t --page-rows 5 >"$D/t.out" 2>/dev/null
t_eq "a paged table: exit 0, 7 rows" "0 7" "$? $(wc -l <"$D/t.out")"
t_eq "tabledata.list twice" 2 "$(grep -c '^GET .*/tables/t/data' "$D/calls")"
t_done
