#!/usr/bin/env python3
"""Order-like NDJSON for the dedup benchmark: N records over exactly K keys
(each key N/K times, spread through the file). Each record's lastChange is one
of ten moments of its order, at random, so newer and older versions arrive in
any order (as redelivered hooks and overlapping fetch windows bring them);
written with 0 to 7 fraction digits and in UTC or -03:00, as VTEX does.
Usage: gen-dedup-input.py N K > file"""
import random
import sys

n, k = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(42)
statuses = ["payment-pending", "ready-for-handling", "handling", "invoiced", "canceled"]
base = 1704164645  # 2024-01-02T03:04:05Z
write = sys.stdout.write
lines = []
for i in range(n):
    # A permutation of 0..k-1 in each block of k records: every key, k times over.
    key = ((i % k) * 999983 + (i // k) * 12345) % k
    t = base + key % 3600 + rng.randrange(10) * 60
    digits = rng.randrange(8)
    frac = f".{rng.randrange(10 ** digits):0{digits}d}" if digits else ""
    if rng.random() < 0.3:
        t -= 3 * 3600
        zone = "-03:00"
    else:
        zone = "Z"
    days, rem = divmod(t - 1704067200, 86400)  # from 2024-01-01
    ts = f"2024-01-{1 + days:02d}T{rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}{frac}{zone}"
    lines.append(
        f'{{"orderId":"v{5000000 + key}-01","status":"{statuses[i % 5]}","lastChange":"{ts}",'
        f'"value":{rng.randrange(100, 1000000)},"items":{1 + i % 7},"email":"c{key}@example.com"}}\n'
    )
    if len(lines) == 10000:
        write("".join(lines))
        lines = []
write("".join(lines))
