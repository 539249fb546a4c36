# DuckDB's official C library and header, one pinned version (scripts/versions.env),
# the same version dbt-duckdb's Python duckdb uses, so the warehouse file opens
# in both. libduckdb.so comes from the npm package that ships it beside the Node
# addon; duckdb.h from the sources of the Python package (its sdist). Nothing is
# compiled. Result: $VP_CACHE/duckdb-VERSION/{lib/libduckdb.so,include/duckdb.h}.
set -euo pipefail
. "$VP_ROOT/scripts/versions.env"
dest=$VP_CACHE/duckdb-$DUCKDB_VERSION
check() {
	local t
	t=$(mktemp -d)
	printf '%s\n' '#include <duckdb.h>' '#include <stdio.h>' \
		'int main(void) { duckdb_database db; duckdb_connection c; duckdb_result r;' \
		'  if (duckdb_open(NULL, &db) || duckdb_connect(db, &c) || duckdb_query(c, "select version()", &r)) return 1;' \
		'  char *v = duckdb_value_varchar(&r, 0, 0); puts(v); duckdb_free(v); duckdb_destroy_result(&r);' \
		'  duckdb_disconnect(&c); duckdb_close(&db); return 0; }' >"$t/v.c"
	cc -I"$dest/include" -o "$t/v" "$t/v.c" -L"$dest/lib" -lduckdb -Wl,-rpath,"$dest/lib" 2>"$t/err" &&
		"$t/v" >"$t/out" 2>>"$t/err"
	local rc=$?
	local got
	got=$(cat "$t/out" 2>/dev/null || true)
	rm -rf "$t"
	[ $rc -eq 0 ] && [ "$got" = "v$DUCKDB_VERSION" ]
}
if [ -f "$dest/include/duckdb.h" ] && [ -f "$dest/lib/libduckdb.so" ] && check; then
	exit 0
fi
for tool in npm pip3 cc; do
	command -v $tool >/dev/null || { echo "bootstrap: $tool is needed to fetch DuckDB" >&2; exit 1; }
done
echo "bootstrap: fetching DuckDB $DUCKDB_VERSION (library and header)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@duckdb/node-bindings-linux-x64@$DUCKDB_NPM_RELEASE" >/dev/null)
tar -xzf "$work"/duckdb-node-bindings-linux-x64-*.tgz -C "$work" package/libduckdb.so
# --no-binary duckdb: the sdist of duckdb only; its build tools may come as wheels.
pip3 download -q --no-deps --no-binary duckdb -d "$work" "duckdb==$DUCKDB_VERSION"
tar -xzf "$work/duckdb-$DUCKDB_VERSION.tar.gz" -C "$work" --wildcards '*/src/include/duckdb.h'
mkdir -p "$dest/lib" "$dest/include"
install -m 0644 "$work/package/libduckdb.so" "$dest/lib/libduckdb.so"
install -m 0644 "$(find "$work" -path '*/src/include/duckdb.h' | head -1)" "$dest/include/duckdb.h"
check || { echo "bootstrap: DuckDB $DUCKDB_VERSION does not answer select version() as expected" >&2; exit 1; }
