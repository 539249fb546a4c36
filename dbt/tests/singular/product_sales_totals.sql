-- product_sales holds every item of the orders not canceled once: units and
-- revenue add up to silver.order_items, and per SKU too.
with expected as (
    select i.sku_id, sum(i.quantity) as units, sum(i.item_total) as revenue, count(distinct i.order_id) as orders
    from {{ ref('order_items') }} as i
    join {{ ref('orders') }} as o on o.order_id = i.order_id
    where o.status <> 'canceled'
    group by i.sku_id
)
select coalesce(p.sku_id, e.sku_id) as sku_id, p.units, e.units as expected_units,
       p.revenue, e.revenue as expected_revenue
from {{ ref('product_sales') }} as p
full outer join expected as e on e.sku_id = p.sku_id
where p.sku_id is null or e.sku_id is null
   or p.units <> e.units or p.revenue <> e.revenue or p.orders <> e.orders
