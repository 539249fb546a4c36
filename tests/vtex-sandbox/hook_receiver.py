#!/usr/bin/env python3
"""A small hook receiver, the test peer for vtex-sandbox's hook deliveries.

Writes one JSON line per POST it receives to --out:
  {"n": 1, "status": 200, "headers": {...}, "body": {...}}
Answers 200, except: the first --fail-first notifications get 500, and the
first --stall-first notifications are answered only after --stall-seconds
(longer than the sender's timeout). Pings ({"hookConfig":"ping"}) always get
--ping-status. Listens on 127.0.0.1 on a free port, written to --port-file.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
lock = threading.Lock()
count = {"n": 0, "notifications": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        ping = body == {"hookConfig": "ping"}
        with lock:
            count["n"] += 1
            n = count["n"]
            k = 0
            if not ping:
                count["notifications"] += 1
                k = count["notifications"]
        status, stall = 200, False
        if ping:
            status = args.ping_status
        elif k <= args.fail_first:
            status = 500
        elif k <= args.fail_first + args.stall_first:
            stall = True
        if stall:
            time.sleep(args.stall_seconds)
        line = {"n": n, "status": status, "stalled": stall,
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        with lock, open(args.out, "a") as f:
            f.write(json.dumps(line) + "\n")
        try:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--ping-status", type=int, default=200)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--stall-first", type=int, default=0)
    p.add_argument("--stall-seconds", type=float, default=3.0)
    args = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
