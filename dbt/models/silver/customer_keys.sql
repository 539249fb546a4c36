{{ config(**with_kms_key({'materialized': 'table'})) }}
-- A table, not ephemeral: gold.orders_current, a view, joins it on every
-- query, which then grouped all of silver.customers twice (100 ms a query).
-- How orders find their customer: (match_type, match_value) -> customer_id,
-- one customer per value (the smallest id when several share it).
select 'user_id' as match_type, user_id as match_value, min(customer_id) as customer_id
from {{ ref('customers') }}
where user_id is not null
group by user_id
union all
select 'email' as match_type, email as match_value, min(customer_id) as customer_id
from {{ ref('customers') }}
where email_is_valid
group by email
