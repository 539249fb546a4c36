#!/usr/bin/env bash
# The customers flow keeps a watermark ($VP_STATE/clients.json): the first run
# covers its interval; a run that fails (here bq-load, exit 75) leaves the
# watermark where it was; the next run starts from the watermark, so the
# missed interval's clients reach bronze; an interval run again by hand leaves
# the watermark alone and adds no bronze row.
. "$(dirname "$0")/../lib.sh"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
py=$VP_CACHE/venv-dbt/bin/python
[ -x "$py" ] || { echo "no dbt virtualenv under $VP_CACHE (duckdb for the checks): run scripts/bootstrap"; exit 77; }
for t in vtex-sandbox vtex-fetch ndjson-validate ndjson-normalize dedup bq-load; do
	[ -x "$VP_BIN/$t" ] || { echo "needs $t (make)"; exit 77; }
done
flows=$VP_ROOT/scripts/flows
wh=$T_TMP/warehouse.duckdb
export VP_VAR=$T_TMP/var BQ_TARGET=duckdb:$wh
export VTEX_APP_KEY=vtexappkey-sandbox-TEST VTEX_APP_TOKEN=sandbox-token VTEX_ACCOUNT=sandbox
state=$VP_VAR/state/clients.json

vtex-sandbox --listen 127.0.0.1:0 --ready-file "$T_TMP/ready" --seed 5 --products 5 --clients 100 \
	--orders 10 --now 2026-01-15T12:00:00Z --history-days 30 2>"$T_TMP/sandbox.log" &
t_on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
for _ in $(seq 300); do [ -s "$T_TMP/ready" ] && break; sleep 0.1; done
export VTEX_BASE_URL=$(cat "$T_TMP/ready")
q() { "$py" -c 'import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True)
for r in c.execute(sys.argv[2]).fetchall(): print(*r)' "$wh" "$1"; }
mark() { sed -n 's/.*"updated_until": *"\([^"]*\)".*/\1/p' "$state"; }
# The clients the store has, updated in [$1, $2).
truth() { vtex-fetch clients --updated-since "$1" --updated-until "$2" 2>/dev/null | wc -l; }

"$flows/clients" 2025-01-01T00:00:00Z 2025-09-01T00:00:00Z 2>"$T_TMP/err1"
t_eq "the first run succeeds" 0 $?
t_eq "without a watermark it covers its interval" "$(truth 2025-01-01T00:00:00Z 2025-09-01T00:00:00Z)" \
	"$(q "select count(distinct id) from bronze.clients")"
t_eq "the watermark is its end" 2025-09-01T00:00:00Z "$(mark)"

# The next day fails at the load: the watermark stays.
mkdir "$T_TMP/bin"
for t in "$VP_BIN"/*; do ln -s "$t" "$T_TMP/bin/"; done
rm "$T_TMP/bin/bq-load"
printf '#!/bin/sh\ncat >/dev/null; echo "fake_down_warehouse: unavailable" >&2; exit 75\n' >"$T_TMP/bin/bq-load"
chmod +x "$T_TMP/bin/bq-load"
VP_BIN=$T_TMP/bin "$flows/clients" 2025-09-01T00:00:00Z 2025-12-01T00:00:00Z 2>"$T_TMP/err2"
t_eq "a run whose load fails exits 75" 75 $?
t_eq "and leaves the watermark" 2025-09-01T00:00:00Z "$(mark)"

# The run after it fetches from the watermark: the failed interval too.
"$flows/clients" 2025-12-01T00:00:00Z 2026-01-16T00:00:00Z 2>"$T_TMP/err3"
t_eq "the next run succeeds" 0 $?
t_run "it started at the watermark" grep -q 'msg="window" watermark=2025-09-01T00:00:00Z' "$T_TMP/err3"
t_eq "bronze holds every client of the three intervals" "$(truth 2025-01-01T00:00:00Z 2026-01-16T00:00:00Z)" \
	"$(q "select count(distinct id) from bronze.clients")"
t_eq "the watermark moved to its end" 2026-01-16T00:00:00Z "$(mark)"

# An interval already covered, run again by hand: as asked, watermark kept, no bronze row twice.
before=$(q "select (select count(*) from bronze.clients) || ' ' || (select count(*) from bronze.clients__raw)")
"$flows/clients" 2025-09-01T00:00:00Z 2025-12-01T00:00:00Z 2>"$T_TMP/err4"
t_eq "a covered interval run again succeeds" 0 $?
t_eq "the watermark stays" 2026-01-16T00:00:00Z "$(mark)"
t_eq "no bronze row added (clients, clients__raw)" "$before" \
	"$(q "select (select count(*) from bronze.clients) || ' ' || (select count(*) from bronze.clients__raw)")"
t_run "the rows came back as skipped" grep -q '"skipped":[1-9]' \
	"$VP_VAR/runs/clients/clients-20250901T000000Z-20251201T000000Z/bq-load.out.ndjson"
t_done
