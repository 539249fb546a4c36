{{ config(**keyed_config('customer_id')) }}
-- The latest version of each Master Data CL document; e-mail lower-cased and
-- flagged when it is not a valid address; e-mail, document, names and phone
-- kept only as salted hashes when var pii_hash is on (macros/pii.sql).
with candidates as (
    select * from {{ ref('stg_customers') }}
    {% if is_incremental() %}
    where customer_id in (
        select customer_id from {{ ref('stg_customers') }}
        where _loaded_at > {{ incremental_watermark() }}
    )
    {% endif %}
)
select
    customer_id,
    {{ pii('email') }} as email,
    email_is_valid,
    {{ pii('first_name') }} as first_name,
    {{ pii('last_name') }} as last_name,
    {{ pii('document') }} as document,
    {{ pii('phone') }} as phone,
    user_id,
    quality_flags,
    is_newsletter_opt_in,
    created_at,
    updated_at,
    _row_id as _source_row_id,
    _batch_id as _source_batch_id,
    _loaded_at as _source_loaded_at
from ({{ latest_per_key('candidates', 'customer_id', 'version_at') }}) as latest
