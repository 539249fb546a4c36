"""Prints the demo's gold results: top customers by lifetime value, sales by
day (the last 14 days), orders by current status.
Usage: python demo-report.py WAREHOUSE.duckdb"""
import sys

import duckdb

con = duckdb.connect(sys.argv[1], read_only=True)


def table(title, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = [[("" if v is None else str(v)) for v in r] for r in cur.fetchall()]
    widths = [max(len(n), *(len(r[i]) for r in rows)) if rows else len(n) for i, n in enumerate(names)]
    print(f"\n{title}")
    print("  ".join(n.ljust(w) for n, w in zip(names, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))


table("Top 10 customers by lifetime value", """
    select * exclude (rn) from (
      select email, order_count as orders, ltv, average_ticket,
             cast(first_order_at as date) as first_order, cast(last_order_at as date) as last_order,
             round(orders_per_30_days, 2) as orders_per_30d, row_number() over (order by ltv desc) as rn
      from gold.customer_360) where rn <= 10 order by rn""")
table("Sales by day, last 14 days", """
    select order_date, sum(orders) as orders, sum(revenue) as revenue, sum(items) as items,
           round(sum(revenue) / nullif(sum(orders), 0), 2) as avg_ticket
    from gold.sales_daily where status <> 'canceled'
    group by order_date order by order_date desc limit 14""")
table("Orders by current status", """
    select status, count(*) as orders, sum(total_value) as value
    from gold.orders_current group by status order by orders desc""")
