#!/usr/bin/env bash
# Tables over HTTP with curl: `caudal serve` with a CSV lookup table (quoted fields, a line break
# inside a field), an SQLite query table and a declared materialized table; list, get, 404s,
# paging with the next cursor, a bad limit; a reload when the CSV is replaced, a failed reload
# that keeps the old rows; metrics; a start refused for a broken CSV, naming its line.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/customers.csv" <<'CSV'
id,name,city,vip
1,Ada,Lisbon,true
2,"Doe, ""JD""","New
York",false
3,Cy,Oslo,
CSV
/usr/bin/python3 - "$TEST_DIR/sites.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE sites (id INTEGER, zone TEXT, lat REAL)")
db.executemany("INSERT INTO sites VALUES (?, ?, ?)", [(10, "North", 59.9), (11, "UK", 51.5)])
db.commit()
PY
cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
tables:
  customers: {csv: customers.csv, key: id, reload_interval: 100ms}
  sites:
    sqlite: sites.db
    query: "SELECT zone || '-' || id AS code, lat FROM sites"
    key: code
  sensor_state: {materialized: true}
YAML
start_caudal "$TEST_DIR/caudal.yaml"
base="http://$HTTP_ADDR/v1/tables"

expect_eq "$(curl -s "$base")" \
  "{\"tables\":[{\"name\":\"customers\",\"kind\":\"lookup\",\"rows\":3,\"source\":\"csv $TEST_DIR/customers.csv\"},{\"name\":\"sensor_state\",\"kind\":\"materialized\",\"rows\":0},{\"name\":\"sites\",\"kind\":\"lookup\",\"rows\":2,\"source\":\"sqlite $TEST_DIR/sites.db query\"}]}" \
  "GET /v1/tables lists all three tables with their row counts"
expect_eq "$(curl -s "$base/customers/2")" '{"id":2,"name":"Doe, \"JD\"","city":"New\nYork","vip":false}' \
  "a CSV row with quotes and a line break comes back as typed JSON"
expect_eq "$(curl -s "$base/customers/3")" '{"id":3,"name":"Cy","city":"Oslo","vip":null}' \
  "an empty field is null"
expect_eq "$(curl -s "$base/sites/UK-11")" '{"code":"UK-11","lat":51.5}' "an SQLite query row"

code=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' "$base/customers/9")
expect_eq "$code $(cat "$TEST_DIR/body")" \
  "404 {\"error\":{\"status\":404,\"type\":\"unknown_key\",\"reason\":\"table 'customers' has no row with key '9'\"}}" \
  "a missing key is 404 naming the table and key"
code=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' "$base/nope/1")
expect_eq "$code $(cat "$TEST_DIR/body")" \
  "404 {\"error\":{\"status\":404,\"type\":\"unknown_table\",\"reason\":\"no table named 'nope'\"}}" \
  "an unknown table is 404 naming it"
code=$(curl -s -o "$TEST_DIR/body" -w '%{http_code}' "$base/customers?limit=0")
expect_eq "$code" "400" "limit=0 is refused"
expect_contains "$(cat "$TEST_DIR/body")" "limit must be a whole number from 1 to 10000, found '0'" \
  "the refusal says what limit may be"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/sensor_state/s-1")
expect_eq "$code" "404" "a declared materialized table exists and is empty"

page1=$(curl -s "$base/customers?limit=2")
expect_eq "$page1" \
  '{"table":"customers","rows":[{"key":"1","value":{"id":1,"name":"Ada","city":"Lisbon","vip":true}},{"key":"2","value":{"id":2,"name":"Doe, \"JD\"","city":"New\nYork","vip":false}}],"next":"2"}' \
  "the first page of two rows and its next cursor"
expect_eq "$(curl -s "$base/customers?limit=2&after=2")" \
  '{"table":"customers","rows":[{"key":"3","value":{"id":3,"name":"Cy","city":"Oslo","vip":null}}],"next":null}' \
  "the last page has no next cursor"
expect_eq "$(curl -s "$base/sites?prefix=No")" \
  '{"table":"sites","rows":[{"key":"North-10","value":{"code":"North-10","lat":59.9}}],"next":null}' \
  "a prefix scan"

# Replace the file as a writer should (write beside it, rename into place): it reloads.
printf 'id,name,city,vip\n1,Ada,Porto,true\n4,Dee,Rome,false\n' >"$TEST_DIR/customers.csv.new"
touch -d '+5 seconds' "$TEST_DIR/customers.csv.new"
mv "$TEST_DIR/customers.csv.new" "$TEST_DIR/customers.csv"
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/customers/4")" == "200" ] && break
  sleep 0.05
done
expect_eq "$(curl -s "$base/customers/1")" '{"id":1,"name":"Ada","city":"Porto","vip":true}' \
  "the changed file was reloaded"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/customers/3")" "404" \
  "rows gone from the file are gone from the table"

# A broken file: the reload fails, the rows stay, the failure is counted and logged.
printf 'id,name,city,vip\n1,"Ada,Faro,true\n' >"$TEST_DIR/customers.csv"
touch -d '+10 seconds' "$TEST_DIR/customers.csv"
for _ in $(seq 1 100); do
  grep -q "reload failed" "$TEST_DIR/caudal.log" && break
  sleep 0.05
done
expect_contains "$(cat "$TEST_DIR/caudal.log")" \
  "table 'customers': reload failed, keeping the previous data: table.malformed_source: $TEST_DIR/customers.csv:2: field 2 opens a quote that is never closed" \
  "the failed reload is logged with file and line"
expect_eq "$(curl -s "$base/customers/1")" '{"id":1,"name":"Ada","city":"Porto","vip":true}' \
  "the previous rows are still served"
metrics=$(curl -s "http://$HTTP_ADDR/metrics")
expect_contains "$metrics" 'caudal_table_reload_errors_total{table="customers"} 1' "reload errors counted"
expect_contains "$metrics" 'caudal_table_reloads_total{table="customers"} 1' "reloads counted"
expect_contains "$metrics" 'caudal_table_rows{table="customers"} 2' "rows gauge"
expect_contains "$metrics" 'caudal_table_lookup_misses_total{table="customers"}' "misses counted"

stop_caudal TERM
expect_eq "$CAUDAL_EXIT" "0" "caudal stops cleanly"

# A table that cannot load stops the start with the reason.
set +e
"$CAUDAL_BINARY" serve -c "$TEST_DIR/caudal.yaml" >/dev/null 2>"$TEST_DIR/refused.log"
status=$?
set -e
if [ "$status" -ne 0 ]; then pass "a broken table refuses the start"; else fail "started with a broken table"; fi
expect_contains "$(cat "$TEST_DIR/refused.log")" "$TEST_DIR/customers.csv:2: field 2 opens a quote that is never closed" \
  "the refusal names the file and line"

# A table without a key is a config error, found by `caudal config check`.
printf 'data_dir: ./d\ntables:\n  t: {csv: t.csv}\n' >"$TEST_DIR/bad.yaml"
set +e
out=$("$CAUDAL_BINARY" config check -c "$TEST_DIR/bad.yaml" 2>&1)
status=$?
set -e
expect_eq "$status" "3" "config check exits 3 for a table without a key"
expect_contains "$out" "bad.yaml:3:6: tables.t.key: required key is missing" "and says where"

finish
