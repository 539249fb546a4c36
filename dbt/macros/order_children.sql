{#- The CTEs `scope` (the orders whose child rows, items or payments, this
    run builds) and, in an incremental run, `candidates` and `missing`.

    Incremental: the candidates are the current orders created on a day that
    has an order whose chosen version is newer than this model's watermark,
    or that is named by `extra_sql` (a query of order_ids). This model's rows
    of an order carry the _source_loaded_at of the version they came from
    (its first load, as silver's row has it), so a candidate whose rows here
    carry silver's is held already; the others are `missing` (_source_row_id,
    _source_loaded_at, created_at). Whole days are rebuilt (by_day_config:
    a new version may have fewer children, which a merge cannot delete), but
    only the days of a missing version or of an `extra_sql` order: a run
    re-reading its lookback rewrites nothing it holds. Of those days' orders,
    the held ones keep their rows here (order_child_kept) and the missing
    ones have their bronze rows read (in_roots), from the earliest load of a
    missing version on (order_child_since): each copy of a version is loaded
    with its child rows, so DuckDB skips older row groups by their zone maps
    and BigQuery older load-day partitions. The read grows with what changed,
    not with history (it read every child row of the history, 4 s of
    order_items' incremental run at 1,000,000 orders, and rewrote the
    lookback's days every run). -#}
{% macro order_child_ctes(extra_sql=none) -%}
{%- if is_incremental() -%}
candidates as (
    {{ order_child_candidates(extra_sql) }}
),
missing as (
    {{ order_child_missing('candidates') }}
),
scope as (
    select * from candidates
    where cast(created_at as date) in (
        select cast(created_at as date) from missing
        {%- if extra_sql %}
        union all
        select cast(created_at as date) from candidates where order_id in ({{ extra_sql }})
        {%- endif %}
    )
),
{%- else -%}
scope as (
    select o.* from {{ ref('orders') }} as o
),
{%- endif -%}
{%- endmacro %}

{% macro order_child_candidates(extra_sql=none) -%}
select o.* from {{ ref('orders') }} as o
where cast(o.created_at as date) in (
    {{ changed_order_days() }}
    {%- if extra_sql %}
       or order_id in ({{ extra_sql }})
    {%- endif %}
)
{%- endmacro %}

{% macro order_child_missing(candidates) -%}
select c._source_row_id, c._source_loaded_at, c.created_at from {{ candidates }} as c
where not exists (select 1 from {{ this }} as t where {{ order_child_kept('t', 'c') }})
{%- endmacro %}

{#- Whether row `rows` of this model belongs to the version of order `scope`. -#}
{% macro order_child_kept(rows, scope) -%}
{{ rows }}.order_id = {{ scope }}.order_id and {{ rows }}._source_loaded_at = {{ scope }}._source_loaded_at
{%- endmacro %}

{#- The earliest load of a missing version, a constant read when the model
    runs; with none missing, silver's newest load (the read finds nothing
    either way). -#}
{% macro order_child_since(extra_sql=none) -%}
  {{ return(timestamp_at_run('(select coalesce((select min(m._source_loaded_at) from ('
      ~ order_child_missing('(' ~ order_child_candidates(extra_sql) ~ ')') ~ ') as m), (select max(_source_loaded_at) from ' ~ ref('orders')
      ~ "), cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ')))')) }}
{%- endmacro %}

{#- The rows of a child model: in an incremental run, `columns` of its own
    rows of the scope's held orders, and of `bronze_rows` (a query with
    _root_id: order_item_rows or order_payment_rows, called with
    order_child_read's arguments) for the chosen versions; each with its
    order's created_at and _source_loaded_at. -#}
{% macro order_child_rows(columns, bronze_rows) -%}
    {%- if is_incremental() %}
    select {% for c in columns %}k.{{ c }}, {% endfor %}scope.created_at, scope._source_loaded_at
    from {{ this }} as k
    join scope on {{ order_child_kept('k', 'scope') }}
    union all
    {%- endif %}
    select {% for c in columns %}b.{{ c }}, {% endfor %}scope.created_at, scope._source_loaded_at
    from ({{ bronze_rows }}) as b
    join scope on scope._source_row_id = b._root_id
    {%- if is_incremental() %}
    {#- A marker row per rebuilt day (null order_id, deleted after the run:
        order_child_config): delete+insert and insert_overwrite replace only
        the days the new rows hold, so a day whose orders now have no child
        row at all would keep its old rows without it. #}
    union all
    select {% for c in columns %}null, {% endfor %}min(scope.created_at), null
    from scope
    group by cast(scope.created_at as date)
    {%- endif %}
{%- endmacro %}

{#- The arguments of order_item_rows / order_payment_rows: in an incremental
    run, the missing versions from their earliest load on. -#}
{% macro order_child_read(extra_sql=none) -%}
  {{ return({'roots': 'select _source_row_id from missing', 'since': order_child_since(extra_sql)} if is_incremental() else {}) }}
{%- endmacro %}

{#- A bronze child row (alias x) is read only for the order versions `roots`
    names (a query of their _row_id) and loaded at or after `since`, when
    given: the filters go inside first_copy, before its window over _row_id
    (a child's copies share their _root_id; a copy dropped by `since` is
    equal to one kept). -#}
{% macro in_roots(column, roots, since=none) -%}
  {%- if roots %} where {% if since %}x._loaded_at >= {{ since }} and {% endif %}{{ column }} in ({{ roots }}){% endif -%}
{%- endmacro %}

{#- Every item of every bronze order version, once (macros/bronze.sql:
    first_copy), typed; money in units. _root_id is the order version's
    _row_id (silver joins the chosen version by it). -#}
{% macro order_item_rows(roots=none, since=none) -%}
{%- set i = bronze_columns('orders__items') %}
{%- set used = ['id', 'product_id', 'unique_id', 'name', 'ref_id', 'ean', 'seller', 'quantity', 'price',
    'list_price', 'selling_price', 'is_gift', 'additional_info__brand_name', 'additional_info__categories_ids'] %}
select
    {{ dbt.safe_cast('o.order_id', dbt.type_string()) }} as order_id,
    {{ dbt.safe_cast('i._idx', dbt.type_int()) }} as item_index,
    {{ dbt.safe_cast(bcol(i, 'i', 'id'), dbt.type_string()) }} as sku_id,
    {{ dbt.safe_cast(bcol(i, 'i', 'product_id'), dbt.type_string()) }} as product_id,
    {{ bcol(i, 'i', 'unique_id') }} as unique_id,
    {{ bcol(i, 'i', 'name') }} as item_name,
    {{ dbt.safe_cast(bcol(i, 'i', 'ref_id'), dbt.type_string()) }} as ref_id,
    {{ dbt.safe_cast(bcol(i, 'i', 'ean'), dbt.type_string()) }} as ean,
    {{ dbt.safe_cast(bcol(i, 'i', 'seller'), dbt.type_string()) }} as seller_id,
    {{ dbt.safe_cast(bcol(i, 'i', 'quantity'), dbt.type_bigint()) }} as quantity,
    {{ cents_to_units(bcol(i, 'i', 'price')) }} as price,
    {{ cents_to_units(bcol(i, 'i', 'list_price')) }} as list_price,
    {{ cents_to_units(bcol(i, 'i', 'selling_price')) }} as selling_price,
    {{ dbt.safe_cast(bcol(i, 'i', 'is_gift'), dbt.type_boolean()) }} as is_gift,
    {{ bcol(i, 'i', 'additional_info__brand_name') }} as brand_name,
    {{ dbt.safe_cast(bcol(i, 'i', 'additional_info__categories_ids'), dbt.type_string()) }} as category_ids,
    i._root_id,
    i._row_id,
    cast(i._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    {{- bronze_rest(i, 'i', used, ['order_id', 'item_index', 'sku_id', 'item_name', 'seller_id', 'brand_name', 'category_ids']) }}
from {{ first_copy(bronze_from('orders__items', i, ['_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx'] + used) ~ ' as x' ~ in_roots('x._root_id', roots, since)) }} as i
join (select distinct _row_id, order_id from {{ source('bronze', 'orders') }} as x{{ in_roots('x._row_id', roots, since) }}) as o on o._row_id = i._root_id
{%- endmacro %}

{#- Every payment of every bronze order version, once (macros/bronze.sql:
    first_copy), typed; money in units (bronze
    orders__payment_data__transactions and its __payments). _root_id is the
    order version's _row_id. -#}
{% macro order_payment_rows(roots=none, since=none) -%}
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
from {{ first_copy(bronze_from('orders__payment_data__transactions__payments', p, ['_row_id', '_parent_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx'] + used) ~ ' as x' ~ in_roots('x._root_id', roots, since)) }} as p
join {{ first_copy(bronze_from('orders__payment_data__transactions', tx, ['_row_id', '_root_id', '_batch_id', '_loaded_at', '_idx', 'transaction_id', 'is_active']) ~ ' as x' ~ in_roots('x._root_id', roots, since)) }} as tx
    on tx._row_id = p._parent_row_id
join (select distinct _row_id, order_id from {{ source('bronze', 'orders') }} as x{{ in_roots('x._row_id', roots, since) }}) as o on o._row_id = p._root_id
{%- endmacro %}
