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
    {{ order_child_rows(columns, order_payment_rows(**order_child_read())) }}
)
select
    {% for c in columns %}{{ c }},
    {% endfor -%}
    created_at as order_created_at,
    cast(created_at as date) as order_created_date,
    _source_loaded_at
from payments
