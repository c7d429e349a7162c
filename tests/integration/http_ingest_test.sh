#!/usr/bin/env bash
# The native ingest API against the running binary with curl: every success and error case of
# docs/http-api.md §Native ingest, with the topics' end offsets (from /metrics) proving that a
# refused request appended nothing. Also the listener's limits: body over max_body_bytes
# refused before it is read, slow headers timed out, chunked bodies, keep-alive.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
auto_create_topics: false
http:
  max_body_bytes: 2MiB
  header_timeout: 500ms
topics:
  ENTRY: {partitions: 2, max_message_bytes: 4KiB}
  KEYED: {partitions: 3}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
BASE="http://$HTTP_ADDR"

# post TOPIC_PATH CONTENT_TYPE BODY_FILE [extra curl args...]: sets STATUS and BODY.
post() {
  local path="$1" type="$2" file="$3"
  shift 3
  local out
  out=$(curl -s -w '\n%{http_code}' -X POST -H "Content-Type: $type" --data-binary "@$file" "$@" "$BASE$path")
  STATUS="${out##*$'\n'}"
  BODY="${out%$'\n'*}"
}

# end_offsets TOPIC: the end offsets of every partition of TOPIC, as "p0=N p1=M ...".
end_offsets() {
  curl -s "$BASE/metrics" | sed -n "s/^caudal_log_end_offset{topic=\"$1\",partition=\"\([0-9]*\)\"} \([0-9]*\)$/p\1=\2/p" | sort | tr '\n' ' '
}

# --- success -----------------------------------------------------------------------------
printf '{"sensor":"s-1","temp":21.5}' >"$TEST_DIR/one.json"
post /v1/topics/ENTRY application/json "$TEST_DIR/one.json"
expect_eq "$STATUS" "200" "a JSON object is accepted"
expect_contains "$BODY" '"topic":"ENTRY","count":1,"batches":[{"partition":' "the answer gives count and batches"
expect_contains "$BODY" '"first_offset":0,"last_offset":0}' "the answer gives the offsets"

printf '[{"a":1},{"a":2},{"a":3}]' >"$TEST_DIR/array.json"
post /v1/topics/ENTRY application/json "$TEST_DIR/array.json"
expect_contains "$BODY" '"count":3' "a JSON array is one event per element"

for i in $(seq 1 100); do printf '{"id":"dev-%d","seq":%d}\n' $((i % 7)) "$i"; done >"$TEST_DIR/keyed.ndjson"
post "/v1/topics/KEYED?key=id" application/x-ndjson "$TEST_DIR/keyed.ndjson"
expect_eq "$STATUS" "200" "NDJSON with ?key= is accepted"
expect_contains "$BODY" '"count":100' "all 100 keyed events counted"
total=0
for o in $(end_offsets KEYED); do total=$((total + ${o#*=})); done
expect_eq "$total" "100" "keyed events are spread over the partitions, none lost"

gzip -c "$TEST_DIR/keyed.ndjson" >"$TEST_DIR/keyed.ndjson.gz"
post /v1/topics/KEYED application/x-ndjson "$TEST_DIR/keyed.ndjson.gz" -H 'Content-Encoding: gzip'
expect_contains "$BODY" '"count":100' "a gzip body is decoded"
zstd -q -c "$TEST_DIR/keyed.ndjson" >"$TEST_DIR/keyed.ndjson.zst"
post /v1/topics/KEYED application/x-ndjson "$TEST_DIR/keyed.ndjson.zst" -H 'Content-Encoding: zstd'
expect_contains "$BODY" '"count":100' "a zstd body is decoded"
post /v1/topics/KEYED application/x-ndjson "$TEST_DIR/keyed.ndjson" -H 'Transfer-Encoding: chunked'
expect_contains "$BODY" '"count":100' "a chunked body is read"

# --- refusals: each with its status, a JSON body saying what and where, nothing appended -----
before=$(end_offsets ENTRY)

for i in $(seq 1 10000); do
  if [ "$i" -eq 6543 ]; then printf '{"seq":%d,"temp":}\n' "$i"; else printf '{"seq":%d,"temp":20}\n' "$i"; fi
done >"$TEST_DIR/bad_line.ndjson"
post /v1/topics/ENTRY application/x-ndjson "$TEST_DIR/bad_line.ndjson"
expect_eq "$STATUS" "400" "malformed JSON at line 6543 of 10000 is 400"
expect_eq "$BODY" '{"error":{"status":400,"type":"invalid_json","reason":"line 6543, column 20: expected a JSON value (object, array, string, number, true, false or null)"}}' "and says which line and column"

printf '{"ok":1}\n{"name":"caf\xe9"}\n' >"$TEST_DIR/latin1.ndjson"
post /v1/topics/ENTRY application/x-ndjson "$TEST_DIR/latin1.ndjson"
expect_eq "$STATUS" "400" "invalid UTF-8 is 400"
expect_eq "$BODY" '{"error":{"status":400,"type":"invalid_utf8","reason":"line 2, column 13: invalid UTF-8 (byte 0xe9)"}}' "and says where"

{ printf '{"ok":1}\n{"pad":"'; head -c 5000 /dev/zero | tr '\0' 'x'; printf '"}\n'; } >"$TEST_DIR/big_line.ndjson"
post /v1/topics/ENTRY application/x-ndjson "$TEST_DIR/big_line.ndjson"
expect_eq "$STATUS" "413" "a line over max_message_bytes is 413"
expect_contains "$BODY" '"type":"event_too_large","reason":"line 2: event of 5010 bytes' "and names the line and size"

: >"$TEST_DIR/empty"
post /v1/topics/ENTRY application/json "$TEST_DIR/empty"
expect_eq "$STATUS" "400" "an empty body is 400"
expect_contains "$BODY" '"type":"empty_body"' "and says so"

post /v1/topics/ENTRY text/plain "$TEST_DIR/one.json"
expect_eq "$STATUS" "415" "a wrong content type is 415"
expect_contains "$BODY" "Content-Type 'text/plain' is not accepted here" "and names the type"

head -c 40 "$TEST_DIR/keyed.ndjson.gz" >"$TEST_DIR/truncated.gz"
post /v1/topics/ENTRY application/x-ndjson "$TEST_DIR/truncated.gz" -H 'Content-Encoding: gzip'
expect_eq "$STATUS" "400" "truncated gzip is 400"
expect_contains "$BODY" '"type":"bad_encoding","reason":"request body is not valid gzip data' "and says the gzip is bad"

post /v1/topics/NOPE application/json "$TEST_DIR/one.json"
expect_eq "$STATUS" "404" "an unknown topic is 404 with auto-create off"
expect_contains "$BODY" "topic NOPE does not exist (auto_create_topics is off)" "and says why"

post "/v1/topics/ENTRY?key=a..b" application/json "$TEST_DIR/one.json"
expect_eq "$STATUS" "400" "a malformed key path is 400"

expect_eq "$(end_offsets ENTRY)" "$before" "no refused request appended anything"

# --- the listener's limits ------------------------------------------------------------------
head -c 3000000 /dev/zero | tr '\0' ' ' >"$TEST_DIR/huge.json"
started=$(date +%s%N)
post /v1/topics/ENTRY application/json "$TEST_DIR/huge.json" -H 'Expect: 100-continue'
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
expect_eq "$STATUS" "413" "a body over max_body_bytes is 413"
expect_contains "$BODY" "request body exceeds the limit of 2097152 bytes" "and names the limit"
# curl waits up to 1 s for "100 Continue" before sending anyway: an answer well before that
# means the body was refused from its headers, unread.
[ "$elapsed_ms" -lt 900 ] && pass "413 arrives before the body is sent (${elapsed_ms} ms)" || fail "413 took ${elapsed_ms} ms"

# Headers announcing 1 GB, and no body: the answer comes at once.
host="${HTTP_ADDR%:*}"
port="${HTTP_ADDR##*:}"
exec 3<>"/dev/tcp/$host/$port"
printf 'POST /v1/topics/ENTRY HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n' >&3
reply=$(timeout 5 head -c 200 <&3 || true)
exec 3<&-
expect_contains "$reply" "HTTP/1.1 413 Payload Too Large" "Content-Length over the limit is refused unread"

# Slow headers: half a request line, then nothing; the server closes after header_timeout.
exec 3<>"/dev/tcp/$host/$port"
printf 'POST /v1/topics/ENTRY HTTP/1.1\r\nHo' >&3
started=$(date +%s%N)
reply=$(timeout 5 cat <&3 || true)
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
exec 3<&-
expect_eq "$reply" "" "slow headers get no answer"
[ "$elapsed_ms" -lt 3000 ] && pass "and the connection is closed after the header timeout (${elapsed_ms} ms)" || fail "slow headers held ${elapsed_ms} ms"

# Keep-alive: several requests on one connection.
connects=$(curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}\n' \
  -H 'Content-Type: application/json' --data-binary @"$TEST_DIR/one.json" \
  "$BASE/v1/topics/KEYED" "$BASE/v1/topics/KEYED" "$BASE/v1/topics/KEYED" | paste -sd' ')
expect_eq "$connects" "1 0 0" "three requests share one keep-alive connection"

# --- metrics ------------------------------------------------------------------------------
metrics=$(curl -s "$BASE/metrics")
expect_contains "$metrics" 'caudal_http_ingest_events_total{api="native",topic="KEYED"} 403' "/metrics counts events per topic"
expect_contains "$metrics" 'caudal_http_ingest_errors_total{api="native",code="invalid_json"} 1' "/metrics counts errors by code"
expect_contains "$metrics" 'caudal_http_requests_total{route="ingest",code="413"} 1' "/metrics counts requests by route and status"
if promtool_out=$(printf '%s\n' "$metrics" | promtool check metrics 2>&1); then
  pass "promtool check metrics accepts /metrics"
else
  fail "promtool check metrics: $promtool_out"
fi
stop_caudal TERM

# --- auto-create --------------------------------------------------------------------------
sed -i 's/auto_create_topics: false/auto_create_topics: true/' "$TEST_DIR/caudal.yaml"
start_caudal "$TEST_DIR/caudal.yaml"
BASE="http://$HTTP_ADDR"
post /v1/topics/NEW.topic application/json "$TEST_DIR/one.json"
expect_eq "$STATUS" "200" "an unknown topic is created with auto_create_topics on"
expect_contains "$(cat "$TEST_DIR/caudal.log")" "created topic NEW.topic with 1 partition(s) on first use over HTTP" "and the creation is logged"
stop_caudal TERM

finish
