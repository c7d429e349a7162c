#!/usr/bin/env bash
# Configuration reload under load: while events stream in over HTTP, the `tag` pipeline is
# changed three times (SIGHUP, POST /v1/admin/reload, SIGHUP) and a new topic, lookup table and
# pipeline are added; the unchanged `copy` pipeline neither loses nor duplicates an event and
# the changed one loses none. A broken file is refused with its errors while everything keeps
# running; the results show in GET /v1/admin/reload, the log and /metrics.
source "$(dirname "$0")/lib.sh"

write_config() {  # write_config VERSION [EXTRA_YAML]
  cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
topics:
  IN: {partitions: 2}
pipelines:
  copy:
    from: IN
    commit_interval: 50ms
    to: {topic: OUT_A, key: id}
  tag:
    from: IN
    commit_interval: 50ms
    steps:
      - set: {version: $1}
    to: {topic: OUT_B, key: id}
${2:-}
YAML
}

# post FIRST LAST: events {"id":<n>} in requests of 250.
post() {
  for ((start = $1; start <= $2; start += 250)); do
    local end=$((start + 249 < $2 ? start + 249 : $2))
    seq "$start" "$end" | awk '{printf "{\"id\":%d}\n", $1}' >"$TEST_DIR/batch-$1.ndjson"
    curl -sf -X POST -H 'Content-Type: application/x-ndjson' \
      --data-binary @"$TEST_DIR/batch-$1.ndjson" "http://$HTTP_ADDR/v1/topics/IN" >/dev/null
  done
}

reload_post() {
  curl -s -o "$TEST_DIR/reload.json" -w '%{http_code}' -X POST "http://$HTTP_ADDR/v1/admin/reload"
}

# reload_hup: SIGHUP, then wait until GET /v1/admin/reload shows a result other than the one
# before (each result names different pipelines, so they differ).
reload_hup() {
  local before
  before=$(curl -s "http://$HTTP_ADDR/v1/admin/reload")
  kill -HUP "$CAUDAL_PID"
  for _ in $(seq 1 400); do
    curl -s -o "$TEST_DIR/reload.json" "http://$HTTP_ADDR/v1/admin/reload"
    [ "$(cat "$TEST_DIR/reload.json")" != "$before" ] && return 0
    sleep 0.05
  done
  return 1
}

field() {  # field PYTHON_EXPR: evaluated with r = the last reload result
  python3 -c "import json,sys; r=json.load(open('$TEST_DIR/reload.json')); print($1)"
}

write_config 1
start_caudal "$TEST_DIR/caudal.yaml"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP_ADDR/v1/admin/reload")
expect_eq "$code" "404" "GET /v1/admin/reload is 404 before any reload"

N=41000
post 1 40000 &
POSTER=$!

sleep 0.3
write_config 2
if reload_hup; then pass "SIGHUP reloads"; else fail "no reload result after SIGHUP"; fi
expect_eq "$(field 'r["result"], r["pipelines"]["restarted"], r["pipelines"]["unchanged"]')" \
  "applied ['tag'] ['copy']" "the first reload restarts only the changed pipeline"

sleep 0.3
printf 'id,zone\n1,North\n2,UK\n' >"$TEST_DIR/zones.csv"
write_config 3 "$(cat <<'YAML'
  zoned:
    from: IN
    steps:
      - filter: id <= 2
      - lookup: {table: zones, key: id, into: zone}
    to: {table: zoned, key: id}
tables:
  zones: {csv: zones.csv, key: id}
  zoned: {materialized: true}
YAML
)"
sed -i 's/^topics:$/topics:\n  NEW: {partitions: 3}/' "$TEST_DIR/caudal.yaml"
expect_eq "$(reload_post)" "200" "POST /v1/admin/reload applies a valid file"
expect_eq "$(field 'r["pipelines"]["started"], r["pipelines"]["restarted"], r["pipelines"]["unchanged"], r["topics_created"], r["tables_added"]')" \
  "['zoned'] ['tag'] ['copy'] ['NEW'] ['zones', 'zoned']" \
  "the second reload adds a pipeline, a topic and two tables and restarts tag again"

# A broken file: refused with its errors, nothing changes.
cp "$TEST_DIR/caudal.yaml" "$TEST_DIR/good.yaml"
sed -i 's/- set: {version: 3}/- set: {version: 3 +}/' "$TEST_DIR/caudal.yaml"
expect_eq "$(reload_post)" "400" "a file with an error is refused with 400"
expect_contains "$(field 'r["result"], r["errors"][0]')" "caudal.yaml:" "the refusal names the file and the place"
cp "$TEST_DIR/good.yaml" "$TEST_DIR/caudal.yaml"

sleep 0.3
sed -i 's/- set: {version: 3}/- set: {version: 4}/' "$TEST_DIR/caudal.yaml"
if reload_hup; then pass "a second SIGHUP reloads"; else fail "no reload result after the second SIGHUP"; fi
expect_eq "$(field 'r["result"], r["pipelines"]["restarted"], sorted(r["pipelines"]["unchanged"])')" \
  "applied ['tag'] ['copy', 'zoned']" "the third change restarts tag only"

wait "$POSTER"
pass "every POST was accepted while reloading"
# After the last reload, so these surely meet the last definition of tag.
post 40001 "$N"

# check TOPIC: counts of each id across the topic's partitions, as "records distinct missing
# duplicated max_version_of_last_1000".
check() {
  python3 - "$HTTP_ADDR" "$1" "$N" <<'PY'
import collections, json, sys, urllib.request
addr, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
meta = json.load(urllib.request.urlopen(f"http://{addr}/v1/topics"))
parts = [t for t in meta["topics"] if t["name"] == topic][0]["partitions"]
counts = collections.Counter(); versions = {}
for p in parts:
    offset = p["start_offset"]
    while offset < p["end_offset"]:
        page = json.load(urllib.request.urlopen(
            f"http://{addr}/v1/topics/{topic}/records?partition={p['partition']}&offset={offset}&limit=1000"))
        for r in page["records"]:
            counts[r["value"]["id"]] += 1
            versions[r["value"]["id"]] = r["value"].get("version")
        offset = page["records"][-1]["offset"] + 1
missing = sum(1 for i in range(1, n + 1) if counts[i] == 0)
dups = sum(1 for c in counts.values() if c > 1)
last = max((versions[i] or 0) for i in range(n - 999, n + 1) if i in versions) if versions else 0
print(sum(counts.values()), len(counts), missing, dups, last)
PY
}

# wait_count TOPIC N: until the topic holds at least N records (30 s at most).
wait_count() {
  for _ in $(seq 1 600); do
    local have
    have=$(curl -s "http://$HTTP_ADDR/v1/topics" | python3 -c "import json,sys; print(sum(t['records'] for t in json.load(sys.stdin)['topics'] if t['name']=='$1'))")
    [ "$have" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}
wait_count OUT_A "$N" || true
wait_count OUT_B "$N" || true
expect_eq "$(check OUT_A)" "$N $N 0 0 0" "the unchanged pipeline delivered every event exactly once"
read -r _ distinct missing _ last <<<"$(check OUT_B)"
expect_eq "$distinct $missing $last" "$N 0 4" "the changed pipeline lost nothing and runs its last definition"
expect_eq "$(curl -s "http://$HTTP_ADDR/v1/tables/zoned/2")" '{"id":2,"zone":{"id":2,"zone":"UK"}}' \
  "the pipeline added by a reload uses the table added with it"

metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" 'caudal_config_reloads_total{result="applied"} 3' "applied reloads are counted"
expect_contains "$metrics" 'caudal_config_reloads_total{result="refused"} 1' "the refused reload is counted"
expect_contains "$metrics" 'caudal_config_last_reload_successful 1' "the last reload succeeded"
expect_contains "$(cat "$TEST_DIR/caudal.log")" "configuration reload refused" "the refusal is logged"
expect_contains "$(cat "$TEST_DIR/caudal.log")" "configuration reloaded: pipelines started [zoned]" \
  "an applied reload is logged with what changed"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "stops cleanly after reloads"
finish
