-- Every bronze Master Data CL row (all versions), typed (bronze clients). The
-- version of a document is updatedIn, or createdIn while it was never updated.
{%- set c = bronze_columns('clients', required=['id', '_row_id', '_batch_id', '_loaded_at']) %}
{%- set used = ['id', 'email', 'first_name', 'last_name', 'document', 'phone', 'user_id',
    'is_newsletter_opt_in', 'created_in', 'updated_in', '_quality_flags'] %}
with typed as (
    select
        {{ dbt.safe_cast('c.id', dbt.type_string()) }} as customer_id,
        {{ bcol(c, 'c', 'email') }} as email_raw,
        lower(trim({{ bcol(c, 'c', 'email') }})) as email,
        {{ bcol(c, 'c', 'first_name') }} as first_name,
        {{ bcol(c, 'c', 'last_name') }} as last_name,
        {{ dbt.safe_cast(bcol(c, 'c', 'document'), dbt.type_string()) }} as document,
        {{ dbt.safe_cast(bcol(c, 'c', 'phone'), dbt.type_string()) }} as phone,
        {{ dbt.safe_cast(bcol(c, 'c', 'user_id'), dbt.type_string()) }} as user_id,
        -- the flagging rules of the quality gate the record broke (ndjson-validate --flags-field)
        {{ bcol(c, 'c', '_quality_flags') }} as quality_flags,
        {{ dbt.safe_cast(bcol(c, 'c', 'is_newsletter_opt_in'), dbt.type_boolean()) }} as is_newsletter_opt_in,
        {{ vtex_timestamp(bcol(c, 'c', 'created_in')) }} as created_at,
        {{ vtex_timestamp(bcol(c, 'c', 'updated_in')) }} as updated_at,
        c._batch_id,
        c._row_id,
        cast(c._loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
        {{- bronze_rest(c, 'c', used, ['customer_id', 'email_raw', 'created_at', 'updated_at', 'version_at', 'email_is_valid']) }}
    from {{ source('bronze', 'clients') }} as c
)
select
    *,
    coalesce(updated_at, created_at) as version_at,
    {{ is_valid_email('email') }} as email_is_valid
from typed
