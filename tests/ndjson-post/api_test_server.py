"""A test server standing for the CRM / ERP APIs in ndjson-post's tests and
benchmark: it records what it receives and fails on demand.

Every request is appended to --log as one JSON line: method, path, the
headers that matter, the body, and what the server did with it. A request
whose Idempotency-Key was already stored is answered 200 again without
storing twice (what an idempotent API does); --store FILE gets each stored
record (one line per record of the body) exactly once.

Faults: --fail-first N answers the first N attempts of each key with
--fail-status (503 by default; 429 with Retry-After 0 or --retry-after);
--fail-after-store N stores first and then answers 500 (a lost answer)
for the first N attempts; --reject SUBSTR answers 422 to bodies containing
SUBSTR. --latency MS delays every answer. --tls CERT KEY serves HTTPS. Auth: --bearer TOKEN, --basic
USER:PASS, --hmac-key KEY (header --hmac-header, 'sha256=HEX' of the body):
a mismatch is 401.
Usage: python3 api_test_server.py --port-file F --log F [--store F] [options]"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--store")
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--fail-status", type=int, default=503)
ap.add_argument("--retry-after")
ap.add_argument("--fail-after-store", type=int, default=0)
ap.add_argument("--reject")
ap.add_argument("--latency", type=float, default=0)
ap.add_argument("--bearer")
ap.add_argument("--basic")
ap.add_argument("--hmac-key")
ap.add_argument("--hmac-header", default="X-Signature")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS")
ap.add_argument("--quiet-log", action="store_true", help="log no bodies (benchmarks)")
args = ap.parse_args()

lock = threading.Lock()
attempts = {}      # idempotency key -> attempts seen
stored = set()     # keys stored
log = open(args.log, "a", buffering=1)
store = open(args.store, "a", buffering=1) if args.store else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY the body
    # waits for the client's delayed ACK (40 ms) on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def answer(self, status, body=b"{}", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped (after a 401, say)

    def auth_ok(self, body):
        h = self.headers
        if args.bearer and h.get("Authorization") != "Bearer " + args.bearer:
            return False
        if args.basic and h.get("Authorization") != "Basic " + base64.b64encode(args.basic.encode()).decode():
            return False
        if args.hmac_key:
            want = "sha256=" + hmac.new(args.hmac_key.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(h.get(args.hmac_header, ""), want):
                return False
        return True

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        if args.latency:
            time.sleep(args.latency / 1000)
        key = self.headers.get("Idempotency-Key")
        entry = {"t": time.monotonic(), "method": self.command, "path": self.path, "key": key,
                 "content_type": self.headers.get("Content-Type"),
                 "authorization": self.headers.get("Authorization"),
                 "signature": self.headers.get(args.hmac_header),
                 "header_x_test": self.headers.get("X-Test")}
        if not args.quiet_log:
            entry["body"] = body.decode("utf-8", "replace")
        status, extra = 200, ()
        with lock:
            k = key or hashlib.sha256(body).hexdigest()
            attempts[k] = attempts.get(k, 0) + 1
            a = attempts[k]
            if not self.auth_ok(body):
                status = 401
            elif args.reject and args.reject.encode() in body:
                status = 422
            elif a <= args.fail_first:
                status = args.fail_status
                if status == 429 or args.retry_after:
                    extra = (("Retry-After", args.retry_after or "0"),)
            elif k in stored:
                entry["duplicate"] = True
            else:
                stored.add(k)
                if store:
                    recs = json.loads(body)
                    for r in recs if isinstance(recs, list) else [recs]:
                        store.write(json.dumps(r, sort_keys=True) + "\n")
                if a <= args.fail_after_store:
                    status = 500
            entry["status"] = status
            log.write(json.dumps(entry) + "\n")
        if status == 422:
            self.answer(422, b'{"error":"invalid record: refused by the test server"}')
        elif status == 401:
            self.answer(401, b'{"error":"bad credentials"}')
        else:
            self.answer(status, b'{"ok":true}' if status == 200 else b'{"error":"try later"}', extra)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET = handle_any


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
srv.handle_error = lambda request, address: None  # a client gone (a refused TLS handshake, say)
if args.tls:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*args.tls)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
