{#- The orders whose child rows (items, payments) an incremental run rebuilds:
    every current order created on a day that has an order whose chosen
    version is newer than this model's rows, or that is named by `extra_sql`
    (a query of order_ids). See by_day_config for why whole days. -#}
{% macro order_child_scope(extra_sql=none) -%}
{%- if is_incremental() -%}
select o.* from {{ ref('orders') }} as o
where cast(o.created_at as date) in (
    {{ changed_order_days() }}
    {%- if extra_sql %}
       or order_id in ({{ extra_sql }})
    {%- endif %}
)
{%- else -%}
select o.* from {{ ref('orders') }} as o
{%- endif -%}
{%- endmacro %}

{#- A bronze child row is read only for the order versions `roots` names (a
    query of their _row_id), when given: the filter goes inside first_copy,
    before its window over _row_id (a child's copies share their _root_id),
    so silver's incremental run reads the children of the orders it rebuilds
    instead of ranking every child row of the history (order_items at
    1,000,000 orders: 29 s of an incremental run with nothing new). -#}
{% macro in_roots(column, roots) -%}
  {%- if roots %} where {{ column }} in ({{ roots }}){% endif -%}
{%- endmacro %}

{#- Every item of every bronze order version, once (macros/bronze.sql:
    first_copy), typed; money in units. _root_id is the order version's
    _row_id (silver joins the chosen version by it). -#}
{% macro order_item_rows(roots=none) -%}
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
from {{ first_copy(bronze_from('orders__items', i, ['_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx'] + used) ~ ' as x' ~ in_roots('x._root_id', roots)) }} as i
join (select distinct _row_id, order_id from {{ source('bronze', 'orders') }} as x{{ in_roots('x._row_id', roots) }}) as o on o._row_id = i._root_id
{%- endmacro %}

{#- Every payment of every bronze order version, once (macros/bronze.sql:
    first_copy), typed; money in units (bronze
    orders__payment_data__transactions and its __payments). _root_id is the
    order version's _row_id. -#}
{% macro order_payment_rows(roots=none) -%}
{%- set tx = bronze_columns('orders__payment_data__transactions') %}
{%- set p = bronze_columns('orders__payment_data__transactions__payments') %}
{%- set used = ['id', 'payment_system', 'payment_system_name', 'group', 'value', 'reference_value', 'installments'] %}
select
    {{ dbt.safe_cast('o.order_id', dbt.type_string()) }} as order_id,
    {{ dbt.safe_cast('tx._idx', dbt.type_int()) }} as transaction_index,
    {{ dbt.safe_cast('p._idx', dbt.type_int()) }} as payment_index,
    {{ dbt.safe_cast(bcol(tx, 'tx', 'transaction_id'), dbt.type_string()) }} as transaction_id,
    {{ dbt.safe_cast(bcol(tx, 'tx', 'is_active'), dbt.type_boolean()) }} as transaction_is_active,
    {{ dbt.safe_cast(bcol(p, 'p', 'id'), dbt.type_string()) }} as payment_id,
    {{ dbt.safe_cast(bcol(p, 'p', 'payment_system'), dbt.type_string()) }} as payment_system,
    {{ bcol(p, 'p', 'payment_system_name') }} as payment_system_name,
    {{ bcol(p, 'p', 'group') }} as payment_group,
    {{ cents_to_units(bcol(p, 'p', 'value')) }} as value,
    {{ cents_to_units(bcol(p, 'p', 'reference_value')) }} as reference_value,
    {{ dbt.safe_cast(bcol(p, 'p', 'installments'), dbt.type_int()) }} as installments,
    p._root_id,
    p._row_id,
    cast(p._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    {{- bronze_rest(p, 'p', used, ['order_id', 'transaction_index', 'payment_index', 'transaction_id',
        'transaction_is_active', 'payment_id', 'payment_group']) }}
from {{ first_copy(bronze_from('orders__payment_data__transactions__payments', p, ['_row_id', '_parent_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx'] + used) ~ ' as x' ~ in_roots('x._root_id', roots)) }} as p
join {{ first_copy(bronze_from('orders__payment_data__transactions', tx, ['_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx', 'transaction_id', 'is_active']) ~ ' as x' ~ in_roots('x._root_id', roots)) }} as tx
    on tx._row_id = p._parent_row_id
join (select distinct _row_id, order_id from {{ source('bronze', 'orders') }} as x{{ in_roots('x._row_id', roots) }}) as o on o._row_id = p._root_id
{%- endmacro %}
