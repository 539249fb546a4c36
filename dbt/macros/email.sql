{#- E-mail check used by silver (the flag) and by the valid_email test: one
    pattern, applied to lower-cased addresses. -#}
{% macro email_pattern() -%}
  ^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$
{%- endmacro %}

{% macro is_valid_email(expr) -%}
  {{ return(adapter.dispatch('is_valid_email', 'vtex_pipes')(expr)) }}
{%- endmacro %}
{% macro default__is_valid_email(expr) -%}
  coalesce(regexp_full_match({{ expr }}, '{{ email_pattern() | replace("'", "''") }}'), false)
{%- endmacro %}
{% macro bigquery__is_valid_email(expr) -%}
  coalesce(regexp_contains({{ expr }}, r"""{{ email_pattern() }}"""), false)
{%- endmacro %}
