-- first and last order = the earliest and latest creation time of the
-- customer's orders, whatever their status.
with expected as (
    select coalesce(customer_id,
                    {{ dbt.concat(["'profile:'", 'user_profile_id']) }},
                    {{ dbt.concat(["'email:'", 'customer_email']) }}) as customer_key,
           min(created_at) as first_at, max(created_at) as last_at
    from {{ ref('orders') }}
    group by 1
)
select c.customer_key, c.first_order_at, e.first_at, c.last_order_at, e.last_at
from {{ ref('customer_360') }} as c
left join expected as e on e.customer_key = c.customer_key
where c.first_order_at is distinct from e.first_at
   or c.last_order_at is distinct from e.last_at
