#!/usr/bin/env bash
# The Elasticsearch-compatible search API with curl against the real binary: documents
# produced to the indexes' topics with kcat, seed 003's curl example (a match on message across social-*, a terms aggregation
# top_10_states), near-real-time visibility of a _doc, _count, URI search, errors, _cat/indices,
# _mapping, DELETE, and `caudal search`.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  elasticsearch: 127.0.0.1:0
  kafka: 127.0.0.1:0
indexes:
  social-tweets: {topic: tweets}
  social-news: {topic: news}
  web: {topic: weblogs, mappings: {status: long}}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
ES=$(sed -n 's/.*listening elasticsearch on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(eval('d' + sys.argv[1]), separators=(',', ':')))" "$1"; }

info=$(curl -s -i "http://$ES/")
expect_contains "$info" "X-Elastic-Product: Elasticsearch" "GET / carries the product header"

# Tweets in two states mention myProduct: CA three times, TX twice, NY once; one news item too.
KAFKA=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
for state in CA CA CA TX TX NY; do
  printf '{"message":"I love myProduct","state":"%s"}\n' "$state"
done | kcat -P -b "$KAFKA" -t tweets
printf 't-1\t{"message":"nothing to see","state":"WA"}\n' | kcat -P -b "$KAFKA" -t tweets -K '\t'
printf '{"message":"myProduct launches","state":"CA"}\n' | kcat -P -b "$KAFKA" -t news
refresh=$(curl -s -XPOST "http://$ES/_refresh")
expect_eq "$(printf '%s' "$refresh" | json '["_shards"]["failed"]')" "0" "_refresh makes what the topics hold searchable"
expect_eq "$(curl -s "http://$ES/social-tweets/_count" | json '["count"]')" "7" "7 tweets are indexed"

# Seed 003's example, verbatim but for the address.
seed=$(curl -s -H "Content-Type: application/json" -XGET "http://$ES/social-*/_search" -d '{   "query": {     "match": {       "message": "myProduct"     }   },   "aggregations": {     "top_10_states": {       "terms": {         "field": "state",         "size": 10       }     }   } }')
expect_eq "$(printf '%s' "$seed" | json '["hits"]["total"]')" '{"value":7,"relation":"eq"}' "seed 003: 7 documents match myProduct across social-*"
expect_eq "$(printf '%s' "$seed" | json '["aggregations"]["top_10_states"]["buckets"]')" \
  '[{"key":"CA","doc_count":4},{"key":"TX","doc_count":2},{"key":"NY","doc_count":1}]' "seed 003: top_10_states"

# Near real time: a record appended to the topic is searchable within the refresh interval.
start=$(date +%s%N)
printf '{"status":503,"message":"upstream timeout"}\n' | kcat -P -b "$KAFKA" -t weblogs
seen=0
for _ in $(seq 1 100); do
  count=$(curl -s "http://$ES/web/_count?q=status:503" | json '["count"]')
  if [ "$count" == "1" ]; then seen=1; break; fi
  sleep 0.02
done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "$seen" "1" "an appended record is searchable without a refresh"
if [ "$elapsed_ms" -lt 1500 ]; then pass "it is searchable within 1.5 s (${elapsed_ms} ms)"; else fail "searchable only after ${elapsed_ms} ms"; fi

uri=$(curl -s "http://$ES/social-tweets/_search?q=state:TX&size=1&_source=state")
expect_eq "$(printf '%s' "$uri" | json '["hits"]["hits"][0]["_source"]')" '{"state":"TX"}' "URI search with q, size and _source"

missing=$(curl -s -w ' %{http_code}' "http://$ES/nope/_search")
expect_contains "$missing" '"type":"index_not_found_exception"' "a missing index is index_not_found_exception"
expect_contains "$missing" ' 404' "with status 404"
bad=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' "http://$ES/web/_search" -d '{"query":{"nope":{}}}')
expect_contains "$bad" '"type":"parsing_exception","reason":"unknown query [nope]","line":1,"col":10' "an unknown query is a positioned parsing_exception"
expect_contains "$bad" ' 400' "with status 400"

cat_indices=$(curl -s "http://$ES/_cat/indices?v")
expect_contains "$cat_indices" "social-tweets" "_cat/indices lists the indexes"
mapping=$(curl -s "http://$ES/web/_mapping")
expect_eq "$(printf '%s' "$mapping" | json '["web"]["mappings"]["properties"]["status"]')" '{"type":"long"}' "_mapping shows the explicit long"

table=$("$CAUDAL_BINARY" search social-tweets 'state:CA' --server "$ES" --fields state,message)
expect_contains "$table" "I love myProduct" "caudal search prints the hits"
expect_contains "$table" "3 of 3 hits" "caudal search prints the total"

deleted=$(curl -s -XDELETE "http://$ES/social-news")
expect_eq "$deleted" '{"acknowledged":true}' "DELETE /social-news is acknowledged"
expect_eq "$(curl -s "http://$ES/social-news/_count" | json '["count"]')" "0" "the index is empty afterwards"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal exits cleanly"
finish
