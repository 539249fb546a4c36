#!/usr/bin/env python3
"""The peer for bench/75-webhook.sh: the receiver one writes without a
framework, Python's ThreadingHTTPServer with keep-alive, the same checks
(secret header, JSON object with OrderId/State/LastChange) and the same
promise (answer 200 after the line is written and flushed).
Usage: webhook_peer.py PORT OUTPUT  (secret in WH_SECRET)"""
import json, os, sys, threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["WH_SECRET"]
out = open(sys.argv[2], "ab")
lock = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, code):
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("key") != SECRET:
            return self.answer(401)
        try:
            ev = json.loads(body)
            ok = isinstance(ev, dict) and all(isinstance(ev.get(k), str) for k in ("OrderId", "State", "LastChange"))
        except ValueError:
            ok = False
        if not ok:
            return self.answer(400)
        ev["_received_at"] = datetime.now(timezone.utc).isoformat()
        line = (json.dumps(ev, separators=(",", ":")) + "\n").encode()
        with lock:
            out.write(line)
            out.flush()
        self.answer(200)


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
