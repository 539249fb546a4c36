{#- Incremental helpers shared by the silver and gold models. -#}

{#- The bronze load time from which an incremental run re-reads: the newest
    `column` already in this model, minus the lookback (batches may commit
    out of order); the epoch when the model is empty. -#}
{% macro incremental_watermark(column='_source_loaded_at') -%}
  {{ return(hours_before_newest(this, column, var('incremental_lookback_hours'))) }}
{%- endmacro %}

{#- A scalar subquery: the newest `column` of `relation` minus `hours`; the
    epoch when the relation is empty. -#}
{% macro hours_before_newest(relation, column, hours) -%}
  (select coalesce({{ hours_before('max(' ~ column ~ ')', hours) }}, cast('1970-01-01 00:00:00' as {{ dbt.type_timestamp() }})) from {{ relation }})
{%- endmacro %}

{#- The same watermark as a constant, read from the model before the run. -#}
{% macro incremental_since(column='_source_loaded_at') -%}
  {{ return(timestamp_at_run(incremental_watermark(column))) }}
{%- endmacro %}

{#- The timestamp a scalar subquery `query` (in parentheses) returns, as a
    constant read when the model runs: BigQuery prunes bronze's load-day
    partitions by constant filters only, and DuckDB skips row groups by their
    zone maps surely only then. Other commands than run and build (compile,
    show) and offline compiles keep the subquery: what it reads may not exist
    yet. -#}
{% macro timestamp_at_run(query) -%}
  {%- if not execute or var('offline_compile', none) is not none or flags.WHICH not in ('run', 'build') -%}
    {{ return(query) }}
  {%- endif -%}
  {%- set v = run_query(query[1:-1]).columns[0].values()[0] -%}
  {{ return("cast('" ~ v.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{% macro hours_before(ts, hours) -%}
  {{ return(adapter.dispatch('hours_before', 'vtex_pipes')(ts, hours)) }}
{%- endmacro %}
{% macro default__hours_before(ts, hours) -%}
  ({{ ts }} - interval '{{ hours }} hours')
{%- endmacro %}
{% macro bigquery__hours_before(ts, hours) -%}
  timestamp_sub({{ ts }}, interval {{ hours }} hour)
{%- endmacro %}

{% macro minutes_before(ts, minutes) -%}
  {{ return(adapter.dispatch('minutes_before', 'vtex_pipes')(ts, minutes)) }}
{%- endmacro %}
{% macro default__minutes_before(ts, minutes) -%}
  ({{ ts }} - interval '{{ minutes }} minutes')
{%- endmacro %}
{% macro bigquery__minutes_before(ts, minutes) -%}
  timestamp_sub({{ ts }}, interval {{ minutes }} minute)
{%- endmacro %}

{#- Tables rebuilt a whole UTC day of order creation at a time (an order's
    creation day never changes): silver's child tables of an order (items,
    payments: an order's new version may have fewer children, and merge
    cannot delete them) and gold's per-day aggregates. BigQuery overwrites
    the day partitions; DuckDB deletes the days' rows and inserts. Either
    replaces only the days the new rows hold: the model selects every row of
    each day it touches (changed_order_days). -#}
{% macro by_day_config(field, cluster_by) -%}
  {%- if target.type == 'bigquery' -%}
    {{ return(with_kms_key({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
               'partition_by': {'field': field, 'data_type': 'date'},
               'cluster_by': cluster_by, 'on_schema_change': 'fail'})) }}
  {%- else -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
               'unique_key': field, 'on_schema_change': 'fail'}) }}
  {%- endif -%}
{%- endmacro %}
{#- The child tables of an order also drop, after an incremental run, the
    day marker rows order_child_rows adds (null order_id). -#}
{% macro order_child_config() -%}
  {%- set c = by_day_config('order_created_date', ['order_id']) -%}
  {%- do c.update({'post_hook': ["{% if is_incremental() %}delete from {{ this }} where order_id is null{% endif %}"]}) -%}
  {{ return(c) }}
{%- endmacro %}

{#- The creation days (UTC) of the silver orders that changed since this
    model's watermark (a new version, whatever its status): the days an
    incremental run of a by-day model rebuilds. -#}
{% macro changed_order_days() -%}
select cast(created_at as date) from {{ ref('orders') }}
where _source_loaded_at > {{ incremental_watermark() }}
{%- endmacro %}

{#- One row per key: merge on both engines (DuckDB >= 1.4 has MERGE). -#}
{% macro keyed_config(key, partition_field=none) -%}
  {%- set cfg = {'materialized': 'incremental', 'incremental_strategy': 'merge',
                 'unique_key': key, 'on_schema_change': 'fail'} -%}
  {%- if target.type == 'bigquery' and partition_field -%}
    {%- do cfg.update({'partition_by': {'field': partition_field, 'data_type': 'timestamp', 'granularity': 'day'},
                       'cluster_by': [key]}) -%}
  {%- endif -%}
  {{ return(with_kms_key(cfg)) }}
{%- endmacro %}

{#- A table's config with the customer-managed key of BigQuery tables, as
    bronze has it (BQ_LOAD_KMS_KEY, bq-load --kms-key): silver and gold are
    created under the same key when one is set. -#}
{% macro with_kms_key(cfg) -%}
  {%- set key = env_var('BQ_LOAD_KMS_KEY', '') -%}
  {%- if target.type == 'bigquery' and key -%}
    {%- do cfg.update({'kms_key_name': key}) -%}
  {%- endif -%}
  {{ return(cfg) }}
{%- endmacro %}

{#- Reference time for "days since" metrics: var as_of, else the environment's
    VP_AS_OF (the dbt flow's "now": an environment variable, unlike a var,
    leaves dbt's partial parsing in place when it changes from run to run,
    where a new --vars made every run parse the whole project again), else
    now (UTC). -#}
{% macro as_of_value() -%}
  {{ return(var('as_of') or env_var('VP_AS_OF', '')) }}
{%- endmacro %}
{% macro as_of() -%}
  {{ return(adapter.dispatch('as_of', 'vtex_pipes')()) }}
{%- endmacro %}
{% macro default__as_of() -%}
  {%- set v = as_of_value() -%}
  {%- if v -%} cast('{{ v }}' as timestamp)
  {%- else -%} cast(current_timestamp at time zone 'UTC' as timestamp) {%- endif -%}
{%- endmacro %}
{% macro bigquery__as_of() -%}
  {%- set v = as_of_value() -%}
  {%- if v -%} timestamp('{{ v }}')
  {%- else -%} current_timestamp() {%- endif -%}
{%- endmacro %}

{#- Where gold.orders_current's bronze window starts: silver.orders' newest
    source row minus var current_lookback_minutes (a batch may commit that
    long after its _loaded_at), as a constant of the run that built silver
    (the view and orders_current_settled are built right after it). -#}
{% macro orders_current_since() -%}
  {{ return(timestamp_at_run('(select coalesce(' ~ minutes_before('max(_source_loaded_at)', var('current_lookback_minutes'))
                              ~ ", cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ')) from ' ~ ref('orders') ~ ')')) }}
{%- endmacro %}

{#- On DuckDB, an index on `column` of the model built (a post_hook, rendered
    when it runs): a lookup of one key (gold.orders_current by order_id) reads
    the index, not the whole column. BigQuery clusters keyed models by their
    key instead. -#}
{% macro lookup_index(column) -%}
  {%- if target.type == 'bigquery' -%} {{ return([]) }} {%- endif -%}
  {{ return(['create index if not exists ' ~ model.name ~ '_' ~ column ~ ' on {{ this }} (' ~ column ~ ')']) }}
{%- endmacro %}

{#- The orders whose part of gold.customer_360 may have changed since `since`
    (a load time): a new version (status, values, buyer), or a new customer
    match. A match changes only when a customer gains or loses the matching
    userId or e-mail (silver.customer_keys), and then the order's new
    customer or its old one has a new version: so the orders now matched to
    a customer that changed, and those that ever counted for one
    (customer_order_keys, `keys`). -#}
{% macro changed_customer_orders(keys, since) -%}
{%- set changed_customers -%}
    select customer_id from {{ ref('customers') }} where _source_loaded_at > {{ since }}
{%- endset -%}
select order_id from {{ ref('orders') }}
where _source_loaded_at > {{ since }}
   or customer_id in ({{ changed_customers }})
union all
select order_id from {{ keys }}
where customer_key in ({{ changed_customers }})
{%- endmacro %}
