#!/usr/bin/env bash
# Exact results through kill -9 (issue 7): a generator writes CRASH_EVENTS events (default
# 1,000,000) with known expected per-minute window counts and threshold activations; `caudal
# serve` runs two stateful pipelines over them into tables keyed by the outputs' deterministic
# ids and is killed with SIGKILL at random points 10 times while processing; after the last
# restart the tables hold exactly the expected windows (count and sum) and activations/clears:
# nothing lost, nothing counted twice. Also: the state API answers for a key.
source "$(dirname "$0")/lib.sh"

EVENTS=${CRASH_EVENTS:-1000000}
KILLS=${CRASH_KILLS:-10}

cat >"$TEST_DIR/ingest.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
topics:
  IN: {partitions: 1}
YAML
# The idle timeout is long: a restart must not make the one partition look idle.
cat "$TEST_DIR/ingest.yaml" - >"$TEST_DIR/caudal.yaml" <<YAML
pipelines:
  per_minute:
    from: IN
    checkpoint_interval: 100ms
    steps:
      - window: {key: type, tumbling: 1m, time: ts, idle_timeout: 1h, aggregate: {n: count(), total: sum(v)}}
    to: [{table: windows, key: id}]
  alarms:
    from: IN
    checkpoint_interval: 100ms
    steps:
      - key_by: sensor
      - threshold: {when: "v >= 80", count: "type == 'motion' ? 1 : 3", consecutive: true, clear_when: "v < 5"}
    to: [{table: alarms, key: threshold.id}]
YAML

# The events (in files of 50,000 lines) and the expected outputs, by the steps' documented rules.
python3 - "$TEST_DIR" "$EVENTS" <<'PY'
import json, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
types = ["motion", "smoke", "temperature", "door"]
base = 1704067200000
windows, alarms, sensors = {}, {}, {}
chunk, files = [], 0
def flush():
    global chunk, files
    with open(f"{out}/events-{files:04d}.ndjson", "w") as f:
        f.write("".join(chunk))
    files += 1
    chunk = []
for i in range(n + 1):
    if i < n:
        e = {"sensor": f"s-{rnd.randrange(2000)}", "type": rnd.choice(types), "v": rnd.randrange(100), "ts": base + i * 10}
    else:  # far later: closes every window; its own stays open
        e = {"sensor": "flush", "type": "flush", "v": 50, "ts": base + n * 10 + 3600000}
    chunk.append(json.dumps(e, separators=(",", ":")) + "\n")
    if len(chunk) == 50000: flush()
    if i < n:
        start = e["ts"] // 60000 * 60000
        key = f'per_minute/0/0/"{e["type"]}"/{start}'
        c, s = windows.get(key, (0, 0))
        windows[key] = (c + 1, s + e["v"])
    st = sensors.get(e["sensor"])
    if e["v"] < 5:  # clear_when
        if st is not None:
            if st["active"]: alarms[f"alarms/1/IN/0/{i}"] = "cleared"
            del sensors[e["sensor"]]
        continue
    if e["v"] < 80:  # consecutive: a non-matching event resets an inactive key
        if st is not None and not st["active"]: del sensors[e["sensor"]]
        continue
    st = sensors.setdefault(e["sensor"], {"active": False, "count": 0})
    st["count"] += 1
    if not st["active"] and st["count"] >= (1 if e["type"] == "motion" else 3):
        st["active"] = True
        alarms[f"alarms/1/IN/0/{i}"] = "active"
if chunk: flush()
json.dump({"windows": windows, "alarms": alarms}, open(f"{out}/expected.json", "w"))
PY

start_caudal "$TEST_DIR/ingest.yaml"
for f in "$TEST_DIR"/events-*.ndjson; do
  curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$f" "http://$HTTP_ADDR/v1/topics/IN" >/dev/null
done
stop_caudal TERM
pass "$((EVENTS + 1)) events written"

lag() {
  { curl -s "http://$HTTP_ADDR/metrics" || true; } |
    sed -n "s/^caudal_pipeline_lag_offsets{pipeline=\"$1\",topic=\"IN\",partition=\"0\"} //p"
}

# Kill at random points while both pipelines work through the backlog.
killed_midway=0
for k in $(seq 1 "$KILLS"); do
  start_caudal "$TEST_DIR/caudal.yaml"
  sleep "$(python3 -c "import random; print(round(random.uniform(0.05, 0.6), 3))")"
  left=$(lag per_minute)
  stop_caudal KILL
  [ "${left:-0}" != "0" ] && killed_midway=$((killed_midway + 1))
done
echo "killed $KILLS times, $killed_midway of them with the window pipeline behind"
if [ "$killed_midway" -ge 1 ]; then pass "killed mid-way through the backlog"; else fail "every kill came after the pipelines had caught up: raise CRASH_EVENTS"; fi

start_caudal "$TEST_DIR/caudal.yaml"
for _ in $(seq 1 1200); do
  [ "$(lag per_minute)" == "0" ] && [ "$(lag alarms)" == "0" ] && break
  sleep 0.05
done
expect_eq "$(lag per_minute)/$(lag alarms)" "0/0" "both pipelines caught up"

# table_rows TABLE: every row's value, one JSON per line (paged).
table_rows() {
  local after=""
  : >"$TEST_DIR/$1.rows"
  while :; do
    curl -sfG "http://$HTTP_ADDR/v1/tables/$1" --data-urlencode "limit=10000" --data-urlencode "after=$after" \
      -o "$TEST_DIR/page.json"
    after=$(python3 - "$TEST_DIR/page.json" "$TEST_DIR/$1.rows" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
with open(sys.argv[2], "a") as out:
    for r in page["rows"]: out.write(json.dumps(r["value"]) + "\n")
print(page["next"] if page["next"] is not None else "")
PY
)
    [ -z "$after" ] && break
  done
}

# Sinks acknowledge before a checkpoint is written, but the last outputs may still be on their
# way into the tables: wait until the counts match, then compare whole.
compare() {
  table_rows windows
  table_rows alarms
  python3 - "$TEST_DIR" <<'PY'
import json, sys
d = sys.argv[1]
expected = json.load(open(f"{d}/expected.json"))
windows = {}
for line in open(f"{d}/windows.rows"):
    r = json.loads(line)
    windows[r["id"]] = [r["n"], r["total"]]
alarms = {}
for line in open(f"{d}/alarms.rows"):
    r = json.loads(line)
    alarms[r["threshold"]["id"]] = r["threshold"]["state"]
ew = {k: list(v) for k, v in expected["windows"].items()}
bad = [k for k in ew if windows.get(k) != ew[k]] + [k for k in windows if k not in ew]
badalarms = [k for k in expected["alarms"] if alarms.get(k) != expected["alarms"][k]] + [k for k in alarms if k not in expected["alarms"]]
print(f"windows {len(windows)}/{len(ew)} (wrong: {len(bad)} {bad[:3]}), alarms {len(alarms)}/{len(expected['alarms'])} (wrong: {len(badalarms)} {badalarms[:3]})")
sys.exit(0 if not bad and not badalarms else 1)
PY
}
result=""
for _ in $(seq 1 50); do
  if result=$(compare); then break; fi
  sleep 0.2
done
if compare >/dev/null; then pass "exact after $KILLS kills: $result"; else fail "results differ: $result"; fi

state=$(curl -s "http://$HTTP_ADDR/v1/pipelines/alarms/state?key=s-7")
expect_contains "$state" '{"pipeline":"alarms","key":"s-7","steps":[{"step":1,"kind":"threshold","entries":' "the state API answers for a key"
expect_contains "$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP_ADDR/v1/pipelines/nope/state?key=a")" "404" "an unknown pipeline is a 404"
metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" 'caudal_pipeline_state_entries{pipeline="alarms",step="1:threshold"}' "state size in the metrics"
expect_contains "$metrics" 'caudal_pipeline_checkpoint_seconds_count{pipeline="per_minute"}' "checkpoint time in the metrics"
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "a clean stop"
finish
