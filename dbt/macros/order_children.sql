{#- The orders whose child rows (items, payments) an incremental run rebuilds:
    every current order created on a day that has an order whose chosen
    version is newer than this model's rows, or that is named by `extra_sql`
    (a query of order_ids). See order_child_config for why whole days. -#}
{% macro order_child_scope(extra_sql=none) -%}
{%- if is_incremental() -%}
select o.* from {{ ref('orders') }} as o
where cast(o.created_at as date) in (
    select cast(created_at as date) from {{ ref('orders') }}
    where _source_loaded_at > {{ incremental_watermark() }}
    {%- if extra_sql %}
       or order_id in ({{ extra_sql }})
    {%- endif %}
)
{%- else -%}
select o.* from {{ ref('orders') }} as o
{%- endif -%}
{%- endmacro %}
