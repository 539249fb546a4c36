-- depends_on: {{ ref('customer_order_keys') }}, {{ ref('customers') }}
-- LTV = the sum of the totals of the customer's orders not canceled, per
-- customer (in an incremental run, the customers a recent change can have
-- touched: macros/test_scope.sql), and all LTVs together = all such orders
-- (none lost, none twice).
with keyed as (
    select {{ order_customer_key('o') }} as customer_key, total_value
    from {{ ref('orders') }} as o
    where status <> 'canceled'
),
expected as (
    select customer_key, sum(total_value) as ltv from keyed
    where {{ recent_customer_keys('customer_key') }}
    group by customer_key
)
select c.customer_key, c.ltv, e.ltv as expected
from {{ ref('customer_360') }} as c
left join expected as e on e.customer_key = c.customer_key
where {{ recent_customer_keys('c.customer_key') }} and c.ltv <> coalesce(e.ltv, 0)
union all
select 'ALL', (select sum(ltv) from {{ ref('customer_360') }}), (select sum(total_value) from keyed)
from (select 1 as one) as x
where (select coalesce(sum(ltv), 0) from {{ ref('customer_360') }}) <> (select coalesce(sum(total_value), 0) from keyed)
