"""Runs every model of a compiled dbt project (full-build SQL, from
target/manifest.json) on a BigQuery emulator through the REST API, in
dependency order, each as CREATE OR REPLACE VIEW/TABLE: what dbt build does,
without the adapter's reading of the job's reply (which the emulator gets
wrong for DDL: tests/dbt/30-bigquery-emulator.sh). Prints one line per model,
`model<TAB>ok` or `model<TAB>error<TAB>the emulator's message`.
Usage: python bq-emulator-run.py ENDPOINT PROJECT MANIFEST"""
import json
import sys
import urllib.error
import urllib.request

endpoint, project, manifest = sys.argv[1:4]
nodes = json.load(open(manifest))["nodes"]
models = {k: n for k, n in nodes.items() if n["resource_type"] == "model"}
done, order = set(), []


def visit(key):
    if key in done or key not in models:
        return
    done.add(key)
    for dep in models[key]["depends_on"]["nodes"]:
        visit(dep)
    order.append(key)


for key in sorted(models):
    visit(key)


def query(sql):
    req = urllib.request.Request(
        f"{endpoint}/bigquery/v2/projects/{project}/queries",
        data=json.dumps({"query": sql, "useLegacySql": False, "timeoutMs": 600000}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer test-token"})
    try:
        with urllib.request.urlopen(req, timeout=900) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.loads(e.read() or b"{}")
    err = body.get("error") or (body.get("errors") or [None])[0]
    return None if not err else " ".join(str(err.get("message", err)).split())


for key in order:
    n = models[key]
    kind = n["config"]["materialized"]
    if kind == "ephemeral":  # inlined by dbt into the models that use it
        continue
    what = "view" if kind == "view" else "table"
    err = query(f"create or replace {what} `{project}`.`{n['schema']}`.`{n['alias']}` as\n{n['compiled_code']}")
    print(n["name"], "ok" if err is None else "error", *([err[:400]] if err else []), sep="\t", flush=True)
