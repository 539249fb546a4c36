"""Reads tables back through BigQuery's REST API (tables.get for the schema,
tabledata.list for the rows) and compares them with the NDJSON rows that
were loaded: every non-null input field must come back with its value, and
every row must carry _batch_id and _loaded_at.

Usage: bq_readback.py ENDPOINT PROJECT DATASET INPUT.ndjson
Prints one line per table ("compared TABLE: N rows") and exits 1 on any difference."""
import json
import sys
import urllib.request

endpoint, project, dataset, path = sys.argv[1:5]
base = "%s/bigquery/v2/projects/%s/datasets/%s/tables/" % (endpoint, project, dataset)


def get(url):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer test"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def typed(value, field):
    if value is None:
        return None
    t = field["type"]
    if t in ("INTEGER", "INT64"):
        return int(value)
    if t in ("FLOAT", "FLOAT64"):
        return float(value)
    if t in ("BOOLEAN", "BOOL"):
        return value in (True, "true")
    return value


def read_table(table):
    fields = get(base + table)["schema"]["fields"]
    rows, token = [], None
    while True:
        data = get(base + table + "/data" + ("?pageToken=" + token if token else ""))
        for r in data.get("rows", []):
            rows.append({f["name"]: typed(c["v"], f) for f, c in zip(fields, r["f"])})
        token = data.get("pageToken")
        if not token:
            return rows


expected = {}
for line in open(path):
    row = json.loads(line)
    t = row.pop("_table")
    expected.setdefault(t, {})[row["_row_id"]] = {k: v for k, v in row.items() if v is not None}

bad = 0
for table, want in sorted(expected.items()):
    got = {r["_row_id"]: r for r in read_table(table)}
    if sorted(got) != sorted(want):
        print("%s: row ids differ: %d loaded, %d sent" % (table, len(got), len(want)))
        bad += 1
        continue
    for rid, w in want.items():
        g = got[rid]
        if not g.get("_batch_id") or not g.get("_loaded_at"):
            print("%s %s: no _batch_id or _loaded_at" % (table, rid))
            bad += 1
        for k, v in w.items():
            gv = g.get(k)
            same = abs(gv - v) < 1e-9 if isinstance(v, float) and isinstance(gv, float) else gv == v
            if not same:
                print("%s %s.%s: sent %r, got %r" % (table, rid, k, v, gv))
                bad += 1
    print("compared %s: %d rows" % (table, len(got)))
sys.exit(1 if bad else 0)
