-- Every payment of every bronze order version, once (macros/bronze.sql:
-- first_copy), typed; money in units (bronze
-- orders__payment_data__transactions and its __payments). _root_id is the
-- order version's _row_id.
{{ order_payment_rows() }}
