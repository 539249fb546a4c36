{#- Personal data in silver and gold (SECURITY.md). With var pii_hash true
    (default: true on the BigQuery target, false on DuckDB; VP_PII_HASH sets
    it), every personal field silver keeps (e-mails, documents (CPF/CNPJ),
    first and last names, phones) is kept only as a salted SHA-256 hash, 64
    hex digits: sha256(salt || value), the value as staging has it (e-mails
    lower-cased and trimmed); silver keeps no address. The salt is a secret from the
    environment variable VP_PII_SALT (at least 16 characters; the build stops
    without it). Equal values still hash equal, so orders still find their
    customer by e-mail and gold still counts per buyer; the values themselves
    are gone from silver and gold (bronze keeps what VTEX sent: restrict it).
    Turn it on (or change the salt) with a full refresh of silver, or old and
    new rows will not match. The salt is inlined in the compiled SQL: keep the
    dbt target and log directories private, as the salt itself. -#}
{% macro pii_hashing() -%}
  {{ return(truthy(var('pii_hash', false))) }}
{%- endmacro %}

{% macro pii(expr) -%}
  {%- if pii_hashing() -%}
    {%- set salt = env_var('VP_PII_SALT', '') -%}
    {%- if salt | length < 16 -%}
      {{ exceptions.raise_compiler_error("var pii_hash is on: set VP_PII_SALT to a secret of at least 16 characters") }}
    {%- endif -%}
    {{ return(adapter.dispatch('salted_hash', 'vtex_pipes')(expr, salt)) }}
  {%- else -%}
    {{ return(expr) }}
  {%- endif -%}
{%- endmacro %}

{#- NULL stays NULL on both engines. -#}
{% macro default__salted_hash(expr, salt) -%}
  sha256('{{ salt | replace("'", "''") }}' || {{ expr }})
{%- endmacro %}
{% macro bigquery__salted_hash(expr, salt) -%}
  to_hex(sha256(concat('{{ salt | replace("\\", "\\\\") | replace("'", "\\'") }}', {{ expr }})))
{%- endmacro %}

{#- Whether an e-mail is well-formed, when only its hash may be left: unknown
    (NULL) once hashed. -#}
{% macro email_flag(expr) -%}
  {%- if pii_hashing() -%} cast(null as {{ dbt.type_boolean() }}) {%- else -%} {{ is_valid_email(expr) }} {%- endif -%}
{%- endmacro %}
