{{ config(**with_kms_key({'materialized': 'table'})) }}
-- Per UTC day of order creation and current status: orders, revenue (sum of
-- order totals), items (units) and average ticket.
select
    cast(created_at as date) as order_date,
    status,
    count(*) as orders,
    sum(total_value) as revenue,
    sum(item_quantity) as items,
    {{ money_div('sum(total_value)', 'count(*)') }} as average_ticket
from {{ ref('orders') }}
group by cast(created_at as date), status
