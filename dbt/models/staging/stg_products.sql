-- Every SKU of every bronze catalog row (all fetches), typed (bronze products
-- and products__skus). A catalog row is one product (Catalog API product
-- record) with its SKUs under `skus` (SKU context records), each with its
-- Pricing API price object under `price` (decimal currency units, unlike OMS
-- cents). A product's row id follows its content, so each fetch (every copy
-- of the product row, with its own _loaded_at) has the same SKU rows, taken
-- once (macros/bronze.sql: first_copy).
{%- set p = bronze_columns('products', required=['id', '_row_id', '_batch_id', '_loaded_at']) %}
{%- set s = bronze_columns('products__skus') %}
{%- set used = ['id', 'product_id', 'sku_name', 'product_name', 'name_complete', 'product_ref_id',
    'alternate_ids__ref_id', 'alternate_ids__ean', 'brand_id', 'brand_name', 'product_category_ids',
    'is_active', 'price__base_price', 'price__list_price', 'price__cost_price'] %}
select
    {{ dbt.safe_cast(bcol(s, 's', 'id'), dbt.type_string()) }} as sku_id,
    coalesce({{ dbt.safe_cast(bcol(s, 's', 'product_id'), dbt.type_string()) }}, {{ dbt.safe_cast('p.id', dbt.type_string()) }}) as product_id,
    {{ bcol(s, 's', 'sku_name') }} as sku_name,
    coalesce({{ bcol(s, 's', 'product_name') }}, {{ bcol(p, 'p', 'name') }}) as product_name,
    {{ bcol(s, 's', 'name_complete') }} as name_complete,
    coalesce({{ dbt.safe_cast(bcol(s, 's', 'product_ref_id'), dbt.type_string()) }}, {{ dbt.safe_cast(bcol(p, 'p', 'ref_id'), dbt.type_string()) }}) as product_ref_id,
    {{ dbt.safe_cast(bcol(s, 's', 'alternate_ids__ref_id'), dbt.type_string()) }} as ref_id,
    {{ dbt.safe_cast(bcol(s, 's', 'alternate_ids__ean'), dbt.type_string()) }} as ean,
    coalesce({{ dbt.safe_cast(bcol(s, 's', 'brand_id'), dbt.type_string()) }}, {{ dbt.safe_cast(bcol(p, 'p', 'brand_id'), dbt.type_string()) }}) as brand_id,
    {{ bcol(s, 's', 'brand_name') }} as brand_name,
    {{ dbt.safe_cast(bcol(s, 's', 'product_category_ids'), dbt.type_string()) }} as category_ids,
    {{ dbt.safe_cast(bcol(s, 's', 'is_active'), dbt.type_boolean()) }} as is_active,
    {{ dbt.safe_cast(bcol(p, 'p', 'is_active'), dbt.type_boolean()) }} as is_product_active,
    {{ dbt.safe_cast(bcol(p, 'p', 'is_visible'), dbt.type_boolean()) }} as is_product_visible,
    {{ money(bcol(s, 's', 'price__base_price')) }} as price,
    {{ money(bcol(s, 's', 'price__list_price')) }} as list_price,
    {{ money(bcol(s, 's', 'price__cost_price')) }} as cost_price,
    p._batch_id,
    p._row_id,
    cast(p._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    {{- bronze_rest(s, 's', used, ['sku_id', 'ref_id', 'ean', 'category_ids', 'is_product_active', 'is_product_visible', 'price', 'list_price', 'cost_price']) }}
from {{ source('bronze', 'products') }} as p
join {{ first_copy(bronze_from('products__skus', s, ['_row_id', '_root_id', '_batch_id', '_loaded_at'] + used) ~ ' as x') }} as s
    on s._root_id = p._row_id
