#!/usr/bin/env python3
"""Follows the COUNT topic from its current end through GET /v1/topics/COUNT/records, every
5 ms, and measures each alarm's latency: the moment it is visible in COUNT minus its record
timestamp (the time Caudal received the reading that raised it). Runs until SIGINT/SIGTERM,
then prints {"alarms":N,"p50_ms":..,"p99_ms":..,"max_ms":..} as JSON."""
import json
import signal
import sys
import time
import urllib.request

address = sys.argv[1]
stop = False


def on_signal(*_):
    global stop
    stop = True


signal.signal(signal.SIGINT, on_signal)
signal.signal(signal.SIGTERM, on_signal)


def get(path):
    with urllib.request.urlopen(f"http://{address}{path}") as response:
        return json.load(response)


def partitions():
    for t in get("/v1/topics")["topics"]:
        if t["name"] == "COUNT":
            return t["partitions"]
    return []


next_offset = {p["partition"]: p["end_offset"] for p in partitions()}
latencies = []
while not stop:
    for p in partitions():
        offset = next_offset.setdefault(p["partition"], 0)
        if offset >= p["end_offset"]:
            continue
        page = get(f"/v1/topics/COUNT/records?partition={p['partition']}&offset={offset}&limit=1000")
        now_ms = time.time() * 1000
        latencies.extend(now_ms - r["timestamp"] for r in page["records"])
        next_offset[p["partition"]] = page["next_offset"]
    time.sleep(0.005)
latencies.sort()


def quantile(q):
    return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None


print(json.dumps({"alarms": len(latencies), "p50_ms": quantile(0.5), "p99_ms": quantile(0.99),
                  "max_ms": round(latencies[-1], 1) if latencies else None}))
