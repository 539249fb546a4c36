{{ config(**with_kms_key({'materialized': 'table'})) }}
-- Per SKU, over orders not canceled: orders, units, revenue (selling price x
-- quantity), average unit price, first and last sale; names from the catalog
-- when the SKU is there, else as the order had them. Summed from
-- product_sales_daily (incremental by day; one row per SKU and day, however
-- many orders), so a run does not read every item of the history. Catalog
-- names come from the SKU's newest catalog row, as silver.order_items has
-- them on every item of the SKU.
select
    d.sku_id,
    min(d.product_id) as product_id,
    coalesce(min(p.product_name), min(d.item_name)) as product_name,
    coalesce(min(p.brand_name), min(d.brand_name)) as brand_name,
    cast(sum(d.orders) as {{ dbt.type_bigint() }}) as orders,
    sum(d.units) as units,
    sum(d.revenue) as revenue,
    {{ money_div('sum(d.revenue)', 'sum(d.units)') }} as average_unit_price,
    min(d.first_sold_at) as first_sold_at,
    max(d.last_sold_at) as last_sold_at
from {{ ref('product_sales_daily') }} as d
left join {{ ref('products_latest') }} as p on p.sku_id = d.sku_id
where d.sku_id is not null
group by d.sku_id
