{{ config(**keyed_config('order_id', 'created_at')) }}
{{ config(post_hook=lookup_index('order_id')) }}
-- The latest version (lastChange) of each order, money in currency units,
-- timestamps in UTC, with its customer (macros/latest.sql). An incremental
-- run reads only the bronze rows loaded since its watermark (a constant, so
-- BigQuery prunes bronze's load-day partitions; macros/incremental.sql):
-- a new version replaces the order's row when it wins over it by the same
-- rule as a full build, and the orders whose customer match changed get
-- their new customer.
{%- set columns = ['sequence', 'status', 'quality_flags', 'origin', 'sales_channel', 'affiliate_id', 'is_completed',
    'created_at', 'last_change_at', 'authorized_at', 'invoiced_at', 'total_value', 'items_total',
    'discounts_total', 'shipping_total', 'tax_total', 'item_lines', 'item_quantity', 'currency_code'] %}
with
{% if is_incremental() %}
new_versions as (
    {{ order_versions(incremental_since()) }}
),
new_latest as (
    {{ latest_per_key('new_versions', 'order_id', 'last_change_at') }}
),
latest as (
    select n.*
    from new_latest as n
    left join {{ this }} as c on c.order_id = n.order_id
    where c.order_id is null
       or not {{ version_wins('c.last_change_at', 'c._source_loaded_at', 'c._source_batch_id', 'c._source_row_id',
                              'n.last_change_at', 'n._loaded_at', 'n._batch_id', 'n._row_id') }}
),
-- the orders whose customer match changed, found on the match columns
-- alone: their rows are read whole only then (reading the whole table's
-- rows made this query 0.9 s instead of 0.36 at 1,000,000 orders)
rematch as (
    select o.order_id, {{ order_customer_id() }} as new_customer_id, {{ order_customer_match() }} as new_customer_match
    from {{ this }} as o
    {{ order_customer_joins('o', email_hashed=true) }}
    where {{ order_customer_id() }} is distinct from o.customer_id
),
rematched as (
    select o.*, r.new_customer_id, r.new_customer_match
    from {{ this }} as o
    join rematch as r on r.order_id = o.order_id
    where o.order_id not in (select order_id from latest)
),
{% else %}
latest as (
    {{ latest_per_key(ref('stg_orders'), 'order_id', 'last_change_at') }}
),
{% endif %}
chosen as (
    select
        latest.order_id,
        {% for c in columns %}latest.{{ c }},
        {% endfor -%}
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
)
select * from chosen
{% if is_incremental() %}
union all
select
    order_id,
    {% for c in columns %}{{ c }},
    {% endfor -%}
    customer_email,
    user_profile_id,
    customer_first_name,
    customer_last_name,
    customer_document,
    customer_is_corporate,
    new_customer_id,
    new_customer_match,
    _source_row_id,
    _source_batch_id,
    _source_loaded_at
from rematched
{% endif %}
