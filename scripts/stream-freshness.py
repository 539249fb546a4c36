"""Freshness of the real-time path: for each hook event in Kafka (not the
order feed's events, which have no receive time), the time from
vtex-webhook receiving it (_received_at) to the moment the first
bronze.orders row of that order at that change or later became visible in the
warehouse, which is when gold.orders_current shows it: the commit of its
batch, the committed_at of bq-load's report line for that batch (bq-load(1),
OUTPUT), read from the report files given (every flow's bq-load.out.ndjson);
0 when an earlier event's fetch had loaded that change already. A row whose
batch no report names counts from its _loaded_at (stamped before the commit)
and is counted on stderr. Percentiles over every event, and over the events
that had to wait; with --markdown as table rows for bench/RESULTS.md.
Usage: python stream-freshness.py [--markdown] WAREHOUSE.duckdb HOOKS.ndjson REPORT.ndjson...
HOOKS.ndjson: kafka-cat -C -J output of the hooks topic."""
import json
import re
import sys
from datetime import datetime, timezone

import duckdb

args = sys.argv[1:]
markdown = args[0] == "--markdown"
if markdown:
    args = args[1:]
warehouse, hooks_path, reports = args[0], args[1], args[2:]


VTEX_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def instant(text):
    """A VTEX time (0 to 7 fractional digits; Z, +hh:mm, -hh:mm or no zone:
    UTC) as seconds since the epoch."""
    m = VTEX_TIME.match(text)
    if not m:
        raise ValueError(f"not a VTEX time: {text!r}")
    t = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    zone = m.group(3)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        t -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return t + (float(m.group(2)) if m.group(2) else 0.0)


events = []
for line in open(hooks_path):
    hook = json.loads(json.loads(line)["value"])
    if "_received_at" not in hook:  # from VTEX's feed (orders-feed): no receive time to measure from
        continue
    events.append((hook["OrderId"], instant(hook["LastChange"]), instant(hook["_received_at"])))

committed = {}
for path in reports:
    for line in open(path):
        r = json.loads(line)
        if r["table"] == "orders" and "committed_at" in r:
            committed[r["batch_id"]] = instant(r["committed_at"])

con = duckdb.connect(warehouse, read_only=True)
loads, unreported = {}, 0
for order_id, last_change, loaded_at, batch_id in con.execute(
        "select order_id, last_change, epoch(_loaded_at), _batch_id from bronze.orders").fetchall():
    visible = committed.get(batch_id)
    if visible is None:
        unreported += 1
        visible = loaded_at
    loads.setdefault(order_id, []).append((instant(last_change), visible))
if unreported:
    print(f"{unreported} bronze.orders rows of batches no report names: counted from their _loaded_at",
          file=sys.stderr)

lat, missing = [], 0
for order_id, change, received in events:
    seen = [loaded for lc, loaded in loads.get(order_id, []) if lc >= change - 1e-6]
    if not seen:
        missing += 1
        continue
    # Visible from the first such row on; one loaded before the hook arrived
    # (another event's fetch saw the change first) means no wait at all.
    lat.append(max(0.0, min(seen) - received))
lat.sort()
waited = [x for x in lat if x > 0]


def pct(xs, p):
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000 if xs else float("nan")


def figures(xs):
    return [pct(xs, 0.5), pct(xs, 0.95), pct(xs, 0.99), xs[-1] * 1000 if xs else float("nan")]


rows = [("every hook event", len(lat), figures(lat)),
        ("events whose change was not yet visible when they came", len(waited), figures(waited))]
for label, n, (p50, p95, p99, top) in rows:
    if markdown:
        print(f"| {label} | {n} | {p50:.0f} ms | {p95:.0f} ms | {p99:.0f} ms | {top:.0f} ms |")
    else:
        print(f"hook -> gold.orders_current, {label}: {n}, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
              f"p99 {p99:.0f} ms, max {top:.0f} ms")
if missing:
    print(f"{missing} hook events have no row at their change in bronze" if not markdown else
          f"\n{missing} hook events have no row at their change in bronze.")
