"""Scripted fake of the order Feed v3 for what the sandbox cannot answer: a
commit that fails however often it is tried while the feed itself answers,
events without a usable handle, and a lot that is not a JSON array.
GET /api/orders/feed/config: a configuration (visibility timeout 250 s).
GET /api/orders/feed: MODE "odd": first a lot of two events with handles h1
and h3, one without a handle and one that is not an object, then empty lots;
MODE "notlot": a JSON object. POST /api/orders/feed: 503, its body written to
LOG, one a line.
Usage: fake_vtex_feed.py MODE PORTFILE LOG"""
import json, sys, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

mode, portfile, logfile = sys.argv[1], sys.argv[2], sys.argv[3]
lots = 0
lock = threading.Lock()


def event(n, handle):
    e = {"eventId": "E%d" % n, "domain": "Marketplace", "state": "invoiced", "lastState": "invoice",
         "orderId": "100000000000%d-01" % n, "lastChange": "2026-01-15T12:00:00.1Z",
         "currentChange": "2026-01-15T12:00:01.1Z"}
    if handle:
        e["handle"] = handle
    return e


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        global lots
        if self.path.startswith("/api/orders/feed/config"):
            self.answer(200, {"filter": {"type": "FromWorkflow"}, "queue": {"visibilityTimeoutInSeconds": 250}})
        elif mode == "notlot":
            self.answer(200, {"events": []})
        else:
            with lock:
                lots += 1
                first = lots == 1
            self.answer(200, [event(1, "h1"), event(2, None), 7, event(3, "h3")] if first else [])

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(logfile, "a") as f:
            f.write(body.decode() + "\n")
        self.answer(503, {"error": {"message": "unavailable"}})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
