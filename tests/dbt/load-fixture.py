"""Loads fixture records into the `bronze` schema of a DuckDB file with the
real tools, as the batch flows do: each record (the `raw` of the fixture's
`<root>__raw` lines) through `ndjson-normalize --entity E | bq-load`, then
sets the batches' _loaded_at to LOADED_AT so runs are reproducible.
--reverse loads the records in reverse order: the same rows in another batch
(bq-load's batch id follows the rows' text), as when an interval is fetched
again in another order.
Usage: python load-fixture.py WAREHOUSE.duckdb FILE.ndjson LOADED_AT [--reverse]"""
import json
import subprocess
import sys

import duckdb

path, ndjson, loaded_at = sys.argv[1:4]
reverse = "--reverse" in sys.argv[4:]
ENTITY = {"orders__raw": "order", "clients__raw": "client", "products__raw": "product"}
records = {}
with open(ndjson, encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        records.setdefault(ENTITY[r["_table"]], []).append(r["raw"])
batches = []
for entity, raws in records.items():
    if reverse:
        raws.reverse()
    normalize = subprocess.Popen(["ndjson-normalize", "--entity", entity],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    load = subprocess.Popen(["bq-load", "--target", "duckdb:" + path, "--dataset", "bronze"],
                            stdin=normalize.stdout, stdout=subprocess.PIPE)
    normalize.stdout.close()
    normalize.stdin.write("".join(r + "\n" for r in raws).encode())
    normalize.stdin.close()
    out = load.communicate()[0]
    if normalize.wait() != 0 or load.returncode != 0:
        sys.exit(f"loading {entity} failed")
    batches += [json.loads(x) for x in out.decode().splitlines()]
con = duckdb.connect(path)
for b in batches:
    if b["status"] == "loaded":
        con.execute(f'update bronze."{b["table"]}" set _loaded_at = ? where _batch_id = ?',
                    [loaded_at, b["batch_id"]])
con.close()
