#!/usr/bin/env python3
"""Alarm latency of a benchmark run, from the e-mail outbox: for each .eml the example's
`email` sink wrote, the time its final name was given (the inode's change time: the outbox
writes a message under a temp name, syncs it, then renames it, so this is when it was
delivered) minus the alarm's activation time in its body (`... alarm at
<threshold.activated>`: the millisecond Caudal received the reading that raised it).

Split in two at the moment the e-mail sink composed the message (the microseconds in its
Message-ID): `pipeline` is activation -> composed (the detect pipeline reading and processing
the reading, the sink's queue), `outbox` is composed -> delivered (writing, syncing, renaming
and the directory sync of the message's delivery).

Prints {"emails":N,"p50_ms":..,"p99_ms":..,"max_ms":..,"pipeline":{p50,p99},"outbox":{p50,p99}}
as JSON. usage: latency.py OUTBOX"""
import datetime
import glob
import json
import os
import re
import sys

total, pipeline, outbox = [], [], []
for path in glob.glob(os.path.join(sys.argv[1], "*.eml")):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = re.search(r"alarm at (\S+)\.\r?\n", text)
    if not found:
        continue
    activated = datetime.datetime.fromisoformat(found.group(1).replace("Z", "+00:00")).timestamp()
    delivered = os.stat(path).st_ctime_ns / 1e9
    total.append((delivered - activated) * 1000)
    composed = re.search(r"Message-ID: <caudal\.(\d+)\.", text)
    if composed:
        pipeline.append((int(composed.group(1)) / 1e6 - activated) * 1000)
        outbox.append((delivered - int(composed.group(1)) / 1e6) * 1000)


def quantile(values, q):
    values.sort()
    return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None


print(json.dumps({"emails": len(total), "p50_ms": quantile(total, 0.5), "p99_ms": quantile(total, 0.99),
                  "max_ms": round(max(total), 1) if total else None,
                  "pipeline": {"p50_ms": quantile(pipeline, 0.5), "p99_ms": quantile(pipeline, 0.99)},
                  "outbox": {"p50_ms": quantile(outbox, 0.5), "p99_ms": quantile(outbox, 0.99)}}))
