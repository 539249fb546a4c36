{{ config(**with_kms_key({'materialized': 'table'})) }}
-- The newest catalog row of each SKU (the catalog has no version field: the
-- last fetch wins). A table, ranked once per run: order_items (twice, and in
-- the query that bounds its bronze read), products_active and product_sales
-- read it.
select * from (
    select
        p.*,
        row_number() over (partition by p.sku_id order by p._loaded_at desc, p._batch_id desc, p._row_id) as _fetch_rank
    from {{ ref('stg_products') }} as p
    where p.sku_id is not null
) as ranked
where _fetch_rank = 1
