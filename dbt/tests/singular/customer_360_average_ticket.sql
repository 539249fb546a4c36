-- average ticket = LTV / order count, to the cent; null without orders.
select customer_key, ltv, order_count, average_ticket
from {{ ref('customer_360') }}
where (order_count = 0 and average_ticket is not null)
   or (order_count > 0 and abs(average_ticket * order_count - ltv) > 0.005 * order_count)
