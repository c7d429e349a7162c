#!/usr/bin/env bash
# A pipeline survives kill -9: `caudal serve` runs a pipeline from ENTRY (two partitions) into a
# materialized table; events are posted over HTTP and the process is killed with SIGKILL while
# the pipeline is still working through them; after a restart (and more events) every event has
# reached the table, none lost. Also: the pipeline's metrics, its dead-letter topic getting a
# broken event, and a refused pipeline exiting with code 3.
source "$(dirname "$0")/lib.sh"

# The same data directory with and without the pipeline: events are loaded first, so the
# pipeline starts with a backlog and is surely killed in the middle of it.
cat >"$TEST_DIR/ingest.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
topics:
  ENTRY: {partitions: 2}
YAML
cat "$TEST_DIR/ingest.yaml" - >"$TEST_DIR/caudal.yaml" <<YAML
pipelines:
  state:
    from: ENTRY
    batch_size: 8
    commit_interval: 20ms
    steps:
      - set: {seen: true, doubled: n * 2}
    to: [{table: sensor_state, key: id}]
YAML

# post FIRST LAST: events {"id":"s-<n>","n":<n>} in requests of 500.
post() {
  local first=$1 last=$2
  for ((start = first; start <= last; start += 500)); do
    local end=$((start + 499 < last ? start + 499 : last))
    seq "$start" "$end" | awk '{printf "{\"id\":\"s-%06d\",\"n\":%d}\n", $1, $1}' >"$TEST_DIR/batch.ndjson"
    curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$TEST_DIR/batch.ndjson" \
      "http://$HTTP_ADDR/v1/topics/ENTRY" >/dev/null
  done
}

rows() {
  curl -s "http://$HTTP_ADDR/v1/tables" |
    python3 -c 'import json,sys; t=[x for x in json.load(sys.stdin)["tables"] if x["name"]=="sensor_state"]; print(t[0]["rows"] if t else 0)'
}

# wait_rows N: until the table holds N rows (20 s at most).
wait_rows() {
  for _ in $(seq 1 400); do
    [ "$(rows)" == "$1" ] && return 0
    sleep 0.05
  done
  return 1
}

start_caudal "$TEST_DIR/ingest.yaml"
post 1 20000
stop_caudal TERM

start_caudal "$TEST_DIR/caudal.yaml"
mid=0
for _ in $(seq 1 400); do
  mid=$(rows)
  [ "$mid" != "0" ] && break
  sleep 0.01
done
stop_caudal KILL
expect_eq "$CAUDAL_EXIT" "137" "kill -9 ends the process"
if [ "$mid" -gt 0 ] && [ "$mid" -lt 20000 ]; then
  pass "killed while the pipeline worked through its backlog ($mid of 20000 rows written)"
else
  fail "not killed mid-way: $mid rows"
fi

start_caudal "$TEST_DIR/caudal.yaml"
post 20001 21000
if wait_rows 21000; then pass "after the restart every event reached the table"; else fail "table holds $(rows) rows, expected 21000"; fi
expect_eq "$(curl -s "http://$HTTP_ADDR/v1/tables/sensor_state/s-000001")" \
  '{"id":"s-000001","n":1,"seen":true,"doubled":2}' "a row before the kill is whole"
expect_eq "$(curl -s "http://$HTTP_ADDR/v1/tables/sensor_state/s-021000")" \
  '{"id":"s-021000","n":21000,"seen":true,"doubled":42000}' "a row after the restart is whole"

# A broken event goes to the dead-letter topic; the pipeline goes on.
printf '{"id":"x","n":"not a number"}\n{"id":"s-999999","n":1}\n' >"$TEST_DIR/bad.ndjson"
curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$TEST_DIR/bad.ndjson" \
  "http://$HTTP_ADDR/v1/topics/ENTRY" >/dev/null
if wait_rows 21001; then pass "the event after a broken one is processed"; else fail "rows: $(rows)"; fi
metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" 'caudal_pipeline_dead_lettered_total{pipeline="state"} 1' "the broken event is counted as dead-lettered"
expect_contains "$metrics" 'caudal_pipeline_lag_offsets{pipeline="state",topic="ENTRY",partition="0"} 0' "the pipeline caught up"
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "a clean stop"
dead=$(find "$TEST_DIR/data/topics/state.dead_letter" -name '*.log' -exec cat {} + | tr -d '\0' | grep -ao '"step":{[^}]*},"source":{"topic":"ENTRY"' || true)
expect_contains "$dead" '"step":{"index":0,"name":"set"}' "the dead letter names the step that failed"

# A pipeline with an unknown step is a configuration error: exit code 3, with the position.
cat >"$TEST_DIR/bad.yaml" <<YAML
data_dir: ./data2
pipelines:
  p:
    from: ENTRY
    steps:
      - fliter: n > 1
    to: OUT
YAML
set +e
out=$("$CAUDAL_BINARY" serve -c "$TEST_DIR/bad.yaml" 2>&1)
code=$?
set -e
expect_eq "$code" "3" "serve refuses a broken pipeline with exit code 3"
expect_contains "$out" "bad.yaml:6:9: pipelines.p.steps[0].fliter: unknown step, did you mean 'filter'?" "the error names file, line, column and key"

finish
