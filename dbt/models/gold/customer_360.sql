{{ config(**with_kms_key({'materialized': 'table'})) }}
-- One row per customer: every Master Data customer, and every buyer of an
-- order no customer matched (keyed by userProfileId, else e-mail).
-- Value counts orders not canceled: LTV (sum of order totals), order count,
-- average ticket. Activity counts every order placed: first and last order,
-- purchase frequency (orders per 30 days since the first order; mean days
-- between orders) and days since the last order, "now" being var as_of
-- (default: the run's time). changed_at: when the row's inputs (the customer's
-- document, any of its orders) last landed in the warehouse; crm-sync exports
-- the rows changed since its last run by it (time-only metrics such as
-- days_since_last_order move without it).
-- The order metrics per customer key come from customer_orders (incremental:
-- a run reads the orders that changed, not the history); this table, one row
-- per customer, is rebuilt each run, as days_since_* move with "now".
with per_key as (
    select * from {{ ref('customer_orders') }}
    where order_count + canceled_order_count > 0
),
people as (
    select customer_id as customer_key, customer_id, email, email_is_valid, first_name, last_name,
           _source_loaded_at as customer_loaded_at
    from {{ ref('customers') }}
    union all
    select customer_key, cast(null as {{ dbt.type_string() }}), order_email,
           {{ email_flag('order_email') }}, order_first_name, order_last_name,
           cast(null as {{ dbt.type_timestamp() }})
    from per_key
    where customer_key not in (select customer_id from {{ ref('customers') }})
),
metrics as (
    select
        people.*,
        coalesce(k.order_count, 0) as order_count,
        coalesce(k.canceled_order_count, 0) as canceled_order_count,
        coalesce(k.ltv, 0) as ltv,
        k.first_order_at,
        k.last_order_at,
        k.orders_loaded_at,
        {{ dbt.datediff('k.first_order_at', as_of(), 'day') }} as days_since_first_order,
        {{ dbt.datediff('k.first_order_at', 'k.last_order_at', 'second') }} as first_to_last_seconds,
        {{ dbt.datediff('k.last_order_at', as_of(), 'day') }} as days_since_last_order
    from people
    left join per_key as k on k.customer_key = people.customer_key
)
select
    customer_key,
    customer_id,
    email,
    email_is_valid,
    first_name,
    last_name,
    order_count,
    canceled_order_count,
    ltv,
    {{ money_div('ltv', 'order_count') }} as average_ticket,
    first_order_at,
    last_order_at,
    case when first_order_at is not null
         then round((order_count + canceled_order_count) * 30.0 / greatest(days_since_first_order, 1), 6)
    end as orders_per_30_days,
    case when order_count + canceled_order_count > 1
         then round(first_to_last_seconds / 86400.0 / (order_count + canceled_order_count - 1), 6)
    end as mean_days_between_orders,
    days_since_last_order,
    greatest(coalesce(customer_loaded_at, orders_loaded_at),
             coalesce(orders_loaded_at, customer_loaded_at)) as changed_at
from metrics
