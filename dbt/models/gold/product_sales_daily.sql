{{ config(**by_day_config('order_created_date', ['sku_id'])) }}
-- product_sales' part that grows with history: per SKU and UTC day of order
-- creation, over orders not canceled: orders, units, revenue, first and last
-- sale, and the order items' own product id and names (the catalog's are
-- joined in product_sales). An incremental run recomputes whole the days of
-- the orders that changed since its watermark (by_day_config), so a status
-- change of an old order (a cancellation) redoes its day alone. Each day of
-- any order also has a row with a null sku_id (orders 0): a day whose sales
-- all went (its orders canceled, its items removed) still has a row, so it
-- is replaced too (both engines replace only the days the new rows hold);
-- its _source_loaded_at, the newest load of the day's orders, keeps the
-- watermark's column right whatever their status.
{%- set days_filter %}
    {%- if is_incremental() %} in ({{ changed_order_days() }}){% else %} is not null{% endif %}
{%- endset %}
select
    i.sku_id,
    i.order_created_date,
    min(i.product_id) as product_id,
    min(i.item_name) as item_name,
    min(i.brand_name) as brand_name,
    count(distinct i.order_id) as orders,
    sum(i.quantity) as units,
    sum(i.item_total) as revenue,
    min(o.created_at) as first_sold_at,
    max(o.created_at) as last_sold_at,
    max(o._source_loaded_at) as _source_loaded_at
from {{ ref('order_items') }} as i
join {{ ref('orders') }} as o on o.order_id = i.order_id
where o.status <> 'canceled'
  and i.order_created_date{{ days_filter }}
group by i.sku_id, i.order_created_date
union all
select
    null,
    cast(created_at as date),
    null, null, null,
    0, null, null, null, null,
    max(_source_loaded_at)
from {{ ref('orders') }}
where cast(created_at as date){{ days_filter }}
group by cast(created_at as date)
