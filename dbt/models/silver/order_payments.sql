{{ config(**order_child_config()) }}
-- The payments of each order's latest version (paymentData.transactions[]
-- .payments[]), money in currency units.
with scope as (
    {{ order_child_scope() }}
)
select
    p.order_id,
    p.transaction_index,
    p.payment_index,
    p.transaction_id,
    p.transaction_is_active,
    p.payment_id,
    p.payment_system,
    p.payment_system_name,
    p.payment_group,
    p.value,
    p.reference_value,
    p.installments,
    scope.created_at as order_created_at,
    cast(scope.created_at as date) as order_created_date,
    scope._source_loaded_at
from scope
join ({{ order_payment_rows(roots='select _source_row_id from scope' if is_incremental() else none) }}) as p
    on p._root_id = scope._source_row_id
