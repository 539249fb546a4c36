"""Compares a warehouse's silver and gold with vtex-sandbox's truth file and
prints one TAP line per check ("ok - ..." / "not ok - ..."). With --orders
only the checks that need no customers or catalog (orders, statuses, values).
Usage: python compare-truth.py [--orders] WAREHOUSE.duckdb TRUTH.json LABEL"""
import json
import sys
from datetime import datetime, timezone
from decimal import Decimal

import duckdb

args = sys.argv[1:]
orders_only = args[0] == "--orders"
path, truth_path, label = args[1:4] if orders_only else args[0:3]
truth = json.load(open(truth_path), parse_float=Decimal)
con = duckdb.connect(path, read_only=True)


def check(name, expected, got):
    if expected == got:
        print(f"ok - {label}: {name}")
    else:
        print(f"not ok - {label}: {name}: expected {str(expected)[:300]}, got {str(got)[:300]}")


def instant(text):
    """A truth time (RFC 3339, up to 7 fractional digits) as naive UTC, to the microsecond."""
    if text is None:
        return None
    head, _, frac = text.rstrip("Z").partition(".")
    t = datetime.fromisoformat(head).replace(tzinfo=timezone.utc)
    return t.replace(microsecond=int((frac + "000000")[:6]), tzinfo=None)


one = lambda sql: con.execute(sql).fetchone()[0]
check("orders", truth["orders"], one("select count(*) from silver.orders"))
check("orders by status", truth["orders_by_status"],
      dict(con.execute("select status, count(*) from silver.orders group by status").fetchall()))
check("value of all orders", truth["orders_value"], one("select sum(total_value) from silver.orders"))
check("value of orders not canceled", truth["orders_value_not_canceled"],
      one("select sum(total_value) from silver.orders where status <> 'canceled'"))
check("sales_daily revenue", truth["orders_value"], one("select sum(revenue) from gold.sales_daily"))
check("orders_current = silver.orders", truth["orders"], one("select count(*) from gold.orders_current"))
if orders_only:
    sys.exit(0)
check("sellable SKUs", truth["sellable_skus"], one("select count(*) from silver.products_active"))
check("customers", truth["clients"], one("select count(*) from silver.customers"))
check("LTV of all customers", truth["orders_value_not_canceled"], one("select sum(ltv) from gold.customer_360"))
check("every order matched to its customer", 0,
      one("select count(*) from silver.orders where customer_id is null"))

got = {r[0]: r[1:] for r in con.execute(
    "select customer_id, order_count, order_count + canceled_order_count, ltv, average_ticket,"
    " first_order_at, last_order_at from gold.customer_360 where customer_id is not null").fetchall()}
want = {c["id"]: (c["orders"], c["orders_all"], Decimal(c["ltv_cents"]) / 100,
                  c["avg_ticket"], instant(c["first_order"]), instant(c["last_order"]))
        for c in truth["customers"]}
diff = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
check("customer_360 per customer (orders, all orders, LTV, average ticket, first and last order)",
      [], [(k, want.get(k), got.get(k)) for k in diff[:3]] + ([f"{len(diff)} differ"] if diff else []))
