#!/usr/bin/env bash
# The official Elasticsearch and OpenSearch JavaScript clients against Caudal's
# Elasticsearch-compatible listener (es_clients.js): bulk helpers, replacements by _id,
# searches with aggregations and search_after, each answer compared with what the script
# computes from the dataset it generated. Then seed 003's own curl example, verbatim.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  elasticsearch: 127.0.0.1:0
auto_create_topics: true
indexes:
  es-web: {topic: es_web, timestamp: "@timestamp"}
  os-web: {topic: os_web, timestamp: "@timestamp"}
  social-tweets: {topic: tweets}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
ES=$(sed -n 's/.*listening elasticsearch on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)

run_client() {
  local flavour="$1" index="$2" out
  if ! out=$(node "$CAUDAL_SOURCE_DIR/tests/integration/es_clients.js" "$flavour" "http://$ES" "$index" 2>"$TEST_DIR/$flavour.err"); then
    fail "$flavour client failed: $(cat "$TEST_DIR/$flavour.err")"
    return
  fi
  while IFS=$'\t' read -r name expected actual; do
    expect_eq "$actual" "$expected" "$flavour: $name"
  done <<<"$out"
}
run_client es es-web
run_client os os-web

# Seed 003's example as the seed prints it (localhost:9200), pointed at this listener.
{
  for state in CA CA TX; do
    printf '{"index":{"_index":"social-tweets"}}\n{"message":"I love myProduct","state":"%s"}\n' "$state"
  done
  printf '{"index":{"_index":"social-tweets"}}\n{"message":"a different product","state":"NY"}\n'
} | curl -s -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary @- "http://$ES/_bulk?refresh=true"
seed_command=$(cat <<'SEED'
curl -H "Content-Type: application/json" -XGET 'http://localhost:9200/social-*/_search' -d '{   "query": {     "match": {       "message": "myProduct"     }   },   "aggregations": {     "top_10_states": {       "terms": {         "field": "state",         "size": 10       }     }   } }'
SEED
)
seed=$(eval "${seed_command/localhost:9200/$ES}" 2>/dev/null)
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(eval('d' + sys.argv[1]), separators=(',', ':')))" "$1"; }
expect_eq "$(printf '%s' "$seed" | json '["hits"]["total"]')" '{"value":3,"relation":"eq"}' "seed 003: 3 documents match myProduct"
expect_eq "$(printf '%s' "$seed" | json '["aggregations"]["top_10_states"]["buckets"]')" \
  '[{"key":"CA","doc_count":2},{"key":"TX","doc_count":1}]' "seed 003: top_10_states"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal exits cleanly"
finish
