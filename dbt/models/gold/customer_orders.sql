{{ config(**keyed_config('customer_key')) }}
-- depends_on: {{ ref('customers') }}, {{ ref('customer_order_keys') }}
-- gold.customer_360's order metrics per customer key (orders not canceled:
-- count, LTV; every order: first and last, count canceled; the buyer's
-- e-mail and names for keys no customer has), the part of customer_360 that
-- grows with history. An incremental run recomputes the keys of the orders
-- changed since its watermark (changed_customer_orders), every key they ever
-- counted for (customer_order_keys); a key left with no order gets a row of
-- zeros, which customer_360 skips.
with keyed as (
    select o.*, {{ order_customer_key('o') }} as customer_key
    from {{ ref('orders') }} as o
),
{%- if is_incremental() %}
affected as (
    select distinct customer_key from {{ ref('customer_order_keys') }}
    where order_id in ({{ changed_customer_orders(ref('customer_order_keys'), incremental_watermark('orders_loaded_at')) }})
),
{%- endif %}
per_key as (
    select
        customer_key,
        sum(case when status <> 'canceled' then 1 else 0 end) as order_count,
        sum(case when status = 'canceled' then 1 else 0 end) as canceled_order_count,
        coalesce(sum(case when status <> 'canceled' then total_value end), 0) as ltv,
        min(created_at) as first_order_at,
        max(created_at) as last_order_at,
        min(customer_email) as order_email,
        min(customer_first_name) as order_first_name,
        min(customer_last_name) as order_last_name,
        max(_source_loaded_at) as orders_loaded_at
    from keyed
    {%- if is_incremental() %}
    where customer_key in (select customer_key from affected)
    {%- endif %}
    group by customer_key
)
select * from per_key
{%- if is_incremental() %}
union all
select customer_key, 0, 0, 0, null, null, null, null, null, null
from affected
where customer_key not in (select customer_key from per_key)
{%- endif %}
