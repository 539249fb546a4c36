{{ config(**by_day_config('order_date', ['status'])) }}
-- Per UTC day of order creation and current status: orders, revenue (sum of
-- order totals), items (units) and average ticket. An incremental run
-- recomputes whole the days of the orders that changed since its watermark
-- (macros/incremental.sql: by_day_config); _source_loaded_at, the newest
-- order load a row counts, is the watermark's column.
select
    cast(created_at as date) as order_date,
    status,
    count(*) as orders,
    sum(total_value) as revenue,
    sum(item_quantity) as items,
    {{ money_div('sum(total_value)', 'count(*)') }} as average_ticket,
    max(_source_loaded_at) as _source_loaded_at
from {{ ref('orders') }}
{%- if is_incremental() %}
where cast(created_at as date) in ({{ changed_order_days() }})
{%- endif %}
group by cast(created_at as date), status
