-- Every item of every bronze order row (all versions), typed; money in units.
{%- set raw = var('bronze_raw_column') %}
select
    {{ json_str('o.' ~ raw, '$.orderId') }} as order_id,
    {{ json_array_pos('i') }} as item_index,
    {{ json_str('i', '$.id') }} as sku_id,
    {{ json_str('i', '$.productId') }} as product_id,
    {{ json_str('i', '$.uniqueId') }} as unique_id,
    {{ json_str('i', '$.name') }} as item_name,
    {{ json_str('i', '$.refId') }} as ref_id,
    {{ json_str('i', '$.ean') }} as ean,
    {{ json_str('i', '$.seller') }} as seller_id,
    {{ dbt.safe_cast(json_str('i', '$.quantity'), dbt.type_bigint()) }} as quantity,
    {{ cents_to_units(json_str('i', '$.price')) }} as price,
    {{ cents_to_units(json_str('i', '$.listPrice')) }} as list_price,
    {{ cents_to_units(json_str('i', '$.sellingPrice')) }} as selling_price,
    {{ dbt.safe_cast(json_str('i', '$.isGift'), dbt.type_boolean()) }} as is_gift,
    {{ json_str('i', '$.additionalInfo.brandName') }} as brand_name,
    {{ json_str('i', '$.additionalInfo.categoriesIds') }} as category_ids,
    o._batch_id,
    o._row_id
from {{ source('bronze', 'orders__raw') }} as o
{{ json_array_join('o.' ~ raw, '$.items', 'i') }}
