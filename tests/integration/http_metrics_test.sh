#!/usr/bin/env bash
# /metrics scraped by a real Prometheus (Debian's), started here on a free port with a temp
# config: once it has scraped Caudal, its /api/v1/query returns Caudal's ingest counters, log
# gauges and request histograms. The exposition also passes `promtool check metrics`.
source "$(dirname "$0")/lib.sh"

PROM_PID=""
stop_prometheus() {
  if [ -n "$PROM_PID" ] && kill -0 "$PROM_PID" 2>/dev/null; then
    kill "$PROM_PID"
    wait "$PROM_PID" 2>/dev/null || true
  fi
  PROM_PID=""
}
trap 'stop_prometheus; cleanup' EXIT

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
topics:
  ENTRY: {partitions: 2}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
for i in $(seq 1 5); do
  curl -s -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary $'{"a":1}\n{"a":2}\n' "http://$HTTP_ADDR/v1/topics/ENTRY"
done
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary '{"a":' "http://$HTTP_ADDR/v1/topics/ENTRY"

if out=$(curl -s "http://$HTTP_ADDR/metrics" | promtool check metrics 2>&1); then
  pass "promtool check metrics accepts /metrics"
else
  fail "promtool check metrics: $out"
fi

prom_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$TEST_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: caudal
    static_configs:
      - targets: ["$HTTP_ADDR"]
YAML
prometheus --config.file="$TEST_DIR/prometheus.yml" --storage.tsdb.path="$TEST_DIR/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" >"$TEST_DIR/prometheus.log" 2>&1 &
PROM_PID=$!

# query PROMQL: the query's result vector as JSON ("[]" until Prometheus has scraped).
query() {
  curl -s --get --data-urlencode "query=$1" "http://127.0.0.1:$prom_port/api/v1/query" |
    /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["data"]["result"]))' 2>/dev/null || echo "[]"
}
# value_of PROMQL: the first sample's value, or "" when there is none yet.
value_of() {
  query "$1" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["value"][1] if r else "")'
}

scraped=""
for _ in $(seq 1 60); do
  scraped=$(value_of 'sum(caudal_http_ingest_events_total{topic="ENTRY"})')
  [ -n "$scraped" ] && break
  sleep 0.5
done
expect_eq "$scraped" "10" "Prometheus scraped the ingest counter: 10 events"
expect_eq "$(value_of 'up{job="caudal"}')" "1" "the target is up"
expect_eq "$(value_of 'sum(caudal_log_end_offset{topic="ENTRY"})')" "10" "the log's end offsets are there"
expect_eq "$(value_of 'caudal_http_ingest_errors_total{api="native",code="invalid_json"}')" "1" "errors by code are there"
expect_eq "$(value_of 'sum(caudal_http_requests_total{route="ingest"})')" "6" "requests by route are there"
expect_eq "$(value_of 'caudal_http_request_duration_seconds_count{route="ingest"}')" "6" "the latency histogram is there"
expect_contains "$(query 'process_resident_memory_bytes')" '"job": "caudal"' "process metrics are there"

stop_prometheus
stop_caudal TERM
finish
