#!/usr/bin/env bash
# Splunk HEC against the running binary with curl, using the payloads of Splunk's "Format
# events for HTTP Event Collector" page (single and batched events, time/host/source, indexed
# fields, raw text), every documented refusal code Caudal uses, and the health endpoint.
source "$(dirname "$0")/lib.sh"

export HEC_TOKEN="0d2d6c1e-35b9-4a4c-8f4c-3f7e9b0a1c22"
cat >"$TEST_DIR/caudal.yaml" <<'YAML'
data_dir: ./data
listen:
  http: 127.0.0.1:0
auto_create_topics: false
http:
  hec:
    tokens:
      shipper: {token: "${HEC_TOKEN}", topic: splunk_main}
    indexes: {main: splunk_main, "sec-*": audit}
topics:
  splunk_main: {}
  audit: {}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
URL="http://$HTTP_ADDR/services/collector"

# hec PATH BODY [curl args...]: sets STATUS and BODY. Sends `Authorization: $AUTH` (the
# right token unless the caller sets AUTH; AUTH="" sends none).
hec() {
  local path="$1" body="$2" auth="${AUTH-Splunk $HEC_TOKEN}"
  shift 2
  local out
  local -a header=()
  if [ -n "$auth" ]; then header=(-H "Authorization: $auth"); fi
  out=$(curl -s -w '\n%{http_code}' -X POST "${header[@]}" "$@" --data-binary "$body" "$URL$path")
  STATUS="${out##*$'\n'}"
  BODY="${out%$'\n'*}"
}
end_offset() {
  curl -s "http://$HTTP_ADDR/metrics" | sed -n "s/^caudal_log_end_offset{topic=\"$1\",partition=\"0\"} \([0-9]*\)$/\1/p"
}

hec /event '{"event": "Hello, world!", "sourcetype": "manual"}'
expect_eq "$STATUS $BODY" '200 {"text":"Success","code":0}' "a single event"
hec /event '{"event": "Pony 1 has left the barn"}{"event": "Pony 2 has left the barn"}{"event": "Pony 3 has left the barn", "nested": {"key1": "value1"}}'
expect_eq "$STATUS $BODY" '200 {"text":"Success","code":0}' "batched events, back to back"
hec /event '{"time": 1437522387, "host": "dataserver992.example.com", "source": "testapp", "event": { "message": "Something happened", "severity": "INFO" } }'
expect_eq "$STATUS" "200" "an event with time, host and source"
hec /event '{"event": "Pony 1 has left the barn", "fields": {"color": "brown", "size": "large"}}'
expect_eq "$STATUS" "200" "an event with indexed fields"
hec /event '{"event": "user login", "index": "sec-2024"}'
expect_eq "$STATUS" "200" "an event for a mapped index"
hec "/raw?sourcetype=access_combined&host=web-1" $'127.0.0.1 - - [01/May/2024] "GET / HTTP/1.1" 200\n127.0.0.1 - - [01/May/2024] "GET /x HTTP/1.1" 404\n'
expect_eq "$STATUS $BODY" '200 {"text":"Success","code":0}' "raw text, one event per line"
hec "" '{"event": "to /services/collector"}'
expect_eq "$STATUS" "200" "/services/collector is the event endpoint"
printf '{"event":"compressed"}' | gzip >"$TEST_DIR/event.gz"
out=$(curl -s -w ' %{http_code}' -X POST -H "Authorization: Splunk $HEC_TOKEN" -H 'Content-Encoding: gzip' --data-binary @"$TEST_DIR/event.gz" "$URL/event")
expect_eq "$out" '{"text":"Success","code":0} 200' "a gzip body"
expect_eq "$(end_offset splunk_main)" "10" "every event to the token's topic was appended"
expect_eq "$(end_offset audit)" "1" "the mapped index's event went to its topic"

# Refusals: the documented code, and nothing appended.
before="$(end_offset splunk_main)"
AUTH="" hec /event '{"event":"x"}'
expect_eq "$STATUS" "401" "no token is 401"
expect_contains "$BODY" '"text":"Token is required","code":2' "with code 2"
AUTH="Bearer abc" hec /event '{"event":"x"}'
expect_contains "$STATUS $BODY" '401 {"text":"Invalid authorization","code":3' "another scheme is code 3"
AUTH="Splunk wrong-token" hec /event '{"event":"x"}'
expect_contains "$STATUS $BODY" '403 {"text":"Invalid token","code":4' "a wrong token is 403 code 4"
hec /event ''
expect_contains "$STATUS $BODY" '400 {"text":"No data","code":5' "an empty body is code 5"
hec /event '{"event":"fine"}{"event": "x",}'
expect_contains "$STATUS $BODY" '400 {"text":"Invalid data format","code":6,"invalid-event-number":1' "bad JSON is code 6 and names the event"
hec /event '{"event":"x","index":"nope"}'
expect_contains "$STATUS $BODY" '400 {"text":"Incorrect index","code":7,"invalid-event-number":0' "an unmapped index is code 7"
hec /event '{"host":"web-1"}'
expect_contains "$STATUS $BODY" '400 {"text":"Event field is required","code":12' "no event field is code 12"
hec /event '{"event":""}'
expect_contains "$STATUS $BODY" '400 {"text":"Event field cannot be blank","code":13' "a blank event is code 13"
hec /event '{"event":"x","fields":["a"]}'
expect_contains "$STATUS $BODY" '400 {"text":"Error in handling indexed fields","code":15' "fields that are not an object is code 15"
hec /ack '{"acks":[0]}'
expect_contains "$STATUS $BODY" '400 {"text":"ACK is disabled","code":14' "acks are code 14"
expect_eq "$(end_offset splunk_main)" "$before" "no refused request appended anything"

expect_eq "$(curl -s -w ' %{http_code}' "$URL/health")" '{"text":"HEC is healthy","code":17} 200' "health is code 17"
expect_contains "$(curl -s "http://$HTTP_ADDR/metrics")" 'caudal_http_ingest_errors_total{api="hec",code="invalid_token"} 1' "/metrics counts HEC refusals by code"
stop_caudal TERM
finish
