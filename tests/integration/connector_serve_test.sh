#!/usr/bin/env bash
# Connectors in `caudal serve`: one pipeline from ENTRY to a webhook (python3's http.server),
# an e-mail outbox and the file sink. Events posted over HTTP reach the webhook once each and
# in order, one .eml per event, and after a graceful stop one complete zstd NDJSON file under
# dir/YYYY/MM/DD/HH holding every event. An event the webhook refuses (HTTP 4xx) lands in the
# pipeline's dead-letter topic with the reason; the connector metrics count it.
source "$(dirname "$0")/lib.sh"

SERVER="$CAUDAL_SOURCE_DIR/src/pipeline/connectors/tests/webhook_server.py"
mkdir -p "$TEST_DIR/out"
python3 "$SERVER" 0 "$TEST_DIR/hook.jsonl" "$TEST_DIR/hook.status" >"$TEST_DIR/hook.port" &
HOOK_PID=$!
trap 'kill $HOOK_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do [ -s "$TEST_DIR/hook.port" ] && break; sleep 0.05; done
HOOK_PORT=$(head -n1 "$TEST_DIR/hook.port")

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
topics:
  ENTRY: {partitions: 1}
pipelines:
  deliver:
    from: ENTRY
    commit_interval: 50ms
    to:
      - webhook: { url: "http://127.0.0.1:$HOOK_PORT/events/{kind}", retry_backoff: 50ms }
      - email:
          outbox: "$TEST_DIR/out/mail"
          from: "caudal@test"
          to: "{customer.email}"
          subject: "event {n} for {customer.name}"
          body: "{customer}"
      - file: { dir: "$TEST_DIR/out/raw", prefix: raw, linger: 100ms }
YAML

start_caudal "$TEST_DIR/caudal.yaml"

seq 1 200 | awk '{printf "{\"kind\":\"ok\",\"n\":%d,\"customer\":{\"name\":\"c%d\",\"email\":\"c%d@test\"}}\n", $1, $1, $1}' \
  >"$TEST_DIR/events.ndjson"
curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$TEST_DIR/events.ndjson" \
  "http://$HTTP_ADDR/v1/topics/ENTRY" >/dev/null

for _ in $(seq 1 400); do
  [ "$(wc -l <"$TEST_DIR/hook.jsonl" 2>/dev/null || echo 0)" -ge 200 ] && break
  sleep 0.05
done
order=$(python3 -c '
import json, sys
ns = [json.loads(json.loads(l)["body"])["n"] for l in open(sys.argv[1])]
print("in order" if ns == list(range(1, 201)) else "got %d events: %s" % (len(ns), ns[:10]))' "$TEST_DIR/hook.jsonl")
expect_eq "$order" "in order" "the webhook got every event once, in order"
expect_contains "$(head -n1 "$TEST_DIR/hook.jsonl")" '"path": "/events/ok"' "the URL template took the event's field"

for _ in $(seq 1 200); do
  [ "$(ls "$TEST_DIR/out/mail" 2>/dev/null | grep -c '\.eml$')" -ge 200 ] && break
  sleep 0.05
done
expect_eq "$(ls "$TEST_DIR/out/mail" | grep -c '\.eml$')" "200" "one .eml per event in the outbox"
expect_contains "$(cat "$TEST_DIR/out/mail/"*.eml)" "Subject: event 7 for c7" "the subject template took the event's fields"

# A refused event: the webhook answers 400; the event is dead-lettered with the reason.
echo 400 >"$TEST_DIR/hook.status"
curl -sf -X POST -H 'Content-Type: application/x-ndjson' \
  --data-binary '{"kind":"bad","n":201,"customer":{"name":"x","email":"x@test"}}' \
  "http://$HTTP_ADDR/v1/topics/ENTRY" >/dev/null
dead=""
for _ in $(seq 1 200); do
  dead=$(curl -s "http://$HTTP_ADDR/v1/topics/deliver.dead_letter/records?limit=10" |
    grep -o '"reason":"POST http://127.0.0.1:[0-9]*/events/bad answered HTTP 400[^"]*"' || true)
  [ -n "$dead" ] && break
  sleep 0.05
done
expect_contains "$dead" 'answered HTTP 400' "the refused event is in the dead-letter topic with the reason"
expect_contains "$(curl -s "http://$HTTP_ADDR/v1/topics/deliver.dead_letter/records?limit=10")" \
  '"sink":"webhook","source":{"topic":"ENTRY","partition":0,"offset":200,' \
  "the dead letter names the source record of the event (as the pipeline's own dead letters do)"
metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" 'caudal_connector_dead_lettered_total{pipeline="deliver",sink="webhook"} 1' "the dead letter is counted"
expect_contains "$metrics" 'caudal_connector_delivered_total{pipeline="deliver",sink="email"} 201' "the e-mails are counted"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal stops cleanly"
files=$(find "$TEST_DIR/out/raw" -type f | sort)
hour_dirs=$(echo "$files" | sed "s#$TEST_DIR/out/raw/##" | grep -cE '^[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2}/raw-[0-9TZ]+-[0-9]{4}\.ndjson\.zst$' || true)
expect_eq "$hour_dirs" "$(echo "$files" | wc -l)" "every file is complete, under dir/YYYY/MM/DD/HH"
lines=$(for f in $files; do zstd -dc "$f"; done | wc -l)
expect_eq "$lines" "201" "the files hold every event"

# A restart after the graceful stop reads nothing again: the sinks flushed (the file sink
# completed its file) before the last commit. One more event shows the pipeline ran.
echo 200 >"$TEST_DIR/hook.status"
start_caudal "$TEST_DIR/caudal.yaml"
curl -sf -X POST -H 'Content-Type: application/x-ndjson' \
  --data-binary '{"kind":"ok","n":202,"customer":{"name":"y","email":"y@test"}}' \
  "http://$HTTP_ADDR/v1/topics/ENTRY" >/dev/null
for _ in $(seq 1 400); do
  grep -qF '\"n\":202' "$TEST_DIR/hook.jsonl" && break
  sleep 0.05
done
stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal stops cleanly after the restart"
once=$(for f in $(find "$TEST_DIR/out/raw" -type f -name '*.zst'); do zstd -dc "$f"; done | python3 -c '
import collections, json, sys
ns = collections.Counter(json.loads(l)["n"] for l in sys.stdin)
print("each once" if sorted(ns) == list(range(1, 203)) and set(ns.values()) == {1} else
      "%d distinct, repeated: %s" % (len(ns), [n for n, c in ns.items() if c > 1][:10]))')
expect_eq "$once" "each once" "after a graceful stop and a restart the files hold every event exactly once"
expect_eq "$(wc -l <"$TEST_DIR/hook.jsonl")" "201" "the webhook got no event twice across the restart"
expect_eq "$(ls "$TEST_DIR/out/mail" | grep -c '\.eml$')" "202" "no e-mail twice across the restart"

finish
