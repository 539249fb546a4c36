"""Appends fixture rows (ndjson-normalize --raw's shape: _table, link columns,
the record's text as a string under `raw`) to the `bronze` schema of a DuckDB file, adding _batch_id
and _loaded_at as bq-load does. It stands in for bq-load so the dbt tests run
on their own; the end-to-end tests use the real tools.
Usage: python load-fixture.py WAREHOUSE.duckdb FILE.ndjson BATCH_ID LOADED_AT"""
import json
import sys

import duckdb

path, ndjson, batch_id, loaded_at = sys.argv[1:5]
rows = {}
with open(ndjson, encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        rows.setdefault(r["_table"], []).append(
            (r["_row_id"], r["_parent_row_id"], r["_root_id"], r["_idx"],
             r["raw"], batch_id, loaded_at))
con = duckdb.connect(path)
con.execute("create schema if not exists bronze")
for table, values in rows.items():
    con.execute(f'create table if not exists bronze."{table}" ('
                "_row_id varchar, _parent_row_id varchar, _root_id varchar, _idx bigint,"
                " raw varchar, _batch_id varchar, _loaded_at timestamp)")
    con.executemany(f'insert into bronze."{table}" values (?, ?, ?, ?, ?, ?, ?)', values)
con.close()
