-- sales_daily, summed over its days and statuses, holds every order once:
-- orders, revenue and items add up to silver.orders; average ticket is
-- revenue / orders to the cent.
select 'totals' as what
from (select count(*) as n, coalesce(sum(total_value), 0) as revenue, coalesce(sum(item_quantity), 0) as items
      from {{ ref('orders') }}) as o
cross join (select coalesce(sum(orders), 0) as n, coalesce(sum(revenue), 0) as revenue, coalesce(sum(items), 0) as items
            from {{ ref('sales_daily') }}) as s
where o.n <> s.n or o.revenue <> s.revenue or o.items <> s.items
union all
select 'average_ticket'
from {{ ref('sales_daily') }}
where abs(average_ticket * orders - revenue) > 0.005 * orders
