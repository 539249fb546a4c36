{#- BigQuery cannot be reached offline, and is_incremental() asks the
    warehouse whether the model exists. With var offline_compile set to
    'full' or 'incremental', `dbt compile --no-introspect` renders either
    branch of every model without a connection (tests/dbt). Unset, this is
    dbt's own is_incremental(). -#}
{% macro is_incremental() %}
  {%- if var('offline_compile', none) is not none -%}
    {{ return(var('offline_compile') == 'incremental') }}
  {%- endif -%}
  {{ return(dbt.is_incremental()) }}
{% endmacro %}
