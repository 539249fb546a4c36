-- Every payment of every bronze order row (all versions), typed; money in units.
{%- set raw = var('bronze_raw_column') %}
select
    {{ json_str('o.' ~ raw, '$.orderId') }} as order_id,
    {{ json_array_pos('tx') }} as transaction_index,
    {{ json_array_pos('p') }} as payment_index,
    {{ json_str('tx', '$.transactionId') }} as transaction_id,
    {{ dbt.safe_cast(json_str('tx', '$.isActive'), dbt.type_boolean()) }} as transaction_is_active,
    {{ json_str('p', '$.id') }} as payment_id,
    {{ json_str('p', '$.paymentSystem') }} as payment_system,
    {{ json_str('p', '$.paymentSystemName') }} as payment_system_name,
    {{ json_str('p', '$.group') }} as payment_group,
    {{ cents_to_units(json_str('p', '$.value')) }} as value,
    {{ cents_to_units(json_str('p', '$.referenceValue')) }} as reference_value,
    {{ dbt.safe_cast(json_str('p', '$.installments'), dbt.type_int()) }} as installments,
    o._batch_id,
    o._row_id
from {{ source('bronze', 'orders__raw') }} as o
{{ json_array_join('o.' ~ raw, '$.paymentData.transactions', 'tx') }}
{{ json_array_join('tx', '$.payments', 'p') }}
