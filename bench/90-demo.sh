#!/usr/bin/env bash
# The demo as a benchmark: runs scripts/demo (make demo) and records its wall
# time per stage and the real-time path's freshness, from a hook received by
# vtex-webhook to the order in gold.orders_current (scripts/stream-freshness.py).
# No peer runs side by side here: the stages are the project's own, and the
# freshness is set against ORDERS_FLUSH_MS (the longest bq-load holds a row).
# DEMO_* variables scale it (scripts/demo).
. "$(dirname "$0")/lib.sh"
cd "$VP_ROOT"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
mkdir -p var
scripts/demo >var/demo.out 2>&1 || { tail -40 var/demo.out; echo "the demo failed (var/demo.out)"; exit 1; }
{
	echo "## make demo: time per stage, and hook-to-gold freshness"
	echo
	echo "Machine: $(bench_machine)"
	echo
	echo "Reproduce: \`bench/run demo\` (runs \`make demo\`'s script: ${DEMO_PRODUCTS:-3000} products,"
	echo "${DEMO_CLIENTS:-30000} customers, ${DEMO_ORDERS:-100000} orders in the store, ${DEMO_LIVE_SECONDS:-60} s of"
	echo "live orders at ${DEMO_ORDERS_PER_SECOND:-20}/s announced by hooks, then the batch flows and dbt on DuckDB)."
	echo "Its verdict: $(tail -1 var/demo.out | sed "s|$VP_ROOT/||")"
	echo
	echo "| stage | wall time |"
	echo "|---|---|"
	sed -E 's/^(.*[^ ]) +([0-9.]+ s)$/| \1 | \2 |/' var/demo/stages.txt
	echo
	echo "Freshness, from vtex-webhook receiving a hook (its \`_received_at\`) to the commit of the"
	echo "batch that brought the order's row at that change into bronze (bq-load's \`committed_at\`),"
	echo "from which the view gold.orders_current shows it; orders-process runs with"
	echo "ORDERS_FLUSH_MS=${ORDERS_FLUSH_MS:-500} (bq-load holds a row at"
	echo "most that long before it writes the batch). An event counts 0 when the order was visible at"
	echo "that change already when it came (an earlier event's fetch got the newer state, or it was a"
	echo "duplicate), so the second row is the path's own latency:"
	echo
	echo "| hook events | count | p50 | p95 | p99 | max |"
	echo "|---|---:|---:|---:|---:|---:|"
	"$VP_CACHE/venv-dbt/bin/python" scripts/stream-freshness.py --markdown var/demo/warehouse.duckdb var/demo/hooks.ndjson \
		var/demo/runs/*/*/bq-load.out.ndjson
} >bench/results/demo.md
cat bench/results/demo.md
