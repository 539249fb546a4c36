{{ config(materialized='view') }}
-- One row per order with its current status and values, read straight from
-- bronze through views, so it is fresh as soon as a row lands (silver.orders
-- catches up at the next dbt run; a singular test checks they agree).
with latest as (
    {{ latest_per_key(ref('stg_orders'), 'order_id', 'last_change_at') }}
)
select
    latest.order_id,
    latest.status,
    latest.created_at,
    latest.last_change_at,
    latest.total_value,
    latest.items_total,
    latest.discounts_total,
    latest.shipping_total,
    latest.tax_total,
    latest.item_quantity,
    latest.currency_code,
    {{ pii('latest.customer_email') }} as customer_email,
    {{ order_customer_id() }} as customer_id,
    latest._loaded_at as loaded_at
from latest
{{ order_customer_joins('latest') }}
