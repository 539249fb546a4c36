-- Every bronze order row (all versions, repeats included), typed. A view, so
-- gold.orders_current sees a row as soon as it lands.
{%- set raw = var('bronze_raw_column') %}
with rows as (
    select
        _batch_id,
        _row_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        {{ raw }} as raw
    from {{ source('bronze', 'orders__raw') }}
),
totals as (
    -- totals[] = [{id: Items|Discounts|Shipping|Tax, value: cents}, ...]
    select
        _batch_id,
        _row_id,
        max(case when {{ json_str('t', '$.id') }} = 'Items' then {{ cents_to_units(json_str('t', '$.value')) }} end) as items_total,
        max(case when {{ json_str('t', '$.id') }} = 'Discounts' then {{ cents_to_units(json_str('t', '$.value')) }} end) as discounts_total,
        max(case when {{ json_str('t', '$.id') }} = 'Shipping' then {{ cents_to_units(json_str('t', '$.value')) }} end) as shipping_total,
        max(case when {{ json_str('t', '$.id') }} = 'Tax' then {{ cents_to_units(json_str('t', '$.value')) }} end) as tax_total
    from rows
    {{ json_array_join('rows.raw', '$.totals', 't') }}
    group by _batch_id, _row_id
),
items as (
    select
        _batch_id,
        _row_id,
        count(*) as item_lines,
        sum({{ dbt.safe_cast(json_str('i', '$.quantity'), dbt.type_bigint()) }}) as item_quantity
    from rows
    {{ json_array_join('rows.raw', '$.items', 'i') }}
    group by _batch_id, _row_id
)
select
    {{ json_str('r.raw', '$.orderId') }} as order_id,
    {{ json_str('r.raw', '$.sequence') }} as sequence,
    {{ json_str('r.raw', '$.status') }} as status,
    -- the flagging rules of the quality gate the record broke (ndjson-validate --flags-field)
    {{ json_str('r.raw', '$._quality_flags') }} as quality_flags,
    {{ json_str('r.raw', '$.origin') }} as origin,
    {{ json_str('r.raw', '$.salesChannel') }} as sales_channel,
    {{ json_str('r.raw', '$.affiliateId') }} as affiliate_id,
    {{ dbt.safe_cast(json_str('r.raw', '$.isCompleted'), dbt.type_boolean()) }} as is_completed,
    {{ vtex_timestamp(json_str('r.raw', '$.creationDate')) }} as created_at,
    {{ vtex_timestamp(json_str('r.raw', '$.lastChange')) }} as last_change_at,
    {{ vtex_timestamp(json_str('r.raw', '$.authorizedDate')) }} as authorized_at,
    {{ vtex_timestamp(json_str('r.raw', '$.invoicedDate')) }} as invoiced_at,
    {{ cents_to_units(json_str('r.raw', '$.value')) }} as total_value,
    t.items_total,
    t.discounts_total,
    t.shipping_total,
    t.tax_total,
    coalesce(i.item_lines, 0) as item_lines,
    coalesce(i.item_quantity, 0) as item_quantity,
    {{ json_str('r.raw', '$.storePreferencesData.currencyCode') }} as currency_code,
    lower(trim({{ json_str('r.raw', '$.clientProfileData.email') }})) as customer_email,
    {{ json_str('r.raw', '$.clientProfileData.userProfileId') }} as user_profile_id,
    {{ json_str('r.raw', '$.clientProfileData.firstName') }} as customer_first_name,
    {{ json_str('r.raw', '$.clientProfileData.lastName') }} as customer_last_name,
    {{ json_str('r.raw', '$.clientProfileData.document') }} as customer_document,
    {{ dbt.safe_cast(json_str('r.raw', '$.clientProfileData.isCorporate'), dbt.type_boolean()) }} as customer_is_corporate,
    r._batch_id,
    r._row_id,
    r._loaded_at
from rows as r
left join totals as t on t._batch_id = r._batch_id and t._row_id = r._row_id
left join items as i on i._batch_id = r._batch_id and i._row_id = r._row_id
