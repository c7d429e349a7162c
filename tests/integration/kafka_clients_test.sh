#!/usr/bin/env bash
# The Kafka listener with real clients: kcat (each codec, keys, headers, byte comparison) and the
# Python clients (tests/integration/kafka/python_clients.py).
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
  kafka: 127.0.0.1:0
topics:
  kcat: { partitions: 1 }
YAML

start_caudal "$TEST_DIR/caudal.yaml"
KAFKA_ADDR=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
expect_contains "$KAFKA_ADDR" "127.0.0.1:" "reports the bound kafka address"

# kcat: 100 keyed records with a header per codec; what comes back is what went in.
expected="$TEST_DIR/expected.txt"
: >"$expected"
for codec in none gzip snappy lz4 zstd; do
  input="$TEST_DIR/in-$codec.txt"
  for i in $(seq 1 100); do echo "$codec-$i;payload $i of $codec $(printf '%*s' $((i % 13)) '' | tr ' ' x)"; done >"$input"
  if kcat -P -b "$KAFKA_ADDR" -t kcat -K ';' -H "codec=$codec" -z "$codec" -X acks=all \
      -l "$input" 2>"$TEST_DIR/kcat-$codec.err"; then
    pass "kcat produces 100 records with $codec"
  else
    fail "kcat produce with $codec: $(cat "$TEST_DIR/kcat-$codec.err")"
  fi
  sed "s/\$/;codec=$codec/" "$input" >>"$expected"
done
kcat -C -b "$KAFKA_ADDR" -t kcat -o beginning -e -q -f '%k;%s;%h\n' >"$TEST_DIR/consumed.txt" \
  2>"$TEST_DIR/kcat-consume.err" || true
expect_eq "$(wc -l <"$TEST_DIR/consumed.txt")" "500" "kcat consumes the 500 records"
if cmp -s "$expected" "$TEST_DIR/consumed.txt"; then
  pass "keys, values and headers come back byte for byte, in order"
else
  fail "consumed records differ: $(diff "$expected" "$TEST_DIR/consumed.txt" | head -5)"
fi
expect_eq "$(kcat -C -b "$KAFKA_ADDR" -t kcat -o -3 -e -q -f '%o\n' | tr '\n' ' ')" "497 498 499 " \
  "kcat reads from the end (ListOffsets latest)"
expect_contains "$(kcat -L -b "$KAFKA_ADDR" -t kcat)" "partition 0, leader 0" "kcat -L shows the topic"

if out=$(/usr/bin/python3 "$CAUDAL_SOURCE_DIR/tests/integration/kafka/python_clients.py" \
    "$KAFKA_ADDR" 2>&1); then
  pass "confluent-kafka and kafka-python: $(echo "$out" | grep -c '^ok:') checks"
else
  fail "python clients: $out"
fi

# caudal topics: the CLI's own Kafka client (librdkafka).
topics() { "$CAUDAL_BINARY" topics "$@" -b "$KAFKA_ADDR"; }
expect_eq "$(topics create cli-made -p 3 -c retention.ms=60000 2>&1)" "created topic cli-made" \
  "caudal topics create"
expect_contains "$(cat "$TEST_DIR/data/topics/cli-made/topic.conf")" "partitions=3" \
  "the topic has the 3 partitions asked for"
expect_contains "$(topics list)" "$(printf 'cli-made\nkcat')" "caudal topics list"
expect_contains "$(topics describe kcat)" "partition 0: leader 0, offsets 0 to 500 (500 records)" \
  "caudal topics describe shows offsets"
set +e
again=$(topics create cli-made 2>&1); again_exit=$?
bad=$(topics create cli-bad -c compression.type=lz4 2>&1); bad_exit=$?
set -e
expect_eq "$again_exit" "1" "creating an existing topic fails"
expect_contains "$again" "already exists" "and says so"
expect_eq "$bad_exit" "1" "an unsupported config fails"
expect_contains "$bad" "compression.type" "and names it"
expect_eq "$(topics delete cli-made 2>&1)" "deleted topic cli-made" "caudal topics delete"
expect_eq "$(topics list | grep -c cli-made)" "0" "the deleted topic is gone"

# caudal produce and consume.
seq 1 20000 | sed 's/^\(.*\)$/key\1;value \1/' >"$TEST_DIR/lines.txt"
if "$CAUDAL_BINARY" produce cli-io -b "$KAFKA_ADDR" -k ';' -z zstd -f "$TEST_DIR/lines.txt" \
    2>"$TEST_DIR/produce.err"; then
  pass "caudal produce sends 20000 lines"
else
  fail "caudal produce: $(cat "$TEST_DIR/produce.err")"
fi
expect_contains "$(cat "$TEST_DIR/produce.err")" "20000 records to cli-io: 20000 acknowledged, 0 failed" \
  "caudal produce reports every record acknowledged"
expect_eq "$("$CAUDAL_BINARY" consume cli-io -b "$KAFKA_ADDR" -e | sort | md5sum)" \
  "$(sed 's/^[^;]*;//' "$TEST_DIR/lines.txt" | sort | md5sum)" "caudal consume -e prints every value"
expect_eq "$("$CAUDAL_BINARY" consume cli-io -b "$KAFKA_ADDR" -o 19999 -n 1 --json)" \
  "{\"topic\":\"cli-io\",\"partition\":0,\"offset\":19999,\"timestamp\":$("$CAUDAL_BINARY" consume cli-io -b "$KAFKA_ADDR" -o 19999 -n 1 --json | sed 's/.*"timestamp":\([0-9]*\).*/\1/'),\"key\":\"key20000\",\"value\":\"value 20000\",\"headers\":{}}" \
  "caudal consume --json prints the record as JSON"
expect_contains "$("$CAUDAL_BINARY" consume cli-io -b "$KAFKA_ADDR" -n 1 --pretty)" \
  "$(printf '{\n  "topic": "cli-io",\n  "partition": 0,\n  "offset": 0,')" "caudal consume --pretty indents"
expect_eq "$("$CAUDAL_BINARY" consume cli-io -b "$KAFKA_ADDR" --from-time 99999999999999 -e | wc -l)" "0" \
  "caudal consume --from-time after the last record prints nothing"
expect_eq "$("$CAUDAL_BINARY" consume cli-io -b "$KAFKA_ADDR" --from-time 0 -n 1)" "value 1" \
  "caudal consume --from-time 0 starts at the first record"

# kafkajs (npm): admin and producer; the records are read back with kcat.
if out=$(cd "$CAUDAL_SOURCE_DIR" && node tests/integration/kafka/kafkajs_client.js "$KAFKA_ADDR" \
    js-topic 2>&1); then
  expect_eq "$out" "produced 300" "kafkajs creates a topic and produces 300 records"
else
  fail "kafkajs: $out"
fi
expect_eq "$(kcat -C -b "$KAFKA_ADDR" -t js-topic -o beginning -e -q -f '%k=%s;%h\n' | sort -t- -k2 -n | head -2 | tr '\n' ' ')" \
  "key-0=kafkajs 0;n=0 key-1=kafkajs 1;n=1 " "kafkajs records come back with keys and headers"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "stops cleanly with clients gone"
finish
