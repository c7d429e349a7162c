#!/usr/bin/env bash
# kill -9 while records are being indexed (produced with kcat, 20,000 of them): after the restart every document the topic holds
# is searchable exactly once (the index resumes from the topic offsets it had made durable,
# and generated ids make a replayed record replace itself).
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  elasticsearch: 127.0.0.1:0
  kafka: 127.0.0.1:0
indexes:
  events: {topic: events, refresh_interval: 50ms}
YAML
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(eval('d' + sys.argv[1]), separators=(',', ':')))" "$1"; }

start_caudal "$TEST_DIR/caudal.yaml"
ES=$(sed -n 's/.*listening elasticsearch on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
KAFKA=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
/usr/bin/python3 - "$TEST_DIR" <<'PY'
import sys
with open(sys.argv[1] + "/events.ndjson", "w") as f:
    for n in range(2000):
        f.write('{"n":%d,"message":"event number %d"}\n' % (n, n))
PY
# Rounds of 2000 records; the server is killed while the index is still catching up.
for round in $(seq 1 10); do
  kcat -P -l -b "$KAFKA" -t events "$TEST_DIR/events.ndjson"
done
kill -9 "$CAUDAL_PID"
wait "$CAUDAL_PID" 2>/dev/null || true
CAUDAL_PID=""
start_caudal "$TEST_DIR/caudal.yaml"
ES=$(sed -n 's/.*listening elasticsearch on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | tail -n1)
curl -s -XPOST "http://$ES/events/_refresh" >/dev/null
count=$(curl -s "http://$ES/events/_count" | json '["count"]')
expect_eq "$count" "20000" "every record of the topic is searchable after the restart"
# Exactly once: each n was produced once per round, so each appears 10 times, none more.
per_n=$(curl -s -H 'Content-Type: application/json' "http://$ES/events/_search" -d '{"size":0,"aggs":{"most":{"terms":{"field":"n","size":1}},"least":{"terms":{"field":"n","size":1,"order":{"_count":"asc"}}},"distinct":{"cardinality":{"field":"n"}}}}')
expect_eq "$(printf '%s' "$per_n" | json '["aggregations"]["most"]["buckets"][0]["doc_count"]')" "10" "no record is indexed twice"
expect_eq "$(printf '%s' "$per_n" | json '["aggregations"]["least"]["buckets"][0]["doc_count"]')" "10" "no record is missing"
expect_eq "$(printf '%s' "$per_n" | json '["aggregations"]["distinct"]["value"]')" "2000" "all 2000 values are there"
stop_caudal TERM
finish
