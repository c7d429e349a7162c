#!/usr/bin/env bash
# Consumer groups with real clients: confluent-kafka (librdkafka), kafka-python and kafkajs each
# consume part of a topic in a group with commits, stop, and a new consumer resumes at the
# committed offsets (every byte compared); kcat -G reads a topic as a balanced consumer;
# `caudal consume --group` resumes where it left off; committed offsets survive a restart.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
  kafka: 127.0.0.1:0
topics:
  plain: { partitions: 3 }
YAML

kafka_address() { sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | tail -n1; }
start_caudal "$TEST_DIR/caudal.yaml"
KAFKA_ADDR=$(kafka_address)

# The three clients at once: each group forms after the coordinator's 3 s initial delay.
groups_py="$CAUDAL_SOURCE_DIR/tests/integration/kafka/group_clients.py"
/usr/bin/python3 "$groups_py" resume confluent "$KAFKA_ADDR" resume-confluent g-confluent \
  >"$TEST_DIR/confluent.out" 2>&1 &
confluent_pid=$!
/usr/bin/python3 "$groups_py" resume kafka-python "$KAFKA_ADDR" resume-kafka-python g-kafka-python \
  >"$TEST_DIR/kafka-python.out" 2>&1 &
kafka_python_pid=$!
(cd "$CAUDAL_SOURCE_DIR" && node tests/integration/kafka/kafkajs_group.js "$KAFKA_ADDR" \
  resume-kafkajs g-kafkajs) >"$TEST_DIR/kafkajs.out" 2>&1 &
kafkajs_pid=$!
for client in confluent:$confluent_pid kafka-python:$kafka_python_pid kafkajs:$kafkajs_pid; do
  if wait "${client#*:}"; then
    pass "$(grep '^ok:' "$TEST_DIR/${client%%:*}.out" | sed 's/^ok: //')"
  else
    fail "${client%%:*} group resume: $(tail -n 5 "$TEST_DIR/${client%%:*}.out")"
  fi
done

# kcat -G: a balanced consumer reads every record of a 3-partition topic.
seq 1 300 | sed 's/^/line /' >"$TEST_DIR/plain.txt"
kcat -P -b "$KAFKA_ADDR" -t plain -X acks=all -l "$TEST_DIR/plain.txt"
timeout 40 kcat -b "$KAFKA_ADDR" -G g-kcat plain -o beginning -e -q -f '%s\n' \
  -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 >"$TEST_DIR/kcat-group.txt" \
  2>"$TEST_DIR/kcat-group.err" || true
expect_eq "$(sort "$TEST_DIR/kcat-group.txt" | md5sum)" "$(sort "$TEST_DIR/plain.txt" | md5sum)" \
  "kcat -G reads all 300 records as a balanced consumer"

# caudal consume --group: 100 records, then the rest; together every record once.
group_consume() { timeout 40 "$CAUDAL_BINARY" consume plain -b "$KAFKA_ADDR" --group g-cli "$@"; }
group_consume -n 100 >"$TEST_DIR/cli-first.txt" 2>"$TEST_DIR/cli-first.err" || true
group_consume -e >"$TEST_DIR/cli-second.txt" 2>"$TEST_DIR/cli-second.err" || true
expect_eq "$(wc -l <"$TEST_DIR/cli-first.txt")" "100" "caudal consume --group -n 100 prints 100"
expect_eq "$(cat "$TEST_DIR/cli-first.txt" "$TEST_DIR/cli-second.txt" | sort | md5sum)" \
  "$(sort "$TEST_DIR/plain.txt" | md5sum)" \
  "a second caudal consume --group resumes after them: every record exactly once"

# Committed offsets are durable: the same answer after a restart.
before=$(/usr/bin/python3 "$groups_py" committed "$KAFKA_ADDR" resume-confluent g-confluent)
expect_eq "$before" "0:100 1:100" "the confluent group committed to the end of both partitions"
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal stops cleanly"
start_caudal "$TEST_DIR/caudal.yaml"
KAFKA_ADDR=$(kafka_address)
expect_eq "$(/usr/bin/python3 "$groups_py" committed "$KAFKA_ADDR" resume-confluent g-confluent)" \
  "$before" "committed offsets survive a broker restart"
expect_eq "$(timeout 20 "$CAUDAL_BINARY" consume plain -b "$KAFKA_ADDR" --group g-cli -e | wc -l)" "0" \
  "caudal consume --group after the restart has nothing left to print"
expect_contains "$(kcat -b "$KAFKA_ADDR" -L 2>&1 | head -n 3)" "broker 0" "the broker answers after the restart"

stop_caudal TERM
finish
