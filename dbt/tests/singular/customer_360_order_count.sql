-- order_count counts orders not canceled, canceled_order_count the others;
-- together they are every order exactly once.
select 'not canceled' as what, sum(order_count) as got,
       (select count(*) from {{ ref('orders') }} where status <> 'canceled') as expected
from {{ ref('customer_360') }}
having sum(order_count) <> (select count(*) from {{ ref('orders') }} where status <> 'canceled')
union all
select 'canceled', sum(canceled_order_count),
       (select count(*) from {{ ref('orders') }} where status = 'canceled')
from {{ ref('customer_360') }}
having sum(canceled_order_count) <> (select count(*) from {{ ref('orders') }} where status = 'canceled')
