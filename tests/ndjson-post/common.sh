# Shared by the ndjson-post tests (sourced after tests/lib.sh): the test API
# server (tests/ndjson-post/api_test_server.py) on a free port.
# api_start NAME [server options]: starts it with log $T_TMP/NAME.log and store
# $T_TMP/NAME.store; sets URL=http://127.0.0.1:PORT.
api_start() {
	local name=$1; shift
	rm -f "$T_TMP/$name.port"
	python3 "$VP_ROOT/tests/ndjson-post/api_test_server.py" --port-file "$T_TMP/$name.port" \
		--log "$T_TMP/$name.log" --store "$T_TMP/$name.store" "$@" &
	t_on_exit "kill $! 2>/dev/null"
	for _ in $(seq 100); do [ -s "$T_TMP/$name.port" ] && break; sleep 0.05; done
	URL=http://127.0.0.1:$(cat "$T_TMP/$name.port")
}
# Records c0..c(N-1) with a customer_id and a value.
gen_records() { python3 -c "
import json
for i in range($1): print(json.dumps({'customer_id': 'c%d' % i, 'ltv': i * 1.5, 'name': 'Zé %d' % i}, ensure_ascii=False))"; }
# The same records sorted and re-serialised, to compare with a store file.
canon() { python3 -c "
import json, sys
print(''.join(sorted(json.dumps(json.loads(l), sort_keys=True) + '\n' for l in open(sys.argv[1]) if l.strip())), end='')" "$1"; }
# jq-free counting over the server log: python3 EXPR over entries e.
log_count() { python3 -c "
import json, sys
print(sum(1 for l in open(sys.argv[1]) for e in [json.loads(l)] if eval(sys.argv[2])))" "$1" "$2"; }
