"""A scripted BigQuery for what the emulator does not do: it ignores
maxResults and answers every query at once. This one pages (maxResults rows
a page, pageToken to the next), answers jobs.query with jobComplete false
first (so getQueryResults is polled), and fails the first getQueryResults
with 503 (retried). Rows: id 0..N-1 (INTEGER), ts (TIMESTAMP, microseconds),
tags (REPEATED STRING), rec (RECORD {a INTEGER, b STRING}), big (NUMERIC).
Every call is logged to --log as 'METHOD PATH'.
Usage: fake_bigquery_pages.py --rows N --port-file F --log F"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=5)
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
args = ap.parse_args()
log = open(args.log, "a", buffering=1)
SCHEMA = {"fields": [
    {"name": "id", "type": "INTEGER", "mode": "NULLABLE"},
    {"name": "ts", "type": "TIMESTAMP", "mode": "NULLABLE"},
    {"name": "tags", "type": "STRING", "mode": "REPEATED"},
    {"name": "rec", "type": "RECORD", "mode": "NULLABLE",
     "fields": [{"name": "a", "type": "INTEGER"}, {"name": "b", "type": "STRING"}]},
    {"name": "big", "type": "NUMERIC", "mode": "NULLABLE"}]}
state = {"polls": 0}


def row(i):
    return {"f": [{"v": str(i)}, {"v": str(1709294400000000 + i * 500000)},
                  {"v": [{"v": "t%d" % i}, {"v": "x"}]},
                  {"v": {"f": [{"v": str(i * 2)}, {"v": None}]}} if i % 2 == 0 else {"v": None},
                  {"v": "12345678901234567890.%09d" % i}]}


def page(q):
    n = int(q.get("maxResults", ["1000"])[0])
    start = int(q.get("pageToken", ["0"])[0])
    end = min(start + n, args.rows)
    body = {"schema": SCHEMA, "rows": [row(i) for i in range(start, end)], "totalRows": str(args.rows),
            "jobComplete": True, "jobReference": {"projectId": "p", "jobId": "job1", "location": "EU"}}
    if end < args.rows:
        body["pageToken"] = str(end)
    return body


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, obj):
        b = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        log.write("POST " + self.path + "\n")
        self.send(200, {"jobReference": {"projectId": "p", "jobId": "job1", "location": "EU"}, "jobComplete": False})

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        log.write("GET " + self.path + "\n")
        if u.path.endswith("/queries/job1"):
            state["polls"] += 1
            if state["polls"] == 1:
                return self.send(503, {"error": {"message": "backend busy"}})
            if state["polls"] == 2:
                return self.send(200, {"jobReference": {"projectId": "p", "jobId": "job1"}, "jobComplete": False})
            return self.send(200, page(q))
        if u.path.endswith("/tables/t"):
            return self.send(200, {"schema": SCHEMA})
        if u.path.endswith("/tables/t/data"):
            b = page(q)
            del b["schema"], b["jobComplete"], b["jobReference"]
            return self.send(200, b)
        self.send(404, {"error": {"message": "not found"}})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(args.port_file, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
