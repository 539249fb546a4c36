-- Every item of every bronze order version, once (macros/bronze.sql:
-- first_copy), typed; money in units. _root_id is the order version's
-- _row_id (silver joins the chosen version by it).
{{ order_item_rows() }}
