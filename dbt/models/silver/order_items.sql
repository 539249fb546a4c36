{{ config(**order_child_config()) }}
-- The items of each order's latest version, money in currency units, each
-- joined to its SKU in the newest catalog fetch (null catalog_* when the SKU
-- is not in the catalog). An incremental run rebuilds the days of the
-- orders whose version it does not hold, keeping its items of the others
-- there and reading bronze's for those (macros/order_children.sql), and the
-- days of the orders whose SKUs' catalog fields changed. A SKU's newest
-- catalog row changes only when a row for it is loaded, so only the items of
-- SKUs with a catalog row loaded since the watermark are compared, not every
-- item built so far.
{%- set columns = ['order_id', 'item_index', 'sku_id', 'product_id', 'unique_id', 'item_name', 'ref_id', 'ean', 'seller_id',
    'quantity', 'price', 'list_price', 'selling_price', 'is_gift', 'brand_name', 'category_ids'] %}
{% set catalog_changed %}
    select i.order_id from {{ this }} as i
    join {{ ref('products_latest') }} as p on p.sku_id = i.sku_id
    where p._loaded_at > {{ incremental_watermark() }}
      and (p.product_name is distinct from i.catalog_product_name
       or p.brand_name is distinct from i.catalog_brand_name
       or p.category_ids is distinct from i.catalog_category_ids
       or p.is_active is distinct from i.catalog_sku_is_active)
{% endset %}
with
{{ order_child_ctes(catalog_changed) }}
items as (
    {{ order_child_rows(columns, order_item_rows(**order_child_read(catalog_changed))) }}
)
select
    i.order_id,
    i.item_index,
    i.sku_id,
    i.product_id,
    i.unique_id,
    i.item_name,
    i.ref_id,
    i.ean,
    i.seller_id,
    i.quantity,
    i.price,
    i.list_price,
    i.selling_price,
    i.selling_price * i.quantity as item_total,
    i.is_gift,
    i.brand_name,
    i.category_ids,
    p.product_name as catalog_product_name,
    p.brand_name as catalog_brand_name,
    p.category_ids as catalog_category_ids,
    p.is_active as catalog_sku_is_active,
    i.created_at as order_created_at,
    cast(i.created_at as date) as order_created_date,
    i._source_loaded_at
from items as i
left join {{ ref('products_latest') }} as p on p.sku_id = i.sku_id
