{{ config(**keyed_config('order_id', 'created_at')) }}
-- The latest version (lastChange) of each order, money in currency units,
-- timestamps in UTC, with its customer (macros/latest.sql). An incremental
-- run recomputes the orders that got a bronze row since the last run and the
-- orders whose customer match changed.
with
{% if is_incremental() %}
affected as (
    select order_id from {{ ref('stg_orders') }}
    where _loaded_at > {{ incremental_watermark() }}
    union all
    select o.order_id from {{ this }} as o
    {{ order_customer_joins('o', email_hashed=true) }}
    where {{ order_customer_id() }} is distinct from o.customer_id
),
{% endif %}
candidates as (
    select * from {{ ref('stg_orders') }}
    {% if is_incremental() %}
    where order_id in (select order_id from affected)
    {% endif %}
),
latest as (
    {{ latest_per_key('candidates', 'order_id', 'last_change_at') }}
)
select
    latest.order_id,
    latest.sequence,
    latest.status,
    latest.quality_flags,
    latest.origin,
    latest.sales_channel,
    latest.affiliate_id,
    latest.is_completed,
    latest.created_at,
    latest.last_change_at,
    latest.authorized_at,
    latest.invoiced_at,
    latest.total_value,
    latest.items_total,
    latest.discounts_total,
    latest.shipping_total,
    latest.tax_total,
    latest.item_lines,
    latest.item_quantity,
    latest.currency_code,
    {{ pii('latest.customer_email') }} as customer_email,
    latest.user_profile_id,
    {{ pii('latest.customer_first_name') }} as customer_first_name,
    {{ pii('latest.customer_last_name') }} as customer_last_name,
    {{ pii('latest.customer_document') }} as customer_document,
    latest.customer_is_corporate,
    {{ order_customer_id() }} as customer_id,
    {{ order_customer_match() }} as customer_match,
    latest._row_id as _source_row_id,
    latest._batch_id as _source_batch_id,
    latest._loaded_at as _source_loaded_at
from latest
{{ order_customer_joins('latest') }}
