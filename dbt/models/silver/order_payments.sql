{{ config(**order_child_config()) }}
-- The payments of each order's latest version (paymentData.transactions[]
-- .payments[]), money in currency units. An incremental run rebuilds the
-- days of the orders whose version it does not hold, keeping its payments
-- of the others there and reading bronze's for those
-- (macros/order_children.sql).
{%- set columns = ['order_id', 'transaction_index', 'payment_index', 'transaction_id', 'transaction_is_active',
    'payment_id', 'payment_system', 'payment_system_name', 'payment_group', 'value', 'reference_value', 'installments'] %}
with
{{ order_child_ctes() }}
payments as (
    {%- if is_incremental() %}
    select {% for c in columns %}p.{{ c }}, {% endfor %}scope.created_at, scope._source_loaded_at
    from {{ this }} as p
    join scope on {{ order_child_kept('p', 'scope') }}
    union all
    {%- endif %}
    select {% for c in columns %}p.{{ c }}, {% endfor %}scope.created_at, scope._source_loaded_at
    from ({{ order_payment_rows(roots='select _source_row_id from missing', since=order_child_since())
             if is_incremental() else order_payment_rows() }}) as p
    join scope on scope._source_row_id = p._root_id
)
select
    {% for c in columns %}{{ c }},
    {% endfor -%}
    created_at as order_created_at,
    cast(created_at as date) as order_created_date,
    _source_loaded_at
from payments
