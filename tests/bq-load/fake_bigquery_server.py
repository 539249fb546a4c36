"""A scripted FAKE of BigQuery's REST API and Google's token endpoints, for
the failure paths the emulator does not reproduce: an errorResult seen only
when polling, 409 on a duplicate job id, 429 and 5xx before success, a
backendError worth a new job, tokens that expire or are revoked mid-run,
401/403, insertAll refusing one row of a request, a DML query job that
reports numDmlAffectedRows (the emulator leaves it out). It is not BigQuery: it
answers only what bq-load's tests ask, as the scenario says.

Usage: fake_bigquery_server.py PORT_FILE LOG_FILE SCENARIO [PUBLIC_KEY.pem]
Writes the port it listens on (127.0.0.1, chosen by the system) to
PORT_FILE, and one JSON line per request to LOG_FILE. With FAKE_TLS_CERT and
FAKE_TLS_KEY (PEM files) in the environment it serves HTTPS."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

port_file, log_file, scenario = sys.argv[1:4]
pubkey = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()
state = {"tokens": {}, "n_tokens": 0, "jobs": {}, "insert_calls": 0, "put_calls": 0, "tables": {}}
if scenario == "existing":
    state["tables"]["orders"] = [{"name": "id", "type": "STRING"}, {"name": "n", "type": "INTEGER"},
                                 {"name": "note", "type": "STRING"}]


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_ok(assertion):
    """Checks the JWT's shape, claims and RS256 signature (with openssl)."""
    try:
        h, c, sig = assertion.split(".")
        head, claims = json.loads(b64d(h)), json.loads(b64d(c))
    except ValueError:
        return False
    if head.get("alg") != "RS256" or "bigquery" not in claims.get("scope", "") or \
            claims.get("exp", 0) - claims.get("iat", 0) > 3600 or not claims.get("iss"):
        return False
    with tempfile.TemporaryDirectory() as d:
        open(d + "/in", "w").write(h + "." + c)
        open(d + "/sig", "wb").write(b64d(sig))
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pubkey, "-signature", d + "/sig", d + "/in"],
                           capture_output=True)
    return r.returncode == 0


def new_token():
    state["n_tokens"] += 1
    tok = "tok-%d" % state["n_tokens"]
    life = 1 if scenario == "expiry" else 3600
    state["tokens"][tok] = {"exp": time.time() + life, "uses": 0}
    return {"access_token": tok, "expires_in": life, "token_type": "Bearer"}


def job_resource(job_id, table, state_name="DONE", error=None):
    st = {"state": state_name}
    if error:
        st["errorResult"] = error
        st["errors"] = [error, {"reason": "invalid", "message": "row 2: no such field: nope"}]
    return {"kind": "bigquery#job", "id": job_id, "jobReference": {"projectId": "p", "jobId": job_id},
            "configuration": {"load": {"destinationTable": {"tableId": table}}}, "status": st}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else b""
        # Logged before the reply is sent: the client may exit on the reply and the
        # test read the log at once.
        self.entry["status"] = status
        with open(log_file, "a") as f:
            f.write(json.dumps(self.entry) + "\n")
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, reason, message):
        self.reply(status, {"error": {"code": status, "message": message,
                                      "errors": [{"reason": reason, "message": message}]}})

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        tok = auth[7:] if auth.startswith("Bearer ") else ""
        self.entry["token"] = tok
        if scenario == "forbidden":
            self.error(403, "accessDenied", "Access Denied: the caller does not have permission")
            return False
        if scenario == "unauthorized" or (state["tokens"] and tok not in state["tokens"]) or not tok:
            self.error(401, "authError", "Request had invalid authentication credentials.")
            return False
        info = state["tokens"].get(tok)
        if info:
            info["uses"] += 1
            # "revoke": each token is good for two calls; "expiry": for its lifetime.
            if (scenario == "revoke" and info["uses"] > 2) or time.time() > info["exp"]:
                self.error(401, "authError", "Request had invalid authentication credentials.")
                return False
        return True

    def handle_one(self, method):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self.entry = {"method": method, "path": u.path, "query": u.query, "bytes": len(body)}
        with lock:
            self.route(method, u.path, q, body)

    def route(self, method, path, q, body):
        if path == "/token":
            form = parse_qs(body.decode())
            ok = form.get("grant_type") == ["urn:ietf:params:oauth:grant-type:jwt-bearer"] and \
                jwt_ok(form.get("assertion", [""])[0])
            self.entry["jwt_ok"] = ok
            return self.reply(200, new_token()) if ok else self.reply(400, {"error": "invalid_grant"})
        if path == "/computeMetadata/v1/instance/service-accounts/default/token":
            if self.headers.get("Metadata-Flavor") != "Google":
                return self.reply(403, {"error": "Missing Metadata-Flavor:Google header."})
            return self.reply(200, new_token())
        if not self.authorized():
            return
        parts = path.strip("/").split("/")
        if path.endswith("/jobs") and method == "POST" and "upload" in parts:
            return self.job_insert(q, body)
        if path.endswith("/jobs") and method == "POST":
            return self.query_job(json.loads(body))
        if parts[0] == "upload" and parts[1] == "session" and method == "PUT":
            state["put_calls"] += 1
            if scenario == "resumable-flaky" and state["put_calls"] == 1:
                return self.error(503, "backendError", "try again")
            job = state["jobs"][parts[2]]
            self.entry["job"] = job["job"]
            self.entry["rows"] = len(body.splitlines())
            return self.reply(200, job_resource(parts[2], job["table"]))
        if "jobs" in parts and method == "GET":
            return self.job_get(parts[-1])
        if parts[-1] == "insertAll":
            return self.insert_all(parts[-2], json.loads(body))
        if "tables" in parts:
            return self.tables(method, parts, body)
        self.error(404, "notFound", "Not found: " + path)

    def job_insert(self, q, body):
        state["insert_calls"] += 1
        if q.get("uploadType") == ["multipart"]:
            boundary = self.headers["Content-Type"].split("boundary=")[1].encode()
            parts = body.split(b"--" + boundary)
            job = json.loads(parts[1].split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n"))
            data = parts[2].split(b"\r\n\r\n", 1)[1][:-2]
            self.entry["rows"] = len(data.splitlines())
            self.entry["data"] = data[:4000].decode()
        else:
            job = json.loads(body)
        job_id = job["jobReference"]["jobId"]
        table = job["configuration"]["load"]["destinationTable"]["tableId"]
        self.entry["job"] = job
        if scenario == "flaky" and state["insert_calls"] == 1:
            return self.reply(429, {"error": {"code": 429, "message": "rate"}}, {"Retry-After": "0"})
        if scenario == "flaky" and state["insert_calls"] == 2:
            return self.error(503, "backendError", "The service is currently unavailable.")
        if scenario == "duplicate":
            state["jobs"][job_id] = {"table": table, "polls": 0, "job": job}
            return self.error(409, "duplicate", "Already Exists: Job p:%s" % job_id)
        state["jobs"][job_id] = {"table": table, "polls": 0, "job": job}
        if q.get("uploadType") == ["resumable"]:
            host = self.headers["Host"]
            return self.reply(200, None, {"Location": "http://%s/upload/session/%s" % (host, job_id)})
        running = scenario == "errorresult"
        return self.reply(200, job_resource(job_id, table, "RUNNING" if running else "DONE",
                                            self.job_error(job_id) if not running else None))

    def query_job(self, job):
        """A DML INSERT: done at once; scenario "dml" says it added one row."""
        job_id = job["jobReference"]["jobId"]
        self.entry["job"] = job
        res = {"kind": "bigquery#job", "id": job_id, "jobReference": {"projectId": "p", "jobId": job_id},
               "configuration": job["configuration"], "status": {"state": "DONE"},
               "statistics": {"query": {"statementType": "INSERT", "numDmlAffectedRows": "1"}}}
        state["jobs"][job_id] = {"table": "", "polls": 0, "job": job, "resource": res}
        return self.reply(200, res)

    def job_error(self, job_id):
        if scenario == "backend" and job_id.endswith("_0"):
            return {"reason": "backendError", "message": "Backend error. Job aborted."}
        return None

    def job_get(self, job_id):
        job = state["jobs"].get(job_id)
        if not job:
            return self.error(404, "notFound", "Not found: Job p:" + job_id)
        job["polls"] += 1
        if "resource" in job:
            return self.reply(200, job["resource"])
        if scenario == "errorresult":
            if job["polls"] < 3:
                return self.reply(200, job_resource(job_id, job["table"], "RUNNING"))
            return self.reply(200, job_resource(job_id, job["table"], "DONE", {
                "reason": "invalid", "message": "Error while reading data, error message: JSON table encountered too many errors"}))
        return self.reply(200, job_resource(job_id, job["table"], "DONE", self.job_error(job_id)))

    def tables(self, method, parts, body):
        if method == "GET":
            t = parts[-1]
            if parts[5] == "nosuch":
                return self.error(404, "notFound", "Not found: Dataset p:nosuch")
            if t in state["tables"]:
                return self.reply(200, {"tableReference": {"tableId": t}, "schema": {"fields": state["tables"][t]}})
            return self.error(404, "notFound", "Not found: Table p:d.%s" % t)
        if method == "DELETE":
            state["tables"].pop(parts[-1], None)
            return self.reply(204)
        res = json.loads(body)
        t = res["tableReference"]["tableId"]
        self.entry["table"] = res
        state["tables"][t] = res["schema"]["fields"]
        return self.reply(200, res)

    def insert_all(self, table, req):
        rows = req["rows"]
        self.entry["insert_ids"] = [r["insertId"] for r in rows]
        bad = [i for i, r in enumerate(rows) if r["json"].get("bad")]
        errors = []
        for i in range(len(rows)):
            if i in bad:
                errors.append({"index": i, "errors": [{"reason": "invalid", "location": "bad",
                                                        "message": "no such field: bad."}]})
            elif bad:
                errors.append({"index": i, "errors": [{"reason": "stopped", "message": ""}]})
        self.reply(200, {"kind": "bigquery#tableDataInsertAllResponse", **({"insertErrors": errors} if errors else {})})

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_PUT(self):
        self.handle_one("PUT")

    def do_PATCH(self):
        self.handle_one("PATCH")

    def do_DELETE(self):
        self.handle_one("DELETE")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if os.environ.get("FAKE_TLS_CERT"):  # HTTPS, for the TLS test (40-tls.sh)
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["FAKE_TLS_CERT"], os.environ["FAKE_TLS_KEY"])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
