-- Every SKU of every bronze catalog row (all fetches), typed. A catalog row is
-- one product (Catalog API product record) with its SKUs under `skus` (SKU
-- context records), each with its Pricing API price object under `price`
-- (decimal currency units, unlike OMS cents).
{%- set raw = var('bronze_raw_column') %}
select
    {{ json_str('s', '$.Id') }} as sku_id,
    coalesce({{ json_str('s', '$.ProductId') }}, {{ json_str('p.' ~ raw, '$.Id') }}) as product_id,
    {{ json_str('s', '$.SkuName') }} as sku_name,
    coalesce({{ json_str('s', '$.ProductName') }}, {{ json_str('p.' ~ raw, '$.Name') }}) as product_name,
    {{ json_str('s', '$.NameComplete') }} as name_complete,
    coalesce({{ json_str('s', '$.ProductRefId') }}, {{ json_str('p.' ~ raw, '$.RefId') }}) as product_ref_id,
    {{ json_str('s', '$.AlternateIds.RefId') }} as ref_id,
    {{ json_str('s', '$.AlternateIds.Ean') }} as ean,
    coalesce({{ json_str('s', '$.BrandId') }}, {{ json_str('p.' ~ raw, '$.BrandId') }}) as brand_id,
    {{ json_str('s', '$.BrandName') }} as brand_name,
    {{ json_str('s', '$.ProductCategoryIds') }} as category_ids,
    {{ dbt.safe_cast(json_str('s', '$.IsActive'), dbt.type_boolean()) }} as is_active,
    {{ dbt.safe_cast(json_str('p.' ~ raw, '$.IsActive'), dbt.type_boolean()) }} as is_product_active,
    {{ dbt.safe_cast(json_str('p.' ~ raw, '$.IsVisible'), dbt.type_boolean()) }} as is_product_visible,
    {{ money(json_str('s', '$.price.basePrice')) }} as price,
    {{ money(json_str('s', '$.price.listPrice')) }} as list_price,
    {{ money(json_str('s', '$.price.costPrice')) }} as cost_price,
    p._batch_id,
    p._row_id,
    cast(p._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
from {{ source('bronze', 'products__raw') }} as p
{{ json_array_join('p.' ~ raw, '$.skus', 's') }}
