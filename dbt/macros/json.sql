{#- JSON access on both engines. Bronze keeps each record's original JSON
    (a JSON or string column); paths are JSONPath ($.a.b). -#}

{#- A scalar at path as a string (numbers and booleans as their text); null
    when absent or JSON null. -#}
{% macro json_str(col, path) -%}
  {{ return(adapter.dispatch('json_str', 'vtex_pipes')(col, path)) }}
{%- endmacro %}
{% macro default__json_str(col, path) -%}
  json_extract_string({{ col }}, '{{ path }}')
{%- endmacro %}
{% macro bigquery__json_str(col, path) -%}
  json_value({{ col }}, '{{ path }}')
{%- endmacro %}

{#- A join that yields one row per element of the JSON array at path:
    `name` is the element (JSON) and json_array_pos(name) its 0-based position.
    Rows whose array is absent or empty yield nothing (inner join). -#}
{% macro json_array_join(col, path, name) -%}
  {{ return(adapter.dispatch('json_array_join', 'vtex_pipes')(col, path, name)) }}
{%- endmacro %}
{% macro default__json_array_join(col, path, name) -%}
  cross join unnest(json_extract({{ col }}, '{{ path }}[*]')) with ordinality as _{{ name }}({{ name }}, {{ name }}_ord)
{%- endmacro %}
{% macro bigquery__json_array_join(col, path, name) -%}
  cross join unnest(json_query_array({{ col }}, '{{ path }}')) as {{ name }} with offset as {{ name }}_pos
{%- endmacro %}

{% macro json_array_pos(name) -%}
  {{ return(adapter.dispatch('json_array_pos', 'vtex_pipes')(name)) }}
{%- endmacro %}
{% macro default__json_array_pos(name) -%}
  cast({{ name }}_ord - 1 as {{ dbt.type_int() }})
{%- endmacro %}
{% macro bigquery__json_array_pos(name) -%}
  {{ name }}_pos
{%- endmacro %}
