{#- Typed values from VTEX's JSON text. -#}

{#- VTEX timestamps carry 0-7 fractional digits and a Z, an offset or no zone
    (then UTC). Both engines hold microseconds, so digits past the 6th are
    dropped; the result is a UTC timestamp. -#}
{% macro vtex_timestamp(expr) -%}
  {{ return(adapter.dispatch('vtex_timestamp', 'vtex_pipes')(expr)) }}
{%- endmacro %}
{% macro default__vtex_timestamp(expr) -%}
  cast(try_cast(regexp_replace({{ expr }}, '(\.[0-9]{6})[0-9]+', '\1') as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}
{% macro bigquery__vtex_timestamp(expr) -%}
  safe.timestamp(regexp_replace({{ expr }}, r'(\.[0-9]{6})[0-9]+', r'\1'))
{%- endmacro %}

{#- OMS money is integer cents; silver holds currency units, exactly. -#}
{% macro cents_to_units(expr) -%}
  {{ return(adapter.dispatch('cents_to_units', 'vtex_pipes')(expr)) }}
{%- endmacro %}
{% macro default__cents_to_units(expr) -%}
  (cast({{ dbt.safe_cast(expr, 'bigint') }} as decimal(18, 0)) * 0.01)
{%- endmacro %}
{% macro bigquery__cents_to_units(expr) -%}
  (cast(safe_cast({{ expr }} as int64) as numeric) / 100)
{%- endmacro %}

{#- Decimal currency units (Pricing API) as an exact decimal. -#}
{% macro money(expr) -%}
  {{ return(adapter.dispatch('money', 'vtex_pipes')(expr)) }}
{%- endmacro %}
{% macro default__money(expr) -%}
  {{ dbt.safe_cast(expr, 'decimal(18, 2)') }}
{%- endmacro %}
{% macro bigquery__money(expr) -%}
  round(safe_cast({{ expr }} as numeric), 2)
{%- endmacro %}

{#- amount / count rounded half up to cents, exactly (DuckDB divides decimals
    as doubles, so it divides whole cents as integers); null when count is 0. -#}
{% macro money_div(amount, count) -%}
  {{ return(adapter.dispatch('money_div', 'vtex_pipes')(amount, count)) }}
{%- endmacro %}
{% macro default__money_div(amount, count) -%}
  (cast((cast({{ amount }} * 100 as hugeint) * 2 + nullif({{ count }}, 0)) // (2 * nullif({{ count }}, 0)) as decimal(18, 0)) * 0.01)
{%- endmacro %}
{% macro bigquery__money_div(amount, count) -%}
  round(safe_divide({{ amount }}, nullif({{ count }}, 0)), 2)
{%- endmacro %}
