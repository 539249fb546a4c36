-- Every bronze Master Data CL row (all versions), typed. The version of a
-- document is updatedIn, or createdIn while it was never updated.
{%- set raw = var('bronze_raw_column') %}
with rows as (
    select
        {{ json_str(raw, '$.id') }} as customer_id,
        {{ json_str(raw, '$.email') }} as email_raw,
        lower(trim({{ json_str(raw, '$.email') }})) as email,
        {{ json_str(raw, '$.firstName') }} as first_name,
        {{ json_str(raw, '$.lastName') }} as last_name,
        {{ json_str(raw, '$.document') }} as document,
        {{ json_str(raw, '$.phone') }} as phone,
        {{ json_str(raw, '$.userId') }} as user_id,
        {{ json_str(raw, '$._quality_flags') }} as quality_flags,
        {{ dbt.safe_cast(json_str(raw, '$.isNewsletterOptIn'), dbt.type_boolean()) }} as is_newsletter_opt_in,
        {{ vtex_timestamp(json_str(raw, '$.createdIn')) }} as created_at,
        {{ vtex_timestamp(json_str(raw, '$.updatedIn')) }} as updated_at,
        _batch_id,
        _row_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from {{ source('bronze', 'clients__raw') }}
)
select
    *,
    coalesce(updated_at, created_at) as version_at,
    {{ is_valid_email('email') }} as email_is_valid
from rows
