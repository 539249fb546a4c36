#!/usr/bin/env python3
"""N order-hook-like NDJSON lines of about 1 KB each, deterministic (seeded),
for bench/70-kafka.sh. Usage: gen-kafka-input.py N"""
import json
import random
import sys

n = int(sys.argv[1])
rnd = random.Random(42)
states = ["payment-pending", "payment-approved", "ready-for-handling", "handling", "invoiced", "canceled"]
out = sys.stdout
for i in range(n):
    items = [{"id": str(rnd.randint(1, 99999)), "quantity": rnd.randint(1, 5), "price": rnd.randint(100, 99999),
              "name": "Produto %d tamanho %s" % (rnd.randint(1, 9999), rnd.choice("PMGX"))} for _ in range(5)]
    rec = {"OrderId": "v%08d-01" % (i * 7919 % 10000000), "State": rnd.choice(states),
           "LastChange": "2026-12-04T%02d:%02d:%02d.%07dZ" % (i // 3600000 % 24, i // 60000 % 60, i // 1000 % 60, rnd.randint(0, 9999999)),
           "Origin": {"Account": "vtexpipes", "Key": "vtexappkey-vtexpipes-ABCDEF"},
           "items": items, "note": "x" * rnd.randint(330, 480)}
    out.write(json.dumps(rec, separators=(",", ":")) + "\n")
