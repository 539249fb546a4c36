-- product_sales holds every item of the orders not canceled once: per SKU
-- and day, product_sales_daily adds up to silver.order_items (in an
-- incremental run, on the days of the orders loaded recently:
-- macros/test_scope.sql), and product_sales per SKU to product_sales_daily.
with expected as (
    select i.sku_id, i.order_created_date, sum(i.quantity) as units, sum(i.item_total) as revenue,
           count(distinct i.order_id) as orders
    from {{ ref('order_items') }} as i
    join {{ ref('orders') }} as o on o.order_id = i.order_id
    where o.status <> 'canceled'
      and i.order_created_date in ({{ recent_order_days() }})
    group by i.sku_id, i.order_created_date
),
daily as (
    select * from {{ ref('product_sales_daily') }}
    where sku_id is not null and order_created_date in ({{ recent_order_days() }})
),
per_sku as (
    select sku_id, sum(units) as units, sum(revenue) as revenue, sum(orders) as orders
    from {{ ref('product_sales_daily') }}
    where sku_id is not null
    group by sku_id
)
select 'product_sales_daily' as what, coalesce(d.sku_id, e.sku_id) as sku_id, d.units, e.units as expected_units,
       d.revenue, e.revenue as expected_revenue
from daily as d
full outer join expected as e on e.sku_id = d.sku_id and e.order_created_date = d.order_created_date
where d.sku_id is null or e.sku_id is null
   or d.units <> e.units or d.revenue <> e.revenue or d.orders <> e.orders
union all
select 'product_sales', coalesce(p.sku_id, s.sku_id), p.units, s.units, p.revenue, s.revenue
from {{ ref('product_sales') }} as p
full outer join per_sku as s on s.sku_id = p.sku_id
where p.sku_id is null or s.sku_id is null
   or p.units <> s.units or p.revenue <> s.revenue or p.orders <> s.orders
