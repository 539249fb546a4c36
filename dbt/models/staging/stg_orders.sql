-- Every bronze order row (all versions, repeats included), typed, from the
-- relational tables (macros/order_versions.sql). A view: what lands is here
-- at once.
{{ order_versions() }}
