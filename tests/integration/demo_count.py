#!/usr/bin/env python3
"""Reads a topic of alarms through GET /v1/topics/{topic}/records and prints what the demo
tests compare with the simulator's ground truth, as JSON: records per `type` (all records),
records, and how many carry a customer."""
import json
import sys
import urllib.request

address, topic = sys.argv[1], sys.argv[2]


def get(path):
    with urllib.request.urlopen(f"http://{address}{path}") as response:
        return json.load(response)


topics = {t["name"]: t for t in get("/v1/topics")["topics"]}
counts = {"records": 0, "with_customer": 0, "types": {}}
for p in topics.get(topic, {"partitions": []})["partitions"]:
    offset = p["start_offset"]
    while offset < p["end_offset"]:
        page = get(f"/v1/topics/{topic}/records?partition={p['partition']}&offset={offset}&limit=1000")
        for record in page["records"]:
            value = record["value"]
            counts["records"] += 1
            kind = value.get("type", "") if isinstance(value, dict) else ""
            counts["types"][kind] = counts["types"].get(kind, 0) + 1
            if isinstance(value, dict) and isinstance(value.get("customer"), dict):
                counts["with_customer"] += 1
        if page["next_offset"] <= offset:
            break
        offset = page["next_offset"]
print(json.dumps(counts, sort_keys=True))
