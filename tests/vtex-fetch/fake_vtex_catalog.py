"""Scripted fake of GetProductAndSkuIds for what the sandbox cannot answer: a
range.total far beyond the products listed (a garbled or hostile answer).
Page 1 lists products 1 and 2; every later page is empty; range.total is
TOTAL. Product and SKU GETs get small objects. Each request's path goes to
LOG, one a line.
Usage: fake_vtex_catalog.py TOTAL PORTFILE LOG"""
import json, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

total, portfile, logfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        with open(logfile, "a") as f:
            f.write(self.path + "\n")
        u = urlparse(self.path)
        if u.path.endswith("/GetProductAndSkuIds"):
            q = parse_qs(u.query)
            first = int(q["_from"][0])
            data = {"1": [11], "2": [21]} if first == 1 else {}
            body = {"data": data, "range": {"total": total, "from": first, "to": int(q["_to"][0])}}
        else:
            body = {"Id": int(u.path.rsplit("/", 1)[-1])}
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
