{#- Models go to the schema (DuckDB) or dataset (BigQuery) named in
    dbt_project.yml as is (silver, gold), not "<target schema>_silver". -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
