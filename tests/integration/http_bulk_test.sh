#!/usr/bin/env bash
# Elasticsearch _bulk through the official @elastic/elasticsearch npm client (its bulk helper
# and index()), against the running binary; then the topics' end offsets show every document
# landed where http.bulk.indexes sends it. Needs `npm ci` (scripts/bootstrap runs it).
source "$(dirname "$0")/lib.sh"

if [ ! -d "$CAUDAL_SOURCE_DIR/node_modules/@elastic/elasticsearch" ]; then
  echo "node_modules/@elastic/elasticsearch is missing: run scripts/bootstrap (npm ci)" >&2
  exit 1
fi

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
auto_create_topics: false
http:
  bulk:
    indexes: {"logstash-*": logs}
topics:
  logs: {partitions: 2}
  web: {}
YAML
start_caudal "$TEST_DIR/caudal.yaml"

if ! seen=$(cd "$CAUDAL_SOURCE_DIR" && node tests/integration/http_bulk_es_client.js "http://$HTTP_ADDR" 2>"$TEST_DIR/node.err"); then
  fail "the Elasticsearch client failed: $(cat "$TEST_DIR/node.err")"
  finish
  exit 1
fi
field() { printf '%s' "$seen" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(eval('d' + sys.argv[1]), separators=(',', ':')))" "$1"; }

expect_eq "$(field '["version"]')" '"8.11.0"' "info() passes the client's product check"
expect_eq "$(field '["bulk"]')" '{"total":1000,"successful":1000,"failed":0,"dropped":[]}' "the bulk helper indexes 1000 documents"
expect_eq "$(field '["missing"]')" '{"failed":2,"dropped":[{"status":404,"type":"index_not_found_exception"},{"status":404,"type":"index_not_found_exception"}]}' "documents for a missing topic are dropped with 404"
expect_eq "$(field '["index_with_id"]')" '{"result":"created","id":"page-1"}' "index() with an id"
expect_eq "$(field '["index_without_id"]')" '{"result":"created","has_id":true}' "index() without an id gets one"

metrics=$(curl -s "http://$HTTP_ADDR/metrics")
logs_total=$(printf '%s\n' "$metrics" | sed -n 's/^caudal_log_end_offset{topic="logs",partition="[0-9]*"} \([0-9]*\)$/\1/p' | awk "{s += \$1} END {print s}")
expect_eq "$logs_total" "1000" "all 1000 documents are in topic logs"
expect_contains "$metrics" 'caudal_log_end_offset{topic="web",partition="0"} 2' "both index() documents are in topic web"
expect_contains "$metrics" 'caudal_http_ingest_events_total{api="bulk",topic="logs"} 1000' "/metrics counts them"
stop_caudal TERM
finish
