-- depends_on: {{ ref('customer_order_keys') }}, {{ ref('customers') }}
-- Purchase frequency, over every order placed: the mean gap between
-- consecutive orders (computed here gap by gap) equals
-- mean_days_between_orders; orders_per_30_days = orders * 30 / days since the
-- first order (at least one day). In an incremental run, for the customers
-- a recent change can have touched (macros/test_scope.sql).
with keyed as (
    select {{ order_customer_key('o') }} as customer_key, o.created_at
    from {{ ref('orders') }} as o
),
ordered as (
    select customer_key, created_at,
           lag(created_at) over (partition by customer_key order by created_at) as previous_at
    from keyed
    where {{ recent_customer_keys('customer_key') }}
),
gaps as (
    select customer_key, avg({{ dbt.datediff('previous_at', 'created_at', 'second') }} / 86400.0) as mean_gap_days
    from ordered
    where previous_at is not null
    group by customer_key
)
select c.customer_key, c.mean_days_between_orders, g.mean_gap_days, c.orders_per_30_days
from {{ ref('customer_360') }} as c
left join gaps as g on g.customer_key = c.customer_key
where {{ recent_customer_keys('c.customer_key') }}
  and ((c.mean_days_between_orders is null) <> (g.mean_gap_days is null)
   or abs(c.mean_days_between_orders - g.mean_gap_days) > 0.000001
   or (c.first_order_at is not null and abs(c.orders_per_30_days
        - (c.order_count + c.canceled_order_count) * 30.0
          / greatest({{ dbt.datediff('c.first_order_at', as_of(), 'day') }}, 1)) > 0.000001)
   or (c.first_order_at is null and c.orders_per_30_days is not null))
