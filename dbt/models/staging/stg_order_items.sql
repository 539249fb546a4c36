-- Every item of every bronze order version, once (macros/bronze.sql:
-- first_copy), typed; money in units. _root_id is the order version's
-- _row_id (silver joins the chosen version by it).
{%- set i = bronze_columns('orders__items') %}
{%- set used = ['id', 'product_id', 'unique_id', 'name', 'ref_id', 'ean', 'seller', 'quantity', 'price',
    'list_price', 'selling_price', 'is_gift', 'additional_info__brand_name', 'additional_info__categories_ids'] %}
select
    {{ dbt.safe_cast('o.order_id', dbt.type_string()) }} as order_id,
    {{ dbt.safe_cast('i._idx', dbt.type_int()) }} as item_index,
    {{ dbt.safe_cast(bcol(i, 'i', 'id'), dbt.type_string()) }} as sku_id,
    {{ dbt.safe_cast(bcol(i, 'i', 'product_id'), dbt.type_string()) }} as product_id,
    {{ bcol(i, 'i', 'unique_id') }} as unique_id,
    {{ bcol(i, 'i', 'name') }} as item_name,
    {{ dbt.safe_cast(bcol(i, 'i', 'ref_id'), dbt.type_string()) }} as ref_id,
    {{ dbt.safe_cast(bcol(i, 'i', 'ean'), dbt.type_string()) }} as ean,
    {{ dbt.safe_cast(bcol(i, 'i', 'seller'), dbt.type_string()) }} as seller_id,
    {{ dbt.safe_cast(bcol(i, 'i', 'quantity'), dbt.type_bigint()) }} as quantity,
    {{ cents_to_units(bcol(i, 'i', 'price')) }} as price,
    {{ cents_to_units(bcol(i, 'i', 'list_price')) }} as list_price,
    {{ cents_to_units(bcol(i, 'i', 'selling_price')) }} as selling_price,
    {{ dbt.safe_cast(bcol(i, 'i', 'is_gift'), dbt.type_boolean()) }} as is_gift,
    {{ bcol(i, 'i', 'additional_info__brand_name') }} as brand_name,
    {{ dbt.safe_cast(bcol(i, 'i', 'additional_info__categories_ids'), dbt.type_string()) }} as category_ids,
    i._root_id,
    i._row_id,
    cast(i._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    {{- bronze_rest(i, 'i', used, ['order_id', 'item_index', 'sku_id', 'item_name', 'seller_id', 'brand_name', 'category_ids']) }}
from {{ first_copy(bronze_from('orders__items', i, ['_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx'] + used) ~ ' as x') }} as i
join (select distinct _row_id, order_id from {{ source('bronze', 'orders') }}) as o on o._row_id = i._root_id
