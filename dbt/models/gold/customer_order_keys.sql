{{ config(**keyed_config(['order_id', 'customer_key'])) }}
-- depends_on: {{ ref('customers') }}
-- Every customer key (gold.customer_360's customer_key) each order has
-- counted for: its current one and any earlier (a new version with another
-- buyer, a customer match that changed). An incremental run of
-- customer_orders recomputes every key its changed orders ever had, so the
-- key an order left loses it. Rows are never deleted: a key the order left
-- long ago is only recomputed again, unchanged.
select
    o.order_id,
    {{ order_customer_key('o') }} as customer_key,
    o._source_loaded_at
from {{ ref('orders') }} as o
{%- if is_incremental() %}
where o.order_id in ({{ changed_customer_orders(this, incremental_watermark()) }})
{%- endif %}
