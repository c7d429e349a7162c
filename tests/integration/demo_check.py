#!/usr/bin/env python3
"""What Caudal made of a `caudal simulate alarms` run against examples/alarms/caudal.yaml,
next to the simulator's ground truth, for the demo tests. Reads, through Caudal's HTTP API,
the topics COUNT (activated alarms) and RECOVERED (recoveries of active alarms), the
alarms_per_minute table (closed one-minute windows) and the per_minute pipeline's open windows
(state API), and the .eml files of the e-mail outbox.

usage: demo_check.py ADDRESS TRUTH.json OUTBOX [--exactly-once]

Prints one line per check, `description<TAB>actual<TAB>expected`. An alarm is identified by
its threshold.id, which a pipeline keeps when it sends an alarm again after a crash; with
--exactly-once (a run without crashes) nothing may be there twice."""
import datetime
import glob
import json
import re
import sys
import urllib.parse
import urllib.request

address, truth_path, outbox = sys.argv[1], sys.argv[2], sys.argv[3]
exactly_once = "--exactly-once" in sys.argv[4:]
truth = json.load(open(truth_path))
TYPES = ["motion", "smoke", "temperature"]


def get(path):
    with urllib.request.urlopen(f"http://{address}{path}") as response:
        return json.load(response)


def records(topic):
    topics = {t["name"]: t for t in get("/v1/topics")["topics"]}
    for p in topics.get(topic, {"partitions": []})["partitions"]:
        offset = p["start_offset"]
        while offset < p["end_offset"]:
            page = get(f"/v1/topics/{topic}/records?partition={p['partition']}&offset={offset}&limit=1000")
            yield from (r["value"] for r in page["records"])
            if page["next_offset"] <= offset:
                break
            offset = page["next_offset"]


def table(name):
    after = ""
    while True:
        page = get(f"/v1/tables/{name}?limit=10000&after={urllib.parse.quote(after)}")
        yield from (r["value"] for r in page["rows"])
        if page["next"] is None:
            return
        after = page["next"]


def minute(iso):
    t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return t.replace(second=0, microsecond=0).isoformat()


def check(description, actual, expected):
    print(f"{description}\t{actual}\t{expected}")


alarms = {}  # threshold.id -> (type, activation minute)
count_records = with_customer = 0
for value in records("COUNT"):
    count_records += 1
    with_customer += isinstance(value.get("customer"), dict)
    alarms[value["threshold"]["id"]] = (value["type"], minute(value["threshold"]["activated"]))
for t in TYPES:
    check(f"{t} alarms in COUNT (one per threshold.id) equal the truth's",
          sum(1 for kind, _ in alarms.values() if kind == t), truth["alarms"][t])
check("every alarm in COUNT carries its customer", with_customer, count_records)
recovered = {value["threshold"]["id"] for value in records("RECOVERED")}
check("recoveries of active alarms in RECOVERED equal the truth's", len(recovered), truth["recoveries"])

# Rule (e): closed windows from the table, open ones from the pipeline's state.
windows = {}
for row in table("alarms_per_minute"):
    windows[(row["key"], minute(row["window_start"]))] = row["alarms"]
late = 0
for t in TYPES:
    key = urllib.parse.quote(json.dumps(t))
    for step in get(f"/v1/pipelines/per_minute/state?key={key}")["steps"]:
        if step["kind"] != "window":
            continue
        for entry in step["entries"]:
            late += entry["late_events"]
            for w in entry["windows"]:
                windows[(t, minute(w["window_start"]))] = windows.get((t, minute(w["window_start"])), 0) + w["alarms"]
for t in TYPES:
    check(f"{t} alarms in the per-minute windows equal the truth's",
          sum(n for (kind, _), n in windows.items() if kind == t), truth["alarms"][t])
expected_windows = {}
for kind, at in alarms.values():
    expected_windows[(kind, at)] = expected_windows.get((kind, at), 0) + 1
check("every window counts the alarms activated in its minute",
      sorted(windows.items()) == sorted(expected_windows.items()), True)
check("no alarm came too late for its window", late, 0)

# The monitoring mailbox: every alarm at least once.
mailed = {}
for path in glob.glob(f"{outbox}/*.eml"):
    found = re.search(r"Alarm id: (\S+)", open(path, encoding="utf-8").read())
    if found:
        mailed[found.group(1)] = mailed.get(found.group(1), 0) + 1
check("every alarm was e-mailed", len(set(alarms) - set(mailed)), 0)
check("e-mails are about alarms in COUNT", len(set(mailed) - set(alarms)), 0)
if exactly_once:
    check("COUNT holds each alarm once", count_records, truth["alarms_total"])
    check("one e-mail per alarm", sum(mailed.values()), truth["alarms_total"])
