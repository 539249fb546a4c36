{{ config(**with_kms_key({'materialized': 'table'})) }}
-- Sellable SKUs: active, of an active product, with a price (currency units),
-- as the newest catalog fetch saw them, and listed in the latest complete
-- catalog run (bronze.catalog_runs, written by scripts/flows/catalog): a SKU
-- that left the catalog is no longer active. Before any run was marked
-- complete (no catalog_runs table yet), the newest fetch alone decides.
{%- set runs = source('bronze', 'catalog_runs') %}
{%- set have_runs = var('offline_compile', none) is not none or (execute and load_relation(runs) is not none) %}
{%- if have_runs %}
with latest_run as (
    select sku_ids from {{ runs }}
    order by _loaded_at desc, run_id desc
    limit 1
),
listed as (
    select distinct {{ json_str('s', '$') }} as sku_id
    from latest_run
    {{ json_array_join('latest_run.sku_ids', '$', 's') }}
)
{%- endif %}
select
    sku_id,
    product_id,
    sku_name,
    product_name,
    name_complete,
    product_ref_id,
    ref_id,
    ean,
    brand_id,
    brand_name,
    category_ids,
    is_product_visible,
    price,
    list_price,
    cost_price,
    _loaded_at as _source_loaded_at
from {{ ref('products_latest') }}
where is_active and coalesce(is_product_active, true) and price is not null
{%- if have_runs %}
    and sku_id in (select sku_id from listed)
{%- endif %}
