# Checks on ndjson-normalize output shared by the scripts here (sourced).
# Rows per table of an output, as "table count" lines.
tables() { jq -r ._table "$1" | sort | uniq -c | awk '{print $2, $1}'; }
count() { jq -r --arg t "$2" 'select(._table == $t) | ._table' "$1" | wc -l; }
# Structural checks on one output of records in $1: one row per record and
# per array element at any depth (minus the raw rows), unique ids, links
# that point at rows of the same output.
check_rows() { # label input output
	local want got
	want=$(jq -s '[.[] | 1 + ([.. | arrays | .[]] | length)] | add // 0' "$2")
	got=$(jq -c 'select(._table | endswith("__raw") | not)' "$3" | wc -l)
	t_eq "$1: one row per record and per array element" "$want" "$got"
	t_eq "$1: row ids unique" "" "$(jq -r 'select(._table | endswith("__raw") | not) | ._row_id' "$3" | sort | uniq -d)"
	t_eq "$1: every parent exists" "" "$(jq -rs '(map(._row_id) | INDEX(.)) as $ids
		| .[] | select(._parent_row_id != null and ($ids[._parent_row_id] | not)) | ._row_id' "$3")"
	t_eq "$1: root ids name a root row" "" "$(jq -rs '(map(select(._parent_row_id == null) | ._row_id) | INDEX(.)) as $r
		| .[] | select($r[._root_id] | not) | ._row_id' "$3")"
}
