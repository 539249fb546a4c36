{{ config(materialized='table') }}
-- Sellable SKUs: active, of an active product, with a price (currency units),
-- as the newest catalog fetch saw them.
select
    sku_id,
    product_id,
    sku_name,
    product_name,
    name_complete,
    product_ref_id,
    ref_id,
    ean,
    brand_id,
    brand_name,
    category_ids,
    is_product_visible,
    price,
    list_price,
    cost_price,
    _loaded_at as _source_loaded_at
from {{ ref('products_latest') }}
where is_active and coalesce(is_product_active, true) and price is not null
