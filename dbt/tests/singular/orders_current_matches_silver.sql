-- Right after a build, the live view and silver.orders agree order by order.
select coalesce(c.order_id, o.order_id) as order_id, c.status, o.status as silver_status
from {{ ref('orders_current') }} as c
full outer join {{ ref('orders') }} as o on o.order_id = c.order_id
where c.order_id is null or o.order_id is null
   or c.status <> o.status
   or c.total_value is distinct from o.total_value
   or c.last_change_at <> o.last_change_at
   or c.customer_id is distinct from o.customer_id
