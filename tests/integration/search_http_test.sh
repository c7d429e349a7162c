#!/usr/bin/env bash
# The search API on the main HTTP listener (/v1/search, docs/http-api.md §Search): the same
# handlers and answers as the Elasticsearch listener, so a page the dashboard serves can search
# its own origin. Documents go in through the native ingest API.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
  elasticsearch: 127.0.0.1:0
indexes:
  alarms: {topic: ALARMS, mappings: {level: long}}
  alarms-old: {topic: OLD_ALARMS}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
ES=$(sed -n 's/.*listening elasticsearch on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
SEARCH="http://$HTTP_ADDR/v1/search"
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(eval('d' + sys.argv[1]), separators=(',', ':')))" "$1"; }
# The body without "took", which differs between two runs of one search.
untimed() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); d.pop('took', None); print(json.dumps(d, sort_keys=True))"; }

# Smoke in the kitchen three times, motion in the hall twice, one old alarm.
{
  for i in 1 2 3; do printf '{"type":"smoke","room":"kitchen","level":%d,"message":"smoke detected"}\n' "$i"; done
  for i in 4 5; do printf '{"type":"motion","room":"hall","level":%d,"message":"motion detected"}\n' "$i"; done
} | curl -s -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary @- "http://$HTTP_ADDR/v1/topics/ALARMS"
printf '{"type":"smoke","room":"attic","level":9,"message":"old smoke"}\n' |
  curl -s -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary @- "http://$HTTP_ADDR/v1/topics/OLD_ALARMS"

# Searchable within the refresh interval (1 s); no _refresh route is needed.
count=""
for _ in $(seq 1 100); do
  count=$(curl -s "$SEARCH/alarms-*,alarms/_count" | json '["count"]')
  if [ "$count" == "6" ]; then break; fi
  sleep 0.05
done
expect_eq "$count" "6" "GET /v1/search/{index}/_count counts across an index list with a wildcard"

query='{"query":{"match":{"message":"smoke"}},"sort":[{"level":"desc"}],"size":2,"aggs":{"rooms":{"terms":{"field":"room"}},"top":{"max":{"field":"level"}}}}'
main=$(curl -s -i -H 'Content-Type: application/json' "$SEARCH/alarms/_search" -d "$query")
expect_contains "$main" "X-Elastic-Product: Elasticsearch" "/v1/search answers carry the product header"
body=$(curl -s -H 'Content-Type: application/json' "$SEARCH/alarms/_search" -d "$query")
expect_eq "$(printf '%s' "$body" | json '["hits"]["total"]')" '{"value":3,"relation":"eq"}' "POST _search: 3 smoke alarms"
expect_eq "$(printf '%s' "$body" | json '["hits"]["hits"][0]["_source"]["level"]')" '3' "sorted by level, highest first"
expect_eq "$(printf '%s' "$body" | json '["aggregations"]["rooms"]["buckets"]')" '[{"key":"kitchen","doc_count":3}]' "terms aggregation"
expect_eq "$(printf '%s' "$body" | json '["aggregations"]["top"]["value"]')" '3.0' "max aggregation"
es_body=$(curl -s -H 'Content-Type: application/json' "http://$ES/alarms/_search" -d "$query")
expect_eq "$(printf '%s' "$body" | untimed)" "$(printf '%s' "$es_body" | untimed)" "the same answer as on the Elasticsearch listener"

uri=$(curl -s "$SEARCH/alarms/_search?q=room:hall&size=1&_source=room")
expect_eq "$(printf '%s' "$uri" | json '["hits"]["hits"][0]["_source"]')" '{"room":"hall"}' "GET _search with q, size and _source"
all=$(curl -s "$SEARCH/_search?q=type:smoke&size=0")
expect_eq "$(printf '%s' "$all" | json '["hits"]["total"]["value"]')" '4' "GET /v1/search/_search searches every index"

cat_indices=$(curl -s "$SEARCH/_cat/indices?format=json")
expect_contains "$cat_indices" '"index":"alarms-old"' "_cat/indices lists the indexes"
one=$(curl -s "$SEARCH/_cat/indices/alarms?format=json")
expect_eq "$(printf '%s' "$one" | json '[0]["index"]')" '"alarms"' "_cat/indices/{index} lists that index"
expect_eq "$(printf '%s' "$one" | json '.__len__()')" '1' "and only it"
mapping=$(curl -s "$SEARCH/alarms/_mapping")
expect_eq "$(printf '%s' "$mapping" | json '["alarms"]["mappings"]["properties"]["level"]')" '{"type":"long"}' "_mapping shows the explicit long"
all_mappings=$(curl -s "$SEARCH/_mapping")
expect_contains "$all_mappings" '"alarms-old"' "_mapping without an index shows every index"

missing=$(curl -s -w ' %{http_code}' "$SEARCH/nope/_search")
expect_contains "$missing" '"type":"index_not_found_exception"' "a missing index is index_not_found_exception"
expect_contains "$missing" ' 404' "with status 404"
bad=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' "$SEARCH/alarms/_count" -d '{"query":{"nope":{}}}')
expect_contains "$bad" '"type":"parsing_exception","reason":"unknown query [nope]","line":1,"col":10' "an unknown query is a positioned parsing_exception"
expect_contains "$bad" ' 400' "with status 400"
put=$(curl -s -o /dev/null -w '%{http_code}' -XPUT "$SEARCH/alarms/_search")
expect_eq "$put" "405" "PUT on a search route is 405"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal exits cleanly"

# Without indexes, the routes still answer: no index matches.
cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data2
listen:
  http: 127.0.0.1:0
YAML
start_caudal "$TEST_DIR/caudal.yaml"
expect_eq "$(curl -s "http://$HTTP_ADDR/v1/search/_cat/indices?format=json")" "[]" "no indexes: _cat/indices is empty"
stop_caudal TERM
finish
