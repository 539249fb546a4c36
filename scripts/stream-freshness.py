"""Freshness of the real-time path: for each hook event in Kafka, the time from
vtex-webhook receiving it (_received_at) to the first bronze.orders row of that
order at that change or later landing in the warehouse (_loaded_at: the moment
gold.orders_current, a view over bronze, shows it). Prints one line of
percentiles; with --markdown a table row for bench/RESULTS.md.
Usage: python stream-freshness.py [--markdown] WAREHOUSE.duckdb HOOKS.ndjson
HOOKS.ndjson: kafka-cat -C -J output of the hooks topic."""
import json
import sys
from datetime import datetime, timezone

import duckdb

args = sys.argv[1:]
markdown = args[0] == "--markdown"
warehouse, hooks_path = args[1:3] if markdown else args[0:2]


def instant(text):
    """An RFC 3339 time, any fractional digits, as seconds since the epoch."""
    head, _, frac = text.rstrip("Z").partition(".")
    frac, _, _ = frac.partition("+")
    t = datetime.strptime(head[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


events = []
for line in open(hooks_path):
    hook = json.loads(json.loads(line)["value"])
    events.append((hook["OrderId"], instant(hook["LastChange"]), instant(hook["_received_at"])))

con = duckdb.connect(warehouse, read_only=True)
loads = {}
for order_id, last_change, loaded_at in con.execute(
        "select order_id, epoch(last_change), epoch(_loaded_at) from bronze.orders order by _loaded_at"):
    loads.setdefault(order_id, []).append((last_change, loaded_at))

lat, missing = [], 0
for order_id, change, received in events:
    seen = [loaded for lc, loaded in loads.get(order_id, []) if lc >= change - 1e-6]
    if not seen:
        missing += 1
        continue
    # The row this hook caused lands after it; a row at this change loaded
    # before the hook arrived (another event's fetch saw it first) means the
    # order was visible already: 0.
    after = [t for t in seen if t >= received]
    lat.append(min(after) - received if after else 0.0)
lat.sort()


def pct(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


if markdown:
    print(f"| {len(events)} | {pct(0.5):.0f} ms | {pct(0.95):.0f} ms | {pct(0.99):.0f} ms | {lat[-1] * 1000 if lat else 0:.0f} ms | {missing} |")
else:
    print(f"hook -> gold.orders_current: {len(events)} events, p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, "
          f"p99 {pct(0.99):.0f} ms, max {lat[-1] * 1000 if lat else 0:.0f} ms"
          + (f", {missing} not in bronze" if missing else ""))
