#!/usr/bin/env bash
# A librdkafka consumer group of three members (confluent-kafka) on a 6-partition topic: one
# member leaves and another joins mid-stream; every record is processed and no partition is
# owned by two live members at once (tests/integration/kafka/group_clients.py rebalance).
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
  kafka: 127.0.0.1:0
YAML

start_caudal "$TEST_DIR/caudal.yaml"
KAFKA_ADDR=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
if out=$(timeout 90 /usr/bin/python3 "$CAUDAL_SOURCE_DIR/tests/integration/kafka/group_clients.py" \
    rebalance "$KAFKA_ADDR" rebalanced 2>&1); then
  pass "$(echo "$out" | grep '^ok:' | sed 's/^ok: //')"
else
  fail "rebalancing group: $(echo "$out" | tail -n 5)"
fi
metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" "caudal_kafka_group_rebalances_total" "rebalances are counted"
rebalances=$(echo "$metrics" | sed -n 's/^caudal_kafka_group_rebalances_total \([0-9]*\).*/\1/p')
if [ "${rebalances:-0}" -ge 3 ]; then pass "at least 3 rebalances ($rebalances)"; else fail "rebalances: $rebalances"; fi
expect_contains "$metrics" "caudal_kafka_offset_commits_total" "commits are counted"

stop_caudal TERM
finish
