#!/usr/bin/env python3
"""Order-like NDJSON for the dedup tests: N records over K keys, versions
(lastChange) shuffled so that older versions arrive after newer ones, with
random zones and fraction digits. Deterministic for a given seed.
Usage: gen.py N K [SEED] [PAD]"""
import random
import sys

n, k = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
pad = "x" * (int(sys.argv[4]) if len(sys.argv) > 4 else 0)
out = sys.stdout
for i in range(n):
    key = rng.randrange(k)
    # A version among a few per key, written in one of several equivalent forms.
    minute = rng.randrange(6)
    frac = rng.choice(["", ".1", ".12", ".1234567"])
    zone, hour = rng.choice([("Z", 3), ("+00:00", 3), ("-03:00", 0)])
    ts = f"2024-01-02T{hour:02d}:{minute:02d}:05{frac}{zone}"
    out.write(f'{{"orderId":"{1000000 + key}-01","lastChange":"{ts}","i":{i},"pad":"{pad}"}}\n')
