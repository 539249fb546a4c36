#!/usr/bin/env bash
# vtex-webhook connection limits: a slow client is cut off after --timeout,
# a client address cannot hold more than --max-per-ip connections.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

wh_start a --output "$T_TMP/out" --timeout 1 --max-per-ip 4 || { t_fail "webhook starts"; t_done; }
hostport=${WH_URL#http://}

# A client that sends half its headers and then nothing.
python3 - "$hostport" >"$T_TMP/slow" <<'PY'
import socket, sys, time
host, port = sys.argv[1].split(":")
s = socket.create_connection((host, int(port)))
s.sendall(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n")
s.settimeout(8)
try:
    print("closed" if s.recv(100) == b"" else "answered")
except socket.timeout:
    print("still open")
PY
t_eq "a slow client's connection is closed by the server" closed "$(cat "$T_TMP/slow")"

# A body that stops half way.
python3 - "$hostport" "$WH_SECRET" >"$T_TMP/slowbody" <<'PY'
import socket, sys
host, port = sys.argv[1].split(":")
s = socket.create_connection((host, int(port)))
s.sendall(b"POST /hook HTTP/1.1\r\nHost: x\r\nkey: " + sys.argv[2].encode() + b"\r\nContent-Length: 200\r\n\r\n{\"OrderId\":")
s.settimeout(8)
try:
    print("closed" if s.recv(100) == b"" else "answered")
except socket.timeout:
    print("still open")
PY
t_eq "a body that stops half way: closed after the timeout" closed "$(cat "$T_TMP/slowbody")"
t_eq "nothing written for either" 0 "$(wc -c <"$T_TMP/out")"

# Four idle connections from 127.0.0.1 are the limit: a fifth is closed at once.
python3 - "$hostport" >"$T_TMP/perip" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].split(":")
held = []
for i in range(4):
    held.append(socket.create_connection((host, int(port))))
    time.sleep(0.05)
print("holding", flush=True)
time.sleep(3)
PY
holder=$!
for _ in $(seq 50); do grep -q holding "$T_TMP/perip" 2>/dev/null && break; sleep 0.05; done
sleep 0.2
t_eq "a fifth connection from the same address is refused" 000 "$(wh_post "$WH_URL" "$(wh_event 1)")"
wait "$holder"
sleep 0.2
t_eq "once they close, requests go through again" 200 "$(wh_post "$WH_URL" "$(wh_event 1)")"
t_eq "one line written" 1 "$(wc -l <"$T_TMP/out")"
t_done
