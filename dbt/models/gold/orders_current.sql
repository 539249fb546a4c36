{{ config(materialized='view') }}
-- One row per order with its current status and values, fresh the moment a
-- row lands in bronze: silver.orders (as of the last dbt run) overlaid with
-- the order versions bronze received since (the tail). The tail is read
-- from bronze's relational tables for rows loaded after silver's newest row
-- minus var current_lookback_minutes (a batch committing that late after its
-- _loaded_at would be missed until the next dbt run), a constant the dbt run
-- writes into the view, so DuckDB's zone maps and BigQuery's load-day
-- partitions skip everything older; a tail version replaces silver's row
-- when it is newer by the same rule as silver (macros/latest.sql). Of the
-- window's orders rows, those silver already holds or beats are dropped by
-- an anti-join on orders_current_settled, found once per run, before any
-- child row is read: after a large load (a reconcile, a backfill) the window
-- holds every row it loaded, all of them in silver once dbt ran. So a query
-- reads silver (one row per order; one order by silver's index on order_id)
-- and bronze's newest rows only, never the whole history, and never joins
-- that window to all of silver.
{%- set since = orders_current_since() %}
with fresh_roots as (
    select o._row_id
    from {{ source('bronze', 'orders') }} as o
    where o._loaded_at > {{ since }}
      and o._row_id not in (select _row_id from {{ ref('orders_current_settled') }})
),
tail_versions as (
    {{ order_versions(since, roots='fresh_roots') }}
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
