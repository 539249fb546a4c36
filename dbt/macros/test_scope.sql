{#- What the data tests of a run check. After --full-refresh, or with var
    full_tests true (`dbt build --vars '{full_tests: true}'`, or dbt test),
    every row. Otherwise the rows an incremental run can have written: those
    loaded (_source_loaded_at; bronze: _loaded_at) within var
    test_recent_hours of the newest row the model holds. That covers every
    row the run changed while dbt runs more often than test_recent_hours
    minus incremental_lookback_hours (the flows run it every few minutes);
    a full check at least daily (scripts/flows/dbt; README: Tests) covers
    the rest. Tables
    rebuilt whole each run (one row per SKU, per customer) are small and are
    checked whole. -#}
{% macro truthy(value) -%}
  {{ return(value in [true, 'true', 'True', 'TRUE', 1, '1', 'yes']) }}
{%- endmacro %}

{% macro full_tests() -%}
  {{ return(flags.FULL_REFRESH or truthy(var('full_tests', false)) or flags.WHICH == 'test') }}
{%- endmacro %}

{#- The load time after which `relation`'s rows are checked (see above), a
    constant read when the test runs (timestamp_at_run: zone maps and
    partitions prune by it, and a view's filter goes down into it). -#}
{% macro recent_since(relation, column) -%}
  {{ return(timestamp_at_run(hours_before_newest(relation, column, var('test_recent_hours')))) }}
{%- endmacro %}

{#- A predicate on `relation`'s rows (alias `alias`, when given): true for
    the rows to check, by their load time `column`, counted back from the
    newest `newest_column` of `newest_of` (default: `relation`, `column`). -#}
{% macro recent_rows(relation, column, alias=none, newest_of=none, newest_column=none) -%}
  {%- if full_tests() -%}
    {{ return('true') }}
  {%- endif -%}
  {{ return((alias ~ '.' if alias else '') ~ column ~ ' > '
            ~ recent_since(newest_of or relation, newest_column or column)) }}
{%- endmacro %}

{#- A predicate on a customer_key column: the customers whose
    gold.customer_360 row a recent change can have touched (the orders of
    changed_customer_orders since the recent cutoff, every key they counted
    for, and the customers loaded since). -#}
{% macro recent_customer_keys(column) -%}
  {%- if full_tests() -%}
    {{ return('true') }}
  {%- endif -%}
  {%- set since = recent_since(ref('orders'), '_source_loaded_at') -%}
  {%- set keys -%}
    {{ column }} in (
        select customer_key from {{ ref('customer_order_keys') }}
        where order_id in ({{ changed_customer_orders(ref('customer_order_keys'), since) }})
        union all
        select customer_id from {{ ref('customers') }} where _source_loaded_at > {{ since }})
  {%- endset -%}
  {{ return(keys) }}
{%- endmacro %}

{#- How a generic test's rows are scoped: none (every row), or the arguments
    of recent_rows after the relation: by meta recent_column of the model or
    source (and meta recent_newest_of, a model whose newest
    _source_loaded_at counts instead of the relation's own newest: a view's
    is costly to find), else _source_loaded_at on an incremental model,
    _loaded_at on a bronze table. -#}
{% macro test_recent_scope(test_node) -%}
  {%- set id = test_node.attached_node or test_node.depends_on.nodes[0] -%}
  {%- set node = graph.sources.get(id) if id.startswith('source.') else graph.nodes.get(id) -%}
  {%- if not node -%}
    {{ return(none) }}
  {%- elif node.config.meta.recent_column -%}
    {%- set of = node.config.meta.recent_newest_of -%}
    {%- set other = graph.nodes.get('model.' ~ project_name ~ '.' ~ of) if of else none -%}
    {%- if other -%}
      {{ return({'column': node.config.meta.recent_column, 'newest_column': '_source_loaded_at',
                 'newest_of': api.Relation.create(database=other.database, schema=other.schema, identifier=other.alias)}) }}
    {%- endif -%}
    {{ return({'column': node.config.meta.recent_column}) }}
  {%- elif node.resource_type == 'source' -%}
    {{ return({'column': '_loaded_at'}) }}
  {%- elif node.config.materialized == 'incremental' -%}
    {{ return({'column': '_source_loaded_at'}) }}
  {%- endif -%}
  {{ return(none) }}
{%- endmacro %}

{#- dbt's generic tests read their model through this macro (with the
    test's `where` config). In an incremental run it keeps the recent rows
    (recent_rows); for unique and unique_combination, the rows that share
    their key with a recent row, so a new key is checked against the whole
    table, not only against the other new ones. -#}
{% macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where', '') or 'true' -%}
  {%- set scope = test_recent_scope(model) if execute and model.test_metadata else none -%}
  {%- if scope and not full_tests() -%}
    {%- set test = model.test_metadata -%}
    {%- set recent = recent_rows(relation, scope.column, 't', scope.newest_of, scope.newest_column) -%}
    {%- if test.name in ['unique', 'unique_combination'] -%}
      {%- set keys = [test.kwargs.column_name] if test.name == 'unique' else test.kwargs.columns -%}
      {%- set recent -%}
        exists (select 1 from {{ relation }} as r
                where {{ recent_rows(relation, scope.column, 'r', scope.newest_of, scope.newest_column) }}
                {%- for k in keys %} and r.{{ k }} is not distinct from t.{{ k }}{% endfor %})
      {%- endset -%}
    {%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' as t where (' ~ where ~ ') and ' ~ recent ~ ') dbt_subquery') }}
  {%- elif where != 'true' -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
  {%- endif -%}
  {{ return(relation) }}
{%- endmacro %}

{#- The creation days of the orders to check (recent_rows of silver.orders):
    a query of one column. -#}
{% macro recent_order_days() -%}
select distinct cast(o.created_at as date) from {{ ref('orders') }} as o
where {{ recent_rows(ref('orders'), '_source_loaded_at', 'o') }}
{%- endmacro %}
