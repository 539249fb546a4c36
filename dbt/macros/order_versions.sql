{#- The typed order versions of bronze (stg_orders), from the relational
    tables ndjson-normalize writes (orders, orders__totals, orders__items);
    bronze columns no model names yet follow as they are (macros/bronze.sql).
    since: a SQL expression; only rows loaded after it are read, from every
    table (a version's child rows are loaded with it or after it), so a scan
    of bronze's newest rows reads no older ones (DuckDB's zone maps, BigQuery's
    load-day partitions when `since` is a constant).
    roots: a relation with a column _row_id; when given, only those orders
    rows and their children are read (gold.orders_current: the versions silver
    does not hold yet), so the children are aggregated for them alone. -#}
{% macro order_versions(since=none, roots=none) -%}
{%- set after = ('x._loaded_at > ' ~ since) if since else 'true' -%}
{%- if roots -%}
  {%- set after = after ~ ' and x._root_id in (select _row_id from ' ~ roots ~ ')' -%}
{%- endif -%}
{%- set o = bronze_columns('orders', required=['order_id', 'status', 'creation_date', 'last_change', 'value', '_row_id', '_batch_id', '_loaded_at']) %}
{%- set t = bronze_columns('orders__totals') %}
{%- set i = bronze_columns('orders__items') %}
{%- set used = ['order_id', 'sequence', 'status', 'origin', 'sales_channel', 'affiliate_id', 'is_completed',
    'creation_date', 'last_change', 'authorized_date', 'invoiced_date', 'value',
    'store_preferences_data__currency_code', 'client_profile_data__email',
    'client_profile_data__user_profile_id', 'client_profile_data__first_name',
    'client_profile_data__last_name', 'client_profile_data__document', 'client_profile_data__is_corporate',
    '_quality_flags'] %}
with totals as (
    -- totals[] = [{id: Items|Discounts|Shipping|Tax, value: cents}, ...];
    -- a version's children join it by _root_id alone (macros/bronze.sql:
    -- first_copy); max() takes a repeated copy once.
    select
        _root_id,
        max(case when id = 'Items' then {{ cents_to_units('value') }} end) as items_total,
        max(case when id = 'Discounts' then {{ cents_to_units('value') }} end) as discounts_total,
        max(case when id = 'Shipping' then {{ cents_to_units('value') }} end) as shipping_total,
        max(case when id = 'Tax' then {{ cents_to_units('value') }} end) as tax_total
    from {{ bronze_from('orders__totals', t, ['_root_id', '_loaded_at', 'id', 'value']) }} as x
    where {{ after }}
    group by _root_id
),
items as (
    select
        _root_id,
        count(*) as item_lines,
        sum({{ dbt.safe_cast('quantity', dbt.type_bigint()) }}) as item_quantity
    from {{ first_copy(bronze_from('orders__items', i, ['_row_id', '_root_id', '_batch_id', '_loaded_at', 'quantity']) ~ ' as x where ' ~ after) }} as items
    group by _root_id
)
select
    {{ dbt.safe_cast('o.order_id', dbt.type_string()) }} as order_id,
    {{ dbt.safe_cast(bcol(o, 'o', 'sequence'), dbt.type_string()) }} as sequence,
    o.status,
    -- the flagging rules of the quality gate the record broke (ndjson-validate --flags-field)
    {{ bcol(o, 'o', '_quality_flags') }} as quality_flags,
    {{ bcol(o, 'o', 'origin') }} as origin,
    {{ dbt.safe_cast(bcol(o, 'o', 'sales_channel'), dbt.type_string()) }} as sales_channel,
    {{ bcol(o, 'o', 'affiliate_id') }} as affiliate_id,
    {{ dbt.safe_cast(bcol(o, 'o', 'is_completed'), dbt.type_boolean()) }} as is_completed,
    {{ vtex_timestamp('o.creation_date') }} as created_at,
    {{ vtex_timestamp('o.last_change') }} as last_change_at,
    {{ vtex_timestamp(bcol(o, 'o', 'authorized_date')) }} as authorized_at,
    {{ vtex_timestamp(bcol(o, 'o', 'invoiced_date')) }} as invoiced_at,
    {{ cents_to_units('o.value') }} as total_value,
    t.items_total,
    t.discounts_total,
    t.shipping_total,
    t.tax_total,
    coalesce(i.item_lines, 0) as item_lines,
    coalesce(i.item_quantity, 0) as item_quantity,
    {{ bcol(o, 'o', 'store_preferences_data__currency_code') }} as currency_code,
    lower(trim({{ bcol(o, 'o', 'client_profile_data__email') }})) as customer_email,
    {{ bcol(o, 'o', 'client_profile_data__user_profile_id') }} as user_profile_id,
    {{ bcol(o, 'o', 'client_profile_data__first_name') }} as customer_first_name,
    {{ bcol(o, 'o', 'client_profile_data__last_name') }} as customer_last_name,
    {{ dbt.safe_cast(bcol(o, 'o', 'client_profile_data__document'), dbt.type_string()) }} as customer_document,
    {{ dbt.safe_cast(bcol(o, 'o', 'client_profile_data__is_corporate'), dbt.type_boolean()) }} as customer_is_corporate,
    o._batch_id,
    o._row_id,
    cast(o._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    {{- bronze_rest(o, 'o', used, ['quality_flags', 'created_at', 'last_change_at', 'authorized_at', 'invoiced_at', 'total_value',
        'items_total', 'discounts_total', 'shipping_total', 'tax_total', 'item_lines', 'item_quantity',
        'currency_code', 'customer_email', 'user_profile_id', 'customer_first_name', 'customer_last_name',
        'customer_document', 'customer_is_corporate']) }}
from {{ source('bronze', 'orders') }} as o
left join totals as t on t._root_id = o._row_id
left join items as i on i._root_id = o._row_id
{%- set keep = [] %}
{%- if since %}{% do keep.append('o._loaded_at > ' ~ since) %}{% endif %}
{%- if roots %}{% do keep.append('o._row_id in (select _row_id from ' ~ roots ~ ')') %}{% endif %}
{%- if keep %}
where {{ keep | join('\n  and ') }}
{%- endif %}
{%- endmacro %}
