-- Every payment of every bronze order version, once (macros/bronze.sql:
-- first_copy), typed; money in units (bronze
-- orders__payment_data__transactions and its __payments). _root_id is the
-- order version's _row_id.
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
from {{ first_copy(bronze_from('orders__payment_data__transactions__payments', p, ['_row_id', '_parent_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx'] + used) ~ ' as x') }} as p
join {{ first_copy(bronze_from('orders__payment_data__transactions', tx, ['_row_id', '_batch_id', '_loaded_at', '_idx', 'transaction_id', 'is_active']) ~ ' as x') }} as tx
    on tx._row_id = p._parent_row_id
join (select distinct _row_id, order_id from {{ source('bronze', 'orders') }}) as o on o._row_id = p._root_id
