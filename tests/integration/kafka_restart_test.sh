#!/usr/bin/env bash
# Broker restart under load: an idempotent confluent-kafka producer (enable.idempotence, acks=all)
# streams numbered messages into a `flush: always` topic while Caudal is killed with SIGKILL,
# restarted on the same port, stopped with SIGTERM and restarted again. The client reconnects and
# carries on; afterwards every acknowledged message is in the topic exactly once, and no delivery
# report lost data. Retried batches that Caudal had already stored are recognised by their
# producer id and sequence (also across the restarts: the state is rebuilt from the log).
source "$(dirname "$0")/lib.sh"

write_config() {
  cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
  kafka: 127.0.0.1:$1
topics:
  stream: { partitions: 2, flush: always }
YAML
}

write_config 0
start_caudal "$TEST_DIR/caudal.yaml"
KAFKA_ADDR=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
write_config "${KAFKA_ADDR##*:}"

TOTAL=60000
cat >"$TEST_DIR/producer.py" <<'PY'
import sys, time
from confluent_kafka import Producer

addr, total, report = sys.argv[1], int(sys.argv[2]), sys.argv[3]
producer = Producer({
    "bootstrap.servers": addr,
    "enable.idempotence": True,
    "acks": "all",
    "linger.ms": 5,
    "batch.num.messages": 200,
    "message.timeout.ms": 60000,
    "reconnect.backoff.ms": 50,
    "reconnect.backoff.max.ms": 200,
})
acked, errors = [], []

def delivered(err, msg):
    if err is None:
        acked.append(msg.value().decode())
    else:
        errors.append("%s: %s" % (msg.value().decode(), err))

# About 15 s of sending, so the restarts happen mid-stream.
start = time.time()
for i in range(total):
    while True:
        try:
            producer.produce("stream", value=("msg-%06d" % i).encode(), key=str(i % 7).encode(),
                             on_delivery=delivered)
            break
        except BufferError:
            producer.poll(0.05)
    producer.poll(0)
    if i % 500 == 499:
        time.sleep(max(0.0, start + (i + 1) / 4000.0 - time.time()))
left = producer.flush(90)
with open(report, "w") as out:
    out.write("\n".join(acked) + "\n")
print("acked=%d errors=%d unflushed=%d" % (len(acked), len(errors), left))
for e in errors[:10]:
    print("error:", e)
sys.exit(0 if not errors and left == 0 else 1)
PY

/usr/bin/python3 "$TEST_DIR/producer.py" "$KAFKA_ADDR" "$TOTAL" "$TEST_DIR/acked.txt" \
  >"$TEST_DIR/producer.out" 2>&1 &
PRODUCER_PID=$!

restart() {
  start_caudal "$TEST_DIR/caudal.yaml"
  expect_contains "$(grep 'listening kafka' "$TEST_DIR/caudal.log")" "$KAFKA_ADDR" \
    "restarted after $1 on the same port"
}
sleep 3
stop_caudal KILL
restart SIGKILL
sleep 3
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "SIGTERM stops Caudal cleanly under load"
restart SIGTERM

set +e
wait "$PRODUCER_PID"
producer_exit=$?
set -e
summary=$(grep "^acked=\|^error:" "$TEST_DIR/producer.out" || tail -n 5 "$TEST_DIR/producer.out")
if [ "$producer_exit" -eq 0 ]; then
  pass "the producer got a delivery report for every message and no error ($summary)"
else
  fail "producer: $summary"
fi

kcat -C -b "$KAFKA_ADDR" -t stream -o beginning -e -q -f '%s\n' >"$TEST_DIR/consumed.txt" \
  2>"$TEST_DIR/kcat.err" || true
expect_eq "$(sort "$TEST_DIR/consumed.txt" | uniq -d | wc -l)" "0" "no message is stored twice"
acked_count=$(grep -c . "$TEST_DIR/acked.txt" || true)
expect_eq "$acked_count" "$TOTAL" "every message was acknowledged"
missing=$(sort -u "$TEST_DIR/acked.txt" | comm -23 - <(sort -u "$TEST_DIR/consumed.txt") | wc -l)
expect_eq "$missing" "0" "every acknowledged message is in the topic"
expect_eq "$(wc -l <"$TEST_DIR/consumed.txt")" "$TOTAL" "the topic holds exactly the messages sent"
# Per key (one partition each), the messages are in the order they were sent.
for key in 0 3; do
  sent=$(seq 0 $((TOTAL - 1)) | awk -v k="$key" '$1 % 7 == k { printf "msg-%06d\n", $1 }')
  got=$(kcat -C -b "$KAFKA_ADDR" -t stream -o beginning -e -q -f '%k %s\n' | awk -v k="$key" '$1 == k { print $2 }')
  if [ "$sent" == "$got" ]; then pass "key $key: in order"; else fail "key $key out of order"; fi
done
expect_contains "$(cat "$TEST_DIR/caudal.log")" "running" "the last Caudal is still running"

stop_caudal TERM
finish
