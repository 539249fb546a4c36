#!/usr/bin/env bash
# The watermark moves only on exit 0 or 1: a run whose rejects could not be
# written (74 outranks 1: lib/exitcode.h) leaves the state file alone. A local
# Master Data answer with a client document without an id makes the reject.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = b"[{\"email\":\"no-id@example.com\"}]"
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("REST-Content-Total", "0")
        self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_port))
s.serve_forever()' md.port &
t_on_exit "kill $!"
for _ in $(seq 100); do [ -s md.port ] && break; sleep 0.05; done
export VTEX_BASE_URL=http://127.0.0.1:$(cat md.port) VTEX_APP_KEY=k VTEX_APP_TOKEN=t
echo '{"clients":{"updated_until":"2026-01-01T00:00:00Z"}}' > st
cp st st.before

t_exit "rejects written: exit 1" 1 bash -c \
	"vtex-fetch clients --state st --rejects rej.ndjson --updated-until 2026-01-02T00:00:00Z >/dev/null 2>err1"
t_eq "... the watermark moved" '2026-01-02T00:00:00Z' "$(jq -r .clients.updated_until st)"
cp st.before st
t_exit "rejects not writable (/dev/full): exit 74" 74 bash -c \
	"vtex-fetch clients --state st --rejects /dev/full --updated-until 2026-01-02T00:00:00Z >/dev/null 2>err2"
t_same_file "... and the watermark did not move" st.before st
t_done
