{#- The latest version of each key: rows of `relation` ranked per key by
    `order_by`; ties go to the first load, so re-loading a version changes
    nothing. -#}
{% macro latest_per_key(relation, key, version, where='true') -%}
select * from (
    select
        v.*,
        row_number() over (
            partition by v.{{ key }}
            order by v.{{ version }} desc nulls last, v._loaded_at, v._batch_id, v._row_id
        ) as _version_rank
    from {{ relation }} as v
    where v.{{ key }} is not null and ({{ where }})
) as ranked
where _version_rank = 1
{%- endmacro %}

{#- The customer of an order: the CL document whose userId is the order's
    userProfileId, else the one with the order's e-mail (valid e-mails only);
    the smallest id when several match. Needs the ref to customer_keys. -#}
{#- email_hashed: the orders' e-mails are silver's already (hashed when
    var pii_hash is on), not staging's. -#}
{% macro order_customer_joins(orders_alias, email_hashed=false) -%}
left join {{ ref('customer_keys') }} as by_user
    on by_user.match_type = 'user_id' and by_user.match_value = {{ orders_alias }}.user_profile_id
left join {{ ref('customer_keys') }} as by_email
    on by_email.match_type = 'email' and by_email.match_value = {{ orders_alias ~ '.customer_email' if email_hashed else pii(orders_alias ~ '.customer_email') }}
{%- endmacro %}
{% macro order_customer_id() -%} coalesce(by_user.customer_id, by_email.customer_id) {%- endmacro %}
{% macro order_customer_match() -%}
case when by_user.customer_id is not null then 'user_id' when by_email.customer_id is not null then 'email' end
{%- endmacro %}

{#- The customer an order counts for in gold.customer_360: its customer, else
    its buyer by userProfileId, else by e-mail. -#}
{% macro order_customer_key(orders_alias) -%}
coalesce({{ orders_alias }}.customer_id,
         {{ dbt.concat(["'profile:'", orders_alias ~ '.user_profile_id']) }},
         {{ dbt.concat(["'email:'", orders_alias ~ '.customer_email']) }})
{%- endmacro %}

{#- Whether version a wins over version b by latest_per_key's rule: the
    later version (a null version loses), then the first load. -#}
{% macro version_wins(a_version, a_loaded, a_batch, a_row, b_version, b_loaded, b_batch, b_row) -%}
(case
    when {{ a_version }} is null and {{ b_version }} is not null then false
    when {{ b_version }} is null and {{ a_version }} is not null then true
    when {{ a_version }} <> {{ b_version }} then {{ a_version }} > {{ b_version }}
    when {{ a_loaded }} <> {{ b_loaded }} then {{ a_loaded }} < {{ b_loaded }}
    when {{ a_batch }} <> {{ b_batch }} then {{ a_batch }} < {{ b_batch }}
    else {{ a_row }} <= {{ b_row }}
end)
{%- endmacro %}
