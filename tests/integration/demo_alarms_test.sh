#!/usr/bin/env bash
# The alarm demo's parts against a running server: `caudal simulate customers` (deterministic
# CSV with the seed's fields), the example configuration (examples/alarms/caudal.yaml) on a
# free port, `caudal simulate alarms` posting readings and recoveries with its ground truth,
# and what Caudal makes of them, read through the topics and tables APIs: alarms by type and
# recoveries exactly as the truth says (the seed's rules: motion at once, three consecutive
# smoke or temperature readings, cleared from OK), alarms enriched with their customer, sensor
# states on the map's table, the dashboard's files at /ui.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/demo_lib.sh"

run() {
  set +e
  OUT=$("$@" 2>&1)
  CODE=$?
  set -e
}

# Customers: the same seed gives the same file; the seed's columns plus geohash and zone.
run "$CAUDAL_BINARY" simulate customers -n 2000 --seed 7 -o "$TEST_DIR/customers.csv"
expect_eq "$CODE" "0" "simulate customers exits 0"
expect_contains "$OUT" "wrote 2000 customers (seed 7)" "simulate customers says what it wrote"
"$CAUDAL_BINARY" simulate customers -n 2000 --seed 7 -o "$TEST_DIR/again.csv" >/dev/null
expect_eq "$(cmp -s "$TEST_DIR/customers.csv" "$TEST_DIR/again.csv" && echo same)" "same" \
  "the same seed writes the same customers"
expect_eq "$(head -n1 "$TEST_DIR/customers.csv")" \
  "id,name,surname,gender,nationalid,birthday,streetaddress,city,zipcode,country,telephonecountrycode,telephonenumber,latitude,longitude,emailaddress,title,occupation,company,username,geohash,dashboard" \
  "the header has the seed's columns, then geohash and dashboard"
expect_eq "$(wc -l <"$TEST_DIR/customers.csv")" "2001" "one line per customer after the header"
expect_eq "$(cut -d, -f1 "$TEST_DIR/customers.csv" | sed -n 2001p)" "2000" "ids run 1..n"

# The example's configuration, on free ports, with this test's customers and dashboard folder.
mkdir -p "$TEST_DIR/web"
echo '<html>alarm dashboard</html>' >"$TEST_DIR/web/index.html"
example_config "$TEST_DIR/caudal.yaml" "$TEST_DIR/web"
run "$CAUDAL_BINARY" config check -c "$TEST_DIR/caudal.yaml"
expect_eq "$CODE" "0" "the example configuration is valid: $OUT"
start_caudal "$TEST_DIR/caudal.yaml"

run "$CAUDAL_BINARY" simulate alarms --http "$HTTP_ADDR" -n 30000 --sensors 2000 --seed 7 \
  --connections 3 --batch 250 --anomaly-probability 0.01 --recovery-probability 0.05 \
  --truth "$TEST_DIR/truth.json"
expect_eq "$CODE" "0" "simulate alarms exits 0: $OUT"
expect_contains "$OUT" "sent 30000 readings" "the simulator reports what it sent"
truth() { python3 -c "import json,sys; t=json.load(open('$TEST_DIR/truth.json')); print($1)"; }
expect_eq "$(truth 't["readings"]')" "30000" "the truth counts the readings"
expect_eq "$(truth 't["retried_requests"]')" "0" "no request had to be retried"

# Everything the simulator sent is in the topics.
topic_records() {
  curl -sf "http://$HTTP_ADDR/v1/topics" |
    python3 -c "import json,sys; print(sum(t['records'] for t in json.load(sys.stdin)['topics'] if t['name']=='$1'))"
}
expect_eq "$(topic_records ENTRY)" "30000" "ENTRY holds every reading"
expect_eq "$(topic_records OK)" "$(truth 't["recoveries"]')" "OK holds every recovery of the truth"

# The pipelines catch up: COUNT stops growing once the detect pipeline has read ENTRY.
previous=-1
for _ in $(seq 1 100); do
  now=$(topic_records COUNT)
  [ "$now" == "$previous" ] && [ "$now" != "0" ] && break
  previous=$now
  sleep 0.2
done
counts=$(python3 "$CAUDAL_SOURCE_DIR/tests/integration/demo_count.py" "$HTTP_ADDR" COUNT)
count() { python3 -c "import json; c=json.loads('$counts'); print($1)"; }
for type in motion smoke temperature; do
  expect_eq "$(count "c['types'].get('$type', 0)")" "$(truth "t['alarms']['$type']")" \
    "$type alarms in COUNT equal the truth's"
done
expect_eq "$(count 'c["records"]')" "$(truth 't["alarms_total"]')" "COUNT holds exactly the truth's alarms"
expect_eq "$(count 'c["with_customer"] == c["records"] and c["records"] > 0')" "True" \
  "every alarm carries its customer"

# The map's table: a row per sensor that ever alarmed, its state one of the four.
states=$(curl -sf "http://$HTTP_ADDR/v1/tables/sensor_state?limit=10000" |
  python3 -c 'import json,sys; print(sorted({r["value"]["state"] for r in json.load(sys.stdin)["rows"]}))')
expect_contains "$states" "'motion'" "sensor_state holds motion alarms"
expect_contains "$states" "'normal'" "sensor_state holds recovered sensors"

# The read APIs the dashboard uses.
record=$(curl -sf "http://$HTTP_ADDR/v1/topics/COUNT/records?partition=0&limit=1")
expect_contains "$record" '"customer":{"id":' "a COUNT record as JSON, with the customer"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP_ADDR/v1/topics/COUNT/records?limit=0")" \
  "400" "a bad limit is refused"
expect_contains "$(curl -sf "http://$HTTP_ADDR/ui")" "alarm dashboard" "/ui serves the dashboard"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP_ADDR/ui/..%2Fcaudal.yaml")" \
  "404" "/ui serves nothing outside its folder"

stop_caudal INT
expect_eq "$CAUDAL_EXIT" "0" "caudal stops cleanly"
finish
