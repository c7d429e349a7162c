#!/usr/bin/env bash
# Issue 10's correctness test: `caudal simulate alarms` sends 200,000 readings (fixed seed) to
# the alarm example (examples/alarms/caudal.yaml, unchanged but for ports and paths), and what
# Caudal reports equals the simulator's ground truth exactly: alarms activated per type (COUNT),
# recoveries of active alarms (RECOVERED), the per-minute windows of rule (e) (closed ones in
# the alarms_per_minute table, open ones through the state API) and one e-mail per alarm in the
# outbox. Then the same run again while Caudal is killed with SIGKILL and restarted twice: the
# alarms and windows are still exact, and every alarm was e-mailed at least once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/demo_lib.sh"

READINGS=${DEMO_READINGS:-200000}
SIM_OPTIONS=(-n "$READINGS" --sensors 2000 --seed 11 --connections 4 --batch 500
  --anomaly-probability 0.01 --recovery-probability 0.05)

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# prepare RUN: a directory with the example's configuration on a fixed HTTP port (a restarted
# server must be where the simulator left it), its customers and an outbox.
prepare() {
  local run="$TEST_DIR/$1"
  mkdir -p "$run/web"
  echo '<html>alarm dashboard</html>' >"$run/web/index.html"
  "$CAUDAL_BINARY" simulate customers -n 2000 --seed 11 -o "$run/customers.csv" >/dev/null
  example_config "$run/caudal.yaml" "$run/web" "127.0.0.1:$(free_port)"
}

lag() {
  { curl -s "http://$HTTP_ADDR/metrics" || true; } |
    awk -v p="pipeline=\"$1\"" 'index($0, "caudal_pipeline_lag_offsets{") == 1 && index($0, p) { n += $2 } END { print n + 0 }'
}

# verify RUN [--exactly-once]: waits for the pipelines and the outbox, then compares.
verify() {
  local name="$1"
  local run="$TEST_DIR/$1"
  shift
  for _ in $(seq 1 600); do
    [ "$(lag detect)" == "0" ] && [ "$(lag per_minute)" == "0" ] && [ "$(lag recover)" == "0" ] && break
    sleep 0.1
  done
  expect_eq "$(lag detect)/$(lag per_minute)" "0/0" "$name: the pipelines caught up"
  # The e-mails and the last outputs may still be on their way: compare until they agree.
  local result=""
  for _ in $(seq 1 60); do
    result=$(python3 "$CAUDAL_SOURCE_DIR/tests/integration/demo_check.py" "$HTTP_ADDR" \
      "$run/truth.json" "$run/outbox" "$@")
    if ! awk -F'\t' '$2 != $3 { bad = 1 } END { exit bad }' <<<"$result"; then
      sleep 0.25
      continue
    fi
    break
  done
  while IFS=$'\t' read -r description actual expected; do
    expect_eq "$actual" "$expected" "$name: $description"
  done <<<"$result"
}

# 1. One run, no crash.
prepare clean
start_caudal "$TEST_DIR/clean/caudal.yaml"
"$CAUDAL_BINARY" simulate alarms --http "$HTTP_ADDR" "${SIM_OPTIONS[@]}" \
  --truth "$TEST_DIR/clean/truth.json" >"$TEST_DIR/clean/simulator.log" 2>&1
tail -n 2 "$TEST_DIR/clean/simulator.log"
expect_eq "$(python3 -c "import json; print(json.load(open('$TEST_DIR/clean/truth.json'))['retried_requests'])")" \
  "0" "clean: no request had to be retried"
verify clean --exactly-once
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "clean: caudal stops cleanly"

# 2. The same readings, at a rate that makes the run last about 8 s, while Caudal is killed
# and restarted twice. The simulator retries every request Caudal did not answer.
prepare crash
start_caudal "$TEST_DIR/crash/caudal.yaml"
"$CAUDAL_BINARY" simulate alarms --http "$HTTP_ADDR" "${SIM_OPTIONS[@]}" --rate $((READINGS / 8)) \
  --truth "$TEST_DIR/crash/truth.json" >"$TEST_DIR/crash/simulator.log" 2>&1 &
simulator=$!
entry_records() {
  curl -sf "http://$HTTP_ADDR/v1/topics" |
    python3 -c "import json,sys; print(sum(t['records'] for t in json.load(sys.stdin)['topics'] if t['name'] == 'ENTRY'))"
}
for pause in 2.5 2.5; do
  sleep "$pause"
  before=$(entry_records)
  stop_caudal KILL
  echo "killed with $before readings in ENTRY"
  if [ "$before" -gt 0 ] && [ "$before" -lt "$READINGS" ]; then
    pass "crash: killed during the run ($before of $READINGS readings in)"
  else
    fail "crash: the kill came outside the run ($before of $READINGS readings in)"
  fi
  sleep 0.3
  start_caudal "$TEST_DIR/crash/caudal.yaml"
done
set +e
wait "$simulator"
code=$?
set -e
expect_eq "$code" "0" "crash: the simulator finished"
tail -n 2 "$TEST_DIR/crash/simulator.log"
expect_eq "$(python3 -c "import json; print(json.load(open('$TEST_DIR/crash/truth.json'))['alarms'] == json.load(open('$TEST_DIR/clean/truth.json'))['alarms'])")" \
  "True" "crash: the same seed raised the same alarms as the clean run"
verify crash
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "crash: caudal stops cleanly"
finish
