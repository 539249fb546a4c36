"""Appends the bronze tables of DuckDB files into one (columns matched by name,
missing ones added). The gateway test runs its flows at the same time, each
into a DuckDB file of its own (one DuckDB file takes one writer at a time; on
BigQuery they would share the dataset), and builds silver and gold on the sum.
A SOURCE that does not exist (a flow that loaded nothing) is skipped.
Usage: python merge-warehouses.py TARGET.duckdb SOURCE.duckdb..."""
import os
import sys

import duckdb

target, sources = sys.argv[1], [s for s in sys.argv[2:] if os.path.exists(s)]
con = duckdb.connect(target)
con.execute("CREATE SCHEMA IF NOT EXISTS bronze")
for i, src in enumerate(sources):
    alias = f"src{i}"
    con.execute(f"ATTACH '{src}' AS {alias} (READ_ONLY)")
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'bronze'",
        [alias]).fetchall()
    for (table,) in tables:
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
            "AND table_schema = 'bronze' AND table_name = ?", [table]).fetchall()}
        if not have:
            con.execute(f'CREATE TABLE bronze."{table}" AS SELECT * FROM {alias}.bronze."{table}"')
            continue
        cols = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = ? "
            "AND table_schema = 'bronze' AND table_name = ?", [alias, table]).fetchall()
        for name, kind in cols:
            if name not in have:
                con.execute(f'ALTER TABLE bronze."{table}" ADD COLUMN "{name}" {kind}')
        con.execute(f'INSERT INTO bronze."{table}" BY NAME SELECT * FROM {alias}.bronze."{table}"')
    con.execute(f"DETACH {alias}")
con.close()
