{#- dbt's default safe_cast is a plain cast on DuckDB (it raises on bad data);
    BigQuery's is safe_cast. Make DuckDB match: bad values become null. -#}
{% macro duckdb__safe_cast(field, type) -%}
  try_cast({{ field }} as {{ type }})
{%- endmacro %}
