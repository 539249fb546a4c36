-- LTV = the sum of the totals of the customer's orders not canceled, per
-- customer, and all LTVs together = all such orders (none lost, none twice).
with keyed as (
    select coalesce(customer_id,
                    {{ dbt.concat(["'profile:'", 'user_profile_id']) }},
                    {{ dbt.concat(["'email:'", 'customer_email']) }}) as customer_key,
           total_value
    from {{ ref('orders') }}
    where status <> 'canceled'
),
expected as (
    select customer_key, sum(total_value) as ltv from keyed group by customer_key
)
select c.customer_key, c.ltv, e.ltv as expected
from {{ ref('customer_360') }} as c
left join expected as e on e.customer_key = c.customer_key
where c.ltv <> coalesce(e.ltv, 0)
union all
select 'ALL', (select sum(ltv) from {{ ref('customer_360') }}), (select sum(total_value) from keyed)
from (select 1 as one) as x
where (select coalesce(sum(ltv), 0) from {{ ref('customer_360') }}) <> (select coalesce(sum(total_value), 0) from keyed)
