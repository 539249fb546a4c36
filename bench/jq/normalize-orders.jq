# What ndjson-normalize --entity order does, written in jq for the benchmark:
# each order is a row of "orders"; nested objects become columns a__b; every
# non-empty array becomes rows of the child table <table>__<field> (elements
# that are not objects as {"value": ...}); keys are snake_cased; every row has
# _table, _row_id, _parent_row_id, _root_id, _idx. jq has no hash function, so
# row ids are readable paths (orderId@lastChange/field/index) instead of XXH3.
# Run: jq -c -f bench/jq/normalize-orders.jq orders.ndjson
def snake:
  gsub("(?<a>[a-z0-9])(?<b>[A-Z])"; "\(.a)_\(.b)")
  | gsub("(?<a>[A-Z])(?<b>[A-Z][a-z])"; "\(.a)_\(.b)")
  | ascii_downcase | gsub("[^a-z0-9]+"; "_");

# {cols, arrays} of one row: scalar columns, and the arrays met in it.
def walkrow($prefix):
  reduce to_entries[] as $e ({cols: {}, arrays: []};
    ($prefix + ($e.key | snake)) as $k
    | ($e.value | type) as $t
    | if $t == "object" then ($e.value | walkrow($k + "__")) as $sub
        | .cols += $sub.cols | .arrays += $sub.arrays
      elif $t == "array" then (if ($e.value | length) > 0 then .arrays += [[$k, $e.value]] else . end)
      else .cols[$k] = $e.value end);

def rows($table; $id; $parent; $root; $idx):
  (if type == "object" then . else {value: .} end) | walkrow("") as $r
  | ({_table: $table, _row_id: $id, _parent_row_id: $parent, _root_id: $root, _idx: $idx} + $r.cols),
    ($r.arrays[] as [$name, $arr]
      | range(0; $arr | length) as $i
      | $arr[$i] | rows($table + "__" + $name; "\($id)/\($name)/\($i)"; $id; $root; $i));

(.orderId + "@" + .lastChange) as $id | rows("orders"; $id; null; $id; null)
