#!/usr/bin/env bash
# vtex-sandbox: injected faults (429 with Retry-After, 5xx, reset, truncate,
# slow) at about the rate asked and repeatable with --fault-seed; the rate
# limit; latency.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

N=200
urls() { # N PATH: a curl config fetching PATH N times, bodies discarded
	local i
	for i in $(seq "$1"); do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$SB_URL" "$2"; done
}
# run_requests OUT: N sequential GETs; one line per request: class code
run_requests() {
	local i cfg=$T_TMP/curl.cfg
	: >"$cfg"
	for i in $(seq $N); do
		printf 'url = "%s/api/catalog/pvt/product/101"\noutput = "%s/body.%d"\n' "$SB_URL" "$T_TMP" "$i" >>"$cfg"
	done
	rm -f "$T_TMP"/body.*
	# A connection per request: curl silently retries a request whose reused connection was reset.
	curl -s "${SB_AUTH[@]}" -H "Connection: close" --max-time 5 -w '%{http_code} %{exitcode} %{time_total} %header{retry-after}\n' -K "$cfg" >"$T_TMP/w.txt"
	i=0
	while read -r code rc secs retry; do
		i=$((i + 1))
		if [ "$rc" = 52 ] || [ "$rc" = 56 ]; then echo reset
		elif [ "$rc" = 18 ]; then echo truncate-short
		elif [ "$code" = 429 ]; then echo "429 retry-after=$retry"
		elif [ "${code:0:1}" = 5 ]; then echo "5xx $code"
		elif [ "$code" = 200 ] && ! jq -e . "$T_TMP/body.$i" >/dev/null 2>&1; then echo truncate-json
		elif [ "$code" = 200 ] && awk -v s="$secs" 'BEGIN { exit !(s >= 0.3) }'; then echo slow
		elif [ "$code" = 200 ]; then echo ok
		else echo "other $code $rc"
		fi
	done <"$T_TMP/w.txt" >"$1"
}

sb_start f1 --products 200 --orders 10 --clients 10 --fault-rate 0.4 --fault-seed 7 --slow-ms 300 || { t_fail "sandbox starts"; t_done; }
run_requests "$T_TMP/run1.txt"
sb_stop f1
t_eq "every request got an outcome" $N "$(wc -l <"$T_TMP/run1.txt")"
faults=$(grep -vc '^ok$' "$T_TMP/run1.txt")
t_eq "faults at about the rate asked (0.4 of $N: $faults)" true "$([ "$faults" -ge 55 ] && [ "$faults" -le 105 ] && echo true)"
t_eq "no unexpected outcome" "" "$(grep '^other' "$T_TMP/run1.txt" | head -3)"
for k in '^429 retry-after=1$' '^5xx 50[0234]$' '^reset$' '^truncate-' '^slow$'; do
	t_eq "fault ${k//[\^\$]/} occurs" true "$(grep -q "$k" "$T_TMP/run1.txt" && echo true)"
done
t_eq "both kinds of truncation occur" 2 "$(grep -o '^truncate-[a-z]*' "$T_TMP/run1.txt" | sort -u | wc -l)"
t_eq "429 always carries Retry-After" "" "$(grep '^429' "$T_TMP/run1.txt" | grep -v 'retry-after=1$' | head -1)"

sb_start f2 --products 200 --orders 10 --clients 10 --fault-rate 0.4 --fault-seed 7 --slow-ms 300 || { t_fail "sandbox starts"; t_done; }
run_requests "$T_TMP/run2.txt"
sb_stop f2
t_same_file "the same --fault-seed gives the same faults" "$T_TMP/run1.txt" "$T_TMP/run2.txt"

sb_start f3 --products 20 --orders 10 --clients 10 --fault-rate 0.5 --faults 5xx --fault-seed 1 || { t_fail "sandbox starts"; t_done; }
N=60 run_requests "$T_TMP/run3.txt"
t_eq "--faults limits the kinds" "" "$(grep -v '^ok$\|^5xx' "$T_TMP/run3.txt" | head -1)"
t_eq "/metrics is never faulted" 200 "$(for i in $(seq 20); do curl -s -o /dev/null -w '%{http_code}\n' "$SB_URL/metrics"; done | sort -u | tr -d '\n')"

# The rate limit: 429 with Retry-After above it, the rest served.
sb_start rl --products 20 --orders 10 --clients 10 --rate-limit 5 || { t_fail "sandbox starts"; t_done; }
urls 60 /api/catalog/pvt/product/101 | curl -s "${SB_AUTH[@]}" -w '%{http_code} %header{retry-after}\n' -K - >"$T_TMP/rl.txt"
t_eq "above the rate limit: 429 with Retry-After" true "$(grep -q '^429 1$' "$T_TMP/rl.txt" && echo true)"
t_eq "within the rate limit: served" true "$(grep -q '^200' "$T_TMP/rl.txt" && echo true)"
sleep 1.5 # the bucket refills
t_eq "pricing answers carry Ratelimit headers" true \
	"$(curl -s -D - -o /dev/null "${SB_AUTH[@]}" "$SB_URL/sandbox/pricing/prices/1002" | grep -qi '^ratelimit-remaining:' && echo true)"

# Latency: never earlier than asked; waiting requests hold no thread (one thread, parallel requests all served).
sb_start lat --products 20 --orders 10 --clients 10 --latency-ms 300 --threads 1 || { t_fail "sandbox starts"; t_done; }
secs=$(curl -s -o /dev/null -w '%{time_total}' "${SB_AUTH[@]}" "$SB_URL/api/catalog/pvt/product/101")
t_eq "--latency-ms 300: the answer comes no sooner ($secs s)" true "$(awk -v s="$secs" 'BEGIN { print (s >= 0.3) ? "true" : "false" }')"
urls 12 /api/catalog/pvt/product/101 | curl -s "${SB_AUTH[@]}" --parallel --parallel-max 12 -w '%{http_code}\n' -K - | sort | uniq -c | awk '{print $1, $2}' >"$T_TMP/par.txt"
t_eq "12 parallel requests on one server thread with latency: all served" "12 200" "$(cat "$T_TMP/par.txt")"
t_done
