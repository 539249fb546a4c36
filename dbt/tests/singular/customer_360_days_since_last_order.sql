-- days since the last order: whole days from the last order to as_of, null
-- without orders.
select customer_key, last_order_at, days_since_last_order
from {{ ref('customer_360') }}
where (last_order_at is null) <> (days_since_last_order is null)
   or days_since_last_order <> {{ dbt.datediff('last_order_at', as_of(), 'day') }}
