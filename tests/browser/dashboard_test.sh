#!/usr/bin/env bash
# Builds the dashboard, runs the alarms example with 3,000 customers and a burst of simulated
# sensors, and drives the dashboard in headless Chromium (dashboard_test.mjs). Screenshots go to
# $CAUDAL_ARTIFACTS (default: the test's build folder, tests/browser/artifacts).
source "$CAUDAL_SOURCE_DIR/tests/integration/lib.sh"
source "$CAUDAL_SOURCE_DIR/tests/integration/demo_lib.sh"

artifacts="${CAUDAL_ARTIFACTS:-$PWD/artifacts}"
(cd "$CAUDAL_SOURCE_DIR" && npm run --silent build:web >/dev/null)

"$CAUDAL_BINARY" simulate customers -n 3000 --seed 3 -o "$TEST_DIR/customers.csv" >/dev/null
example_config "$TEST_DIR/caudal.yaml" "$CAUDAL_SOURCE_DIR/web/dist"
start_caudal "$TEST_DIR/caudal.yaml"
"$CAUDAL_BINARY" simulate alarms --http "$HTTP_ADDR" -n 40000 --sensors 3000 --seed 3 \
  --connections 2 --rate 20000 --anomaly-probability 0.01 >/dev/null 2>&1
# One alarm activated three minutes from now moves the per_minute pipeline's watermark past the
# run's minutes: their windows close into the alarms_per_minute table, and this one stays open,
# so the chart has both kinds to read.
later=$(date -u -d '+3 min' +%Y-%m-%dT%H:%M:%SZ)
curl -sf -X POST "http://$HTTP_ADDR/v1/topics/COUNT" -H 'Content-Type: application/json' \
  -d "{\"id\":1,\"type\":\"motion\",\"activated\":\"$later\",\"threshold\":{\"id\":\"dashboard-test\",\"activated\":\"$later\"}}" >/dev/null ||
  fail "an alarm posted to COUNT"

if node "$CAUDAL_SOURCE_DIR/tests/browser/dashboard_test.mjs" "http://$HTTP_ADDR" \
  "$TEST_DIR/customers.csv" "$artifacts"; then
  pass "the dashboard in Chromium"
else
  fail "the dashboard in Chromium (screenshots in $artifacts)"
fi
stop_caudal INT
expect_eq "$CAUDAL_EXIT" "0" "caudal stops cleanly"
finish
