{#- JSON access on both engines, for the one JSON value a model reads:
    bronze.catalog_runs.sku_ids, the array of SKU ids a complete catalog run
    listed (silver.products_active). Paths are JSONPath ($, $.a.b). -#}

{#- A scalar at path as a string; null when absent or JSON null. -#}
{% macro json_str(col, path) -%}
  {{ return(adapter.dispatch('json_str', 'vtex_pipes')(col, path)) }}
{%- endmacro %}
{% macro default__json_str(col, path) -%}
  json_extract_string({{ col }}, '{{ path }}')
{%- endmacro %}
{% macro bigquery__json_str(col, path) -%}
  json_value({{ col }}, '{{ path }}')
{%- endmacro %}

{#- A join that yields one row per element (`name`, JSON) of the array at
    path; rows whose array is absent or empty yield nothing. -#}
{% macro json_array_join(col, path, name) -%}
  {{ return(adapter.dispatch('json_array_join', 'vtex_pipes')(col, path, name)) }}
{%- endmacro %}
{% macro default__json_array_join(col, path, name) -%}
  cross join unnest(json_extract({{ col }}, '{{ path }}[*]')) as _{{ name }}({{ name }})
{%- endmacro %}
{% macro bigquery__json_array_join(col, path, name) -%}
  cross join unnest(json_query_array({{ col }}, '{{ path }}')) as {{ name }}
{%- endmacro %}
