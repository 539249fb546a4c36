-- sales_daily holds every order once: per day (in an incremental run, the
-- days of the orders loaded recently: macros/test_scope.sql), orders,
-- revenue and items add up to silver.orders'; average ticket is revenue /
-- orders to the cent.
with expected as (
    select cast(created_at as date) as order_date, count(*) as n,
           coalesce(sum(total_value), 0) as revenue, coalesce(sum(item_quantity), 0) as items
    from {{ ref('orders') }}
    where cast(created_at as date) in ({{ recent_order_days() }})
    group by cast(created_at as date)
),
got as (
    select order_date, sum(orders) as n, coalesce(sum(revenue), 0) as revenue, coalesce(sum(items), 0) as items
    from {{ ref('sales_daily') }}
    where order_date in ({{ recent_order_days() }})
    group by order_date
)
select 'totals' as what, coalesce(e.order_date, g.order_date) as order_date
from expected as e
full outer join got as g on g.order_date = e.order_date
where e.order_date is null or g.order_date is null
   or e.n <> g.n or e.revenue <> g.revenue or e.items <> g.items
union all
select 'average_ticket', order_date
from {{ ref('sales_daily') }}
where order_date in ({{ recent_order_days() }})
  and abs(average_ticket * orders - revenue) > 0.005 * orders
