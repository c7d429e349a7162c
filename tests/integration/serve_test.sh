#!/usr/bin/env bash
# `caudal serve`: starts from a config, says where it listens, answers health and metrics
# (validated by promtool), and stops cleanly on SIGINT and SIGTERM.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
topics:
  ENTRY: { partitions: 2 }
YAML

start_caudal "$TEST_DIR/caudal.yaml"
expect_contains "$HTTP_ADDR" "127.0.0.1:" "reports the bound http address"
[ -d "$TEST_DIR/data" ] && pass "creates data_dir relative to the config file" || fail "data dir missing"
expect_eq "$(ls "$TEST_DIR/data/topics/ENTRY" | grep -c '^[0-9]')" "2" "creates the configured topic with 2 partitions"
expect_contains "$(cat "$TEST_DIR/caudal.log")" "created topic ENTRY with 2 partition(s)" "logs the topic creation"

expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP_ADDR/healthz")" "200" "/healthz is 200"
expect_eq "$(curl -s "http://$HTTP_ADDR/readyz")" '{"status":"ready"}' "/readyz says ready"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP_ADDR/nope")" "404" "unknown route is 404"

metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" "process_resident_memory_bytes" "/metrics has process metrics"
expect_contains "$metrics" 'caudal_http_requests_total{route="healthz",code="200"} 1' "/metrics counts requests"
if promtool_out=$(curl -s "http://$HTTP_ADDR/metrics" | promtool check metrics 2>&1); then
  pass "promtool check metrics accepts /metrics"
else
  fail "promtool check metrics: $promtool_out"
fi

# A second process on the same data directory is refused, and says why.
set +e
"$CAUDAL_BINARY" serve -c "$TEST_DIR/caudal.yaml" >/dev/null 2>"$TEST_DIR/second.log"
second_exit=$?
set -e
expect_eq "$second_exit" "1" "second serve on the same data dir exits 1"
expect_contains "$(cat "$TEST_DIR/second.log")" "is in use by another Caudal process" "and says why"

stop_caudal INT
expect_eq "$CAUDAL_EXIT" "0" "SIGINT stops with exit 0"
expect_contains "$(cat "$TEST_DIR/caudal.log")" "stopped cleanly" "logs a clean stop"

start_caudal "$TEST_DIR/caudal.yaml"
if grep -q "created topic" "$TEST_DIR/caudal.log"; then fail "topic created twice on restart"; else pass "restart reopens the existing topic"; fi
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "SIGTERM stops with exit 0"

# JSON logs: every line is a JSON object.
"$CAUDAL_BINARY" --log-format json serve -c "$TEST_DIR/caudal.yaml" >/dev/null 2>"$TEST_DIR/json.log" &
CAUDAL_PID=$!
for _ in $(seq 1 100); do grep -q running "$TEST_DIR/json.log" && break; sleep 0.05; done
stop_caudal INT
if /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TEST_DIR/json.log"; then
  pass "--log-format json writes one JSON object per line"
else
  fail "json log lines do not parse: $(head -c 500 "$TEST_DIR/json.log")"
fi

finish
