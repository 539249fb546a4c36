#!/usr/bin/env bash
# Kill anywhere: nothing acknowledged is lost. vtex-sandbox's live store fires
# hooks (each retried until answered 200), keeps its order feed, and changes
# older orders too (invoiced or canceled weeks after creation, outside any
# reconcile window). orders-ingest, orders-feed and orders-process run under
# restart loops, as systemd's Restart=always would run them, on a real broker.
# For VP_CHAOS_SECONDS (60), and until at least VP_CHAOS_KILLS (30) kills were
# made, a stage of one of the flows is SIGKILLed every 0 to 2 s, one kill in
# three after a 2 to 4 s SIGSTOP (so it
# dies holding work: bq-load mid-batch, kafka-cat with deliveries in flight,
# vtex-fetch mid-fetch, dedup, vtex-webhook with a spool backlog), and the
# broker itself is killed twice; the last kill hits bq-load stalled while the
# store freezes, holding the events of the store's last changes. Then the flows
# drain and stop, and with NO orders-reconcile over the live window silver and
# gold equal the sandbox's truth exactly; every event the store announced
# by hook, and every one it put in its feed, is in Kafka; and no row of the
# bronze order tables is there twice.
. "$(dirname "$0")/../lib.sh"
. "$VP_ROOT/tests/kafka-cat/broker.sh"
. "$VP_ROOT/tests/vtex-sandbox/sandbox_lib.sh"
. "$(dirname "$0")/chaos_lib.sh"
chaos_setup
seconds=${VP_CHAOS_SECONDS:-60}
sb_start s --seed 23 --products 30 --clients 80 --orders 800 --history-days 60 --truth "$truth" \
	--orders-per-second 3 --live-step-seconds 0.5 --hook-url "http://127.0.0.1:$port/hook" \
	--hook-dup-rate 0.1 --hook-reorder-rate 0.1 --hook-timeout-ms 2000 \
	--feed-config '{"queue":{"visibilityTimeoutInSeconds":20}}' ||
	{ t_fail "sandbox starts"; t_done; }
chaos_flows_start

victims=(orders-ingest/webhook orders-ingest/validate orders-ingest/produce
	orders-feed/feed orders-feed/validate orders-feed/produce
	orders-process/consume orders-process/dedup-hooks orders-process/fetch orders-process/dedup-orders
	orders-process/validate orders-process/normalize orders-process/bq-load orders-process/bq-load)
# Kills until the time is up and enough were made (a stage between two runs
# of its flow cannot be killed: another is picked at once; on a busy machine
# flows restart slowly, so the kills may go on for up to three times longer).
target=${VP_CHAOS_KILLS:-30} broker_kills=0 end=$((SECONDS + seconds))
while { [ $SECONDS -lt $end ] || [ $CHAOS_KILLS -lt $target ]; } && [ $SECONDS -lt $((end + 3 * seconds)) ]; do
	left=$((end - SECONDS))
	if { [ $broker_kills -eq 0 ] && [ $left -lt $((seconds * 2 / 3)) ]; } ||
		{ [ $broker_kills -eq 1 ] && [ $left -lt $((seconds / 3)) ]; }; then
		kill -KILL "$(cat "$KAFKA_TEST_DIR/broker.pid")" && CHAOS_KILLS=$((CHAOS_KILLS + 1))
		broker_kills=$((broker_kills + 1))
		echo "# killed the broker"
		sleep 2
		kafka_restart || { t_fail "the broker restarts"; break; }
		continue
	fi
	v=${victims[RANDOM % ${#victims[@]}]}
	chaos_kill "${v%%/*}" "${v#*/}" || { sleep 0.1; continue; }
	sleep "$((RANDOM % 2)).$((RANDOM % 10))"
done

# The last blow, at the worst moment: bq-load stalls as the store freezes,
# holding the rows of the store's last changes; their hook and feed events are
# read from Kafka meanwhile (a consumer committing what it had merely written
# would lose them for good: no later change repairs them), then bq-load is
# killed.
pid=$(stage_pid orders-process bq-load)
kill -STOP "$pid" 2>/dev/null
kill -USR2 "$(sb_pid s)" # freeze: the truth file is written
sleep 3
kill -KILL "$pid" 2>/dev/null && CHAOS_KILLS=$((CHAOS_KILLS + 1)) CHAOS_STALLED=$((CHAOS_STALLED + 1))
echo "# killed orders-process/bq-load (pid $pid) as the store froze"
t_run "every hook was answered 200 in the end" sb_hooks_drained 900
feed_left() { curl -s "$SB_URL/metrics" | prom_value vtex_sandbox_feed_messages; }
wait_for 120 eval '[ "$(feed_left)" = 0 ]'
t_eq "every feed event was committed in the end" 0 "$(feed_left)"
unsupervise orders-ingest
unsupervise orders-feed
wait_for 120 eval '[ "$(process_lag)" = 0 ]'
t_eq "orders-process caught up with the topic" 0 "$(process_lag)"
sleep 2
unsupervise orders-process

end=2026-01-15T13:00:00Z # past the sandbox's clock at the freeze
t_exit "catalog flow" 0 "$flows/catalog" 2026-01-15T06:00:00Z "$end"
t_exit "clients flow" 0 "$flows/clients" 2000-01-01T00:00:00Z "$end"
t_exit "dbt flow" 0 "$flows/dbt" 2026-01-15T11:45:00Z "$end"
"$py" "$VP_ROOT/tests/e2e/compare-truth.py" "${BQ_TARGET#duckdb:}" "$truth" "after $CHAOS_KILLS kills" >"$T_TMP/compare.txt"
cat "$T_TMP/compare.txt"
lost=$(grep -c '^not ok' "$T_TMP/compare.txt")
grep -q '^not ok' "$T_TMP/compare.txt" && t_failed=1

# The figures.
msgs=$(kafka-cat -C -q -b "$KAFKA_BROKERS" -t vtex.orders.hooks -o beginning -e 2>/dev/null | tee "$T_TMP/msgs.ndjson" | wc -l)
events=$(jq -r '[.OrderId, .State, (.CurrentChange // .LastChange)] | @tsv' "$T_TMP/msgs.ndjson" | sort -u | wc -l)
read -r raw versions < <("$py" - "${BQ_TARGET#duckdb:}" <<'PY'
import sys, duckdb
c = duckdb.connect(sys.argv[1], read_only=True)
print(*c.execute("select count(*), count(distinct _row_id) from bronze.orders").fetchone())
PY
)
# Each source on its own (the other one's copy of an event cannot stand in):
# hook lines carry no EventId, feed lines do.
hooked=$(jq -r 'select(.EventId == null) | [.OrderId, .State, .CurrentChange] | @tsv' "$T_TMP/msgs.ndjson" | sort -u | wc -l)
fed=$(jq -r 'select(.EventId != null) | .EventId' "$T_TMP/msgs.ndjson" | sort -u | wc -l)
t_eq "every event the store announced by hook is in Kafka" "$SB_HOOK_EVENTS" "$hooked"
t_eq "every event the store put in its feed is in Kafka" \
	"$(curl -s "$SB_URL/metrics" | prom_value vtex_sandbox_feed_events_total)" "$fed"
echo "# chaos: $CHAOS_KILLS kills ($CHAOS_STALLED after a stall, $broker_kills of the broker) in ${seconds}s;" \
	"restarts: ingest $(restarts orders-ingest), feed $(restarts orders-feed), process $(restarts orders-process)"
echo "# events: $SB_HOOK_EVENTS hooked by the store, $events distinct in Kafka from $msgs messages" \
	"($((msgs - events)) duplicates absorbed); bronze: $raw order rows for $versions versions" \
	"($((raw - versions)) duplicates absorbed); lost: $lost (checks that differ from the truth)"
# Each order version once in bronze, its child rows too, whatever was killed
# mid-batch and sent again (bq-load skips what its table holds; a child of a
# root row the same batch added is not looked up, bq-load(1)).
t_eq "no bronze order row twice, in any of the order tables" "0" "$("$py" - "${BQ_TARGET#duckdb:}" <<'PY'
import sys, duckdb
c = duckdb.connect(sys.argv[1], read_only=True)
tables = [t for t, in c.execute("select table_name from information_schema.columns where table_schema = 'bronze'"
                                " and table_name like 'orders%' and column_name = '_row_id'").fetchall()]
print(sum(c.execute(f'select count(*) - count(distinct _row_id) from bronze."{t}"').fetchone()[0] for t in tables))
PY
)"
t_run "at least $target kills ($CHAOS_KILLS)" test "$CHAOS_KILLS" -ge "$target"
t_done
