-- depends_on: {{ ref('customer_order_keys') }}, {{ ref('customers') }}
-- first and last order = the earliest and latest creation time of the
-- customer's orders, whatever their status (in an incremental run, for the
-- customers a recent change can have touched: macros/test_scope.sql).
with expected as (
    select {{ order_customer_key('o') }} as customer_key,
           min(created_at) as first_at, max(created_at) as last_at
    from {{ ref('orders') }} as o
    where {{ recent_customer_keys(order_customer_key('o')) }}
    group by 1
)
select c.customer_key, c.first_order_at, e.first_at, c.last_order_at, e.last_at
from {{ ref('customer_360') }} as c
left join expected as e on e.customer_key = c.customer_key
where {{ recent_customer_keys('c.customer_key') }}
  and (c.first_order_at is distinct from e.first_at
   or c.last_order_at is distinct from e.last_at)
