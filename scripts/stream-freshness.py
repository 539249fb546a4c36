"""Freshness of the real-time path: for each hook event in Kafka (not the
order feed's events, which have no receive time), the time from
vtex-webhook receiving it (_received_at) to the first bronze.orders row of that
order at that change or later landing in the warehouse (_loaded_at: the moment
gold.orders_current, a view over bronze, shows it; 0 when an earlier event's
fetch had loaded that change already). Percentiles over every event, and over
the events that had to wait; with --markdown as table rows for bench/RESULTS.md.
Usage: python stream-freshness.py [--markdown] WAREHOUSE.duckdb HOOKS.ndjson
HOOKS.ndjson: kafka-cat -C -J output of the hooks topic."""
import json
import re
import sys
from datetime import datetime, timezone

import duckdb

args = sys.argv[1:]
markdown = args[0] == "--markdown"
warehouse, hooks_path = args[1:3] if markdown else args[0:2]


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

con = duckdb.connect(warehouse, read_only=True)
loads = {}
for order_id, last_change, loaded_at in con.execute(
        "select order_id, last_change, epoch(_loaded_at) from bronze.orders order by _loaded_at").fetchall():
    loads.setdefault(order_id, []).append((instant(last_change), loaded_at))

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
