-- Every bronze catalog row (all fetches), typed: the SKU context of the
-- Catalog API with the Pricing API's price object under `pricing` (decimal
-- currency units, unlike OMS cents).
{%- set raw = var('bronze_raw_column') %}
select
    {{ json_str(raw, '$.Id') }} as sku_id,
    {{ json_str(raw, '$.ProductId') }} as product_id,
    {{ json_str(raw, '$.SkuName') }} as sku_name,
    {{ json_str(raw, '$.ProductName') }} as product_name,
    {{ json_str(raw, '$.NameComplete') }} as name_complete,
    {{ json_str(raw, '$.ProductRefId') }} as product_ref_id,
    {{ json_str(raw, '$.AlternateIds.RefId') }} as ref_id,
    {{ json_str(raw, '$.AlternateIds.Ean') }} as ean,
    {{ json_str(raw, '$.BrandId') }} as brand_id,
    {{ json_str(raw, '$.BrandName') }} as brand_name,
    {{ json_str(raw, '$.ProductCategoryIds') }} as category_ids,
    {{ dbt.safe_cast(json_str(raw, '$.IsActive'), dbt.type_boolean()) }} as is_active,
    {{ dbt.safe_cast(json_str(raw, '$.IsProductActive'), dbt.type_boolean()) }} as is_product_active,
    {{ dbt.safe_cast(json_str(raw, '$.ProductIsVisible'), dbt.type_boolean()) }} as is_product_visible,
    {{ money(json_str(raw, '$.pricing.basePrice')) }} as price,
    {{ money(json_str(raw, '$.pricing.listPrice')) }} as list_price,
    {{ money(json_str(raw, '$.pricing.costPrice')) }} as cost_price,
    _batch_id,
    _row_id,
    cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
from {{ source('bronze', 'products__raw') }}
