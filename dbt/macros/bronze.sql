{#- Reading bronze's relational tables (ndjson-normalize's rows as bq-load
    typed them). bq-load creates a table when its first row arrives and a
    column when a field is first seen, so a table or a column the models use
    may not exist yet (no record had it) and new ones appear at any load.

    bronze_columns(table, required) -> the table's column names (lower case),
    or [] when the table does not exist. The build stops with a clear
    message when the table or one of the `required` columns is missing.
    Offline compiles (var offline_compile) and parsing cannot look: they
    assume every column is there (none). -#}
{% macro bronze_columns(table, required=[]) -%}
  {%- set rel = source('bronze', table) -%}
  {%- if not execute or var('offline_compile', none) is not none -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set name = rel.schema ~ '.' ~ rel.identifier -%}
  {%- set names = adapter.dispatch('bronze_column_names', 'vtex_pipes')(rel) -%}
  {%- if not names -%}
    {%- if required -%}
      {{ exceptions.raise_compiler_error("bronze table " ~ name ~ " does not exist: load its entity first (scripts/flows), or point BQ_BRONZE_DATASET/DUCKDB_PATH at the warehouse bq-load writes") }}
    {%- endif -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set missing = [] -%}
  {%- for c in required if c | lower not in names -%}{%- do missing.append(c) -%}{%- endfor -%}
  {%- if missing -%}
    {{ exceptions.raise_compiler_error("bronze table " ~ name ~ " lacks the column(s) " ~ missing | join(', ') ~ " that " ~ model.name ~ " needs (no loaded record had the field, or it was renamed); its columns: " ~ names | join(', ')) }}
  {%- endif -%}
  {{ return(names) }}
{%- endmacro %}

{#- A bronze table's column names, lower case; empty when the table does not
    exist. DuckDB asks its catalog: dbt's get_relation there reads a relation
    cache that two threads listing the same schema at once can leave empty
    (seen: "bronze.products does not exist" with the table there). -#}
{% macro default__bronze_column_names(rel) -%}
  {%- set r = run_query("select lower(column_name) from information_schema.columns where table_catalog = '" ~ rel.database ~ "' and table_schema = '" ~ rel.schema ~ "' and table_name = '" ~ rel.identifier ~ "' order by ordinal_position") -%}
  {{ return(r.columns[0].values() | list) }}
{%- endmacro %}
{% macro bigquery__bronze_column_names(rel) -%}
  {%- set found = adapter.get_relation(database=rel.database, schema=rel.schema, identifier=rel.identifier) -%}
  {{ return([] if found is none else adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{#- A column of a bronze table when it exists, else a typed NULL (a field no
    loaded record has had yet). `cols` is bronze_columns' answer. -#}
{% macro bcol(cols, alias, name, type=none) -%}
  {%- if cols is none or name in cols -%}
    {{ alias }}.{{ adapter.quote(name) if name in ['group'] else name }}
  {%- else -%}
    cast(null as {{ type or dbt.type_string() }})
  {%- endif -%}
{%- endmacro %}

{#- A bronze child table, or an empty one with the columns `names` (strings,
    but _loaded_at a timestamp: load-time filters compare it) when no record
    has had that array yet. -#}
{% macro bronze_from(table, cols, names) -%}
  {%- if cols is none or cols | length > 0 -%}
    {{ source('bronze', table) }}
  {%- else -%}
    (select {% for n in names %}cast(null as {{ dbt.type_timestamp() if n == '_loaded_at' else dbt.type_string() }}) as {{ adapter.quote(n) if n in ['group'] else n }}{{ ', ' if not loop.last }}{% endfor %} from (select 1 as one) as empty where 1 = 0)
  {%- endif -%}
{%- endmacro %}

{#- The bronze columns that no model names (`used`, plus the link columns):
    passed through staging as they are, so a field that appears later is in
    staging at the next run without a code change. Names the model already
    gives its own columns (`taken`) are left out. -#}
{% macro bronze_rest(cols, alias, used, taken=[]) -%}
  {%- if cols -%}
    {%- set skip = used + taken + ['_row_id', '_parent_row_id', '_root_id', '_idx', '_batch_id', '_loaded_at', '_table', '_copy'] -%}
    {%- for c in cols if c not in skip -%}
    , {{ alias }}.{{ adapter.quote(c) }}
    {%- endfor -%}
  {%- endif -%}
{%- endmacro %}

{#- One row per bronze row id: a version loaded twice (another batch, a
    re-run) has its rows twice, equal but for _batch_id and _loaded_at, and
    bq-load gives each table of a batch its own _batch_id. Children therefore
    join their order version by _root_id alone, through this; the first load
    wins. from_sql names its relation `x` (and may filter it). -#}
{% macro first_copy(from_sql) -%}
(select * from (
    select x.*, row_number() over (partition by x._row_id order by x._loaded_at, x._batch_id) as _copy
    from {{ from_sql }}
) as copies where _copy = 1)
{%- endmacro %}
