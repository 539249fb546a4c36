{{ config(**with_kms_key({'materialized': 'table'})) }}
-- The order versions in gold.orders_current's bronze window that
-- silver.orders already holds (its own version, by _row_id) or beats (by
-- latest_per_key's rule), found once per dbt run, right after silver, so the
-- view drops them by an anti-join on this small table instead of joining
-- every query's window to the whole of silver. Rows committed later are never
-- here, so they stay in the view's tail; silver only moves forward between
-- runs, so a version it held or beat stays held or beaten.
select o._row_id
from {{ source('bronze', 'orders') }} as o
join {{ ref('orders') }} as s on s.order_id = {{ dbt.safe_cast('o.order_id', dbt.type_string()) }}
where o._loaded_at > {{ orders_current_since() }}
  and (o._row_id = s._source_row_id
       or {{ version_wins('s.last_change_at', 's._source_loaded_at', 's._source_batch_id', 's._source_row_id',
                          vtex_timestamp('o.last_change'), 'cast(o._loaded_at as ' ~ dbt.type_timestamp() ~ ')',
                          'o._batch_id', 'o._row_id') }})
