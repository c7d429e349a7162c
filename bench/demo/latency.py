#!/usr/bin/env python3
"""Alarm latency of a benchmark run, from the e-mail outbox: for each .eml the example's
`email` sink wrote, the time its final name was given (the inode's change time: the outbox
writes a message under a temp name, syncs it, then renames it, so this is when it was
delivered) minus the alarm's activation time in its body (`... alarm at
<threshold.activated>`: the millisecond Caudal received the reading that raised it). Prints {"emails":N,"p50_ms":..,"p99_ms":..,"max_ms":..} as JSON.
usage: latency.py OUTBOX"""
import datetime
import glob
import json
import os
import re
import sys

latencies = []
for path in glob.glob(os.path.join(sys.argv[1], "*.eml")):
    with open(path, encoding="utf-8") as f:
        found = re.search(r"alarm at (\S+)\.\r?\n", f.read())
    if not found:
        continue
    activated = datetime.datetime.fromisoformat(found.group(1).replace("Z", "+00:00")).timestamp()
    latencies.append((os.stat(path).st_ctime_ns / 1e9 - activated) * 1000)
latencies.sort()


def quantile(q):
    return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None


print(json.dumps({"emails": len(latencies), "p50_ms": quantile(0.5), "p99_ms": quantile(0.99),
                  "max_ms": round(latencies[-1], 1) if latencies else None}))
