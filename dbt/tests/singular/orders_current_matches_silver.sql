-- Right after a build, the live view and silver.orders agree order by order
-- (in an incremental run, the orders either holds from a recent load:
-- macros/test_scope.sql; the view's tail is recent by construction).
with ids as (
    select order_id from {{ ref('orders_current') }} as c
    where {{ recent_rows(ref('orders_current'), 'loaded_at', 'c', ref('orders'), '_source_loaded_at') }}
    union all
    select order_id from {{ ref('orders') }} as o
    where {{ recent_rows(ref('orders'), '_source_loaded_at', 'o') }}
)
select coalesce(c.order_id, o.order_id) as order_id, c.status, o.status as silver_status
from (select * from {{ ref('orders_current') }} where order_id in (select order_id from ids)) as c
full outer join (select * from {{ ref('orders') }} where order_id in (select order_id from ids)) as o
    on o.order_id = c.order_id
where c.order_id is null or o.order_id is null
   or c.status <> o.status
   or c.total_value is distinct from o.total_value
   or c.last_change_at <> o.last_change_at
   or c.customer_id is distinct from o.customer_id
