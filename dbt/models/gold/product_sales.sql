{{ config(**with_kms_key({'materialized': 'table'})) }}
-- Per SKU, over orders not canceled: orders, units, revenue (selling price x
-- quantity), average unit price, first and last sale; names from the catalog
-- when the SKU is there, else as the order had them.
select
    i.sku_id,
    min(i.product_id) as product_id,
    coalesce(min(i.catalog_product_name), min(i.item_name)) as product_name,
    coalesce(min(i.catalog_brand_name), min(i.brand_name)) as brand_name,
    count(distinct i.order_id) as orders,
    sum(i.quantity) as units,
    sum(i.item_total) as revenue,
    {{ money_div('sum(i.item_total)', 'sum(i.quantity)') }} as average_unit_price,
    min(o.created_at) as first_sold_at,
    max(o.created_at) as last_sold_at
from {{ ref('order_items') }} as i
join {{ ref('orders') }} as o on o.order_id = i.order_id
where o.status <> 'canceled'
group by i.sku_id
