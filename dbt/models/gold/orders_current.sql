{{ config(materialized='view') }}
-- One row per order with its current status and values, fresh the moment a
-- row lands in bronze: silver.orders (as of the last dbt run) overlaid with
-- the order versions bronze received since (the tail). The tail is read
-- from bronze's relational tables for rows loaded after silver's newest row
-- minus var current_lookback_minutes (a batch committing that late after its
-- _loaded_at would be missed until the next dbt run); a tail version replaces
-- silver's row when it is newer by the same rule as silver (macros/latest.sql).
-- So a query reads silver (one row per order) and bronze's newest rows only,
-- never the whole history. Of those, the versions silver already holds or
-- beats are dropped on the orders rows alone (fresh_roots) before any child
-- row is read: after a large load (a reconcile, a backfill) the window holds
-- every row it loaded, all of them already in silver once dbt ran, and the
-- view would otherwise aggregate their children on every query. On BigQuery the tail also keeps to the last
-- var current_tail_days of load days (a constant filter, so the load-day
-- partitions prune): dbt must run at least that often (ARCHITECTURE.md).
{%- set since -%}
(select coalesce({{ minutes_before('max(_source_loaded_at)', var('current_lookback_minutes')) }},
                 cast('1970-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
 from {{ ref('orders') }})
{%- endset %}
with fresh_roots as (
    select o._row_id
    from {{ source('bronze', 'orders') }} as o
    left join {{ ref('orders') }} as s on s.order_id = {{ dbt.safe_cast('o.order_id', dbt.type_string()) }}
    where o._loaded_at > {{ since }}
    {%- if target.type == 'bigquery' %}
      and o._loaded_at >= timestamp_sub(current_timestamp(), interval {{ var('current_tail_days') }} day)
    {%- endif %}
      and (s.order_id is null
           -- silver's own version first: no timestamp to parse for those
           or o._row_id <> s._source_row_id and not {{ version_wins('s.last_change_at', 's._source_loaded_at', 's._source_batch_id', 's._source_row_id',
                                  vtex_timestamp('o.last_change'), 'cast(o._loaded_at as ' ~ dbt.type_timestamp() ~ ')',
                                  'o._batch_id', 'o._row_id') }})
),
tail_versions as (
    {{ order_versions(since, roots='fresh_roots') }}
    {%- if target.type == 'bigquery' %}
      and o._loaded_at >= timestamp_sub(current_timestamp(), interval {{ var('current_tail_days') }} day)
    {%- endif %}
),
tail as (
    {{ latest_per_key('tail_versions', 'order_id', 'last_change_at') }}
),
newer as (
    select tail.*
    from tail
    left join {{ ref('orders') }} as s on s.order_id = tail.order_id
    where s.order_id is null
       or not {{ version_wins('s.last_change_at', 's._source_loaded_at', 's._source_batch_id', 's._source_row_id',
                              'tail.last_change_at', 'tail._loaded_at', 'tail._batch_id', 'tail._row_id') }}
)
select
    newer.order_id,
    newer.status,
    newer.created_at,
    newer.last_change_at,
    newer.total_value,
    newer.items_total,
    newer.discounts_total,
    newer.shipping_total,
    newer.tax_total,
    newer.item_quantity,
    newer.currency_code,
    {{ pii('newer.customer_email') }} as customer_email,
    {{ order_customer_id() }} as customer_id,
    newer._loaded_at as loaded_at
from newer
{{ order_customer_joins('newer') }}
union all
select
    s.order_id,
    s.status,
    s.created_at,
    s.last_change_at,
    s.total_value,
    s.items_total,
    s.discounts_total,
    s.shipping_total,
    s.tax_total,
    s.item_quantity,
    s.currency_code,
    s.customer_email,
    s.customer_id,
    s._source_loaded_at as loaded_at
from {{ ref('orders') }} as s
where s.order_id not in (select order_id from newer)
