#!/usr/bin/env bash
# The command line: help, version, config check, and the documented exit codes.
source "$(dirname "$0")/lib.sh"

run() { set +e; OUT=$("$@" 2>&1); CODE=$?; set -e; }

run "$CAUDAL_BINARY" --help
expect_eq "$CODE" "0" "--help exits 0"
expect_contains "$OUT" "Exit codes: 0 success" "--help documents exit codes"
for cmd in serve config version; do
  run "$CAUDAL_BINARY" $cmd --help
  expect_eq "$CODE" "0" "$cmd --help exits 0"
done
run "$CAUDAL_BINARY" config check --help
expect_contains "$OUT" "--print" "config check --help lists its flags"

run "$CAUDAL_BINARY" version
expect_eq "$CODE" "0" "version exits 0"
expect_contains "$OUT" "caudal 0." "version prints the version"

run "$CAUDAL_BINARY" no-such-command
expect_eq "$CODE" "2" "unknown command exits 2"
run "$CAUDAL_BINARY" serve
expect_eq "$CODE" "2" "serve without -c exits 2"

run "$CAUDAL_BINARY" config check -c "$CAUDAL_SOURCE_DIR/examples/alarms/caudal.yaml"
expect_eq "$CODE" "0" "the alarms example is valid"
expect_contains "$OUT" "valid (4 topics)" "config check summarises"

cat >"$TEST_DIR/bad.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:8080
topics:
  ENTRY: { partitons: 4 }
YAML
run "$CAUDAL_BINARY" config check -c "$TEST_DIR/bad.yaml"
expect_eq "$CODE" "3" "invalid config exits 3"
expect_contains "$OUT" "bad.yaml:5:12: topics.ENTRY.partitons" "error names file:line:column and key"
run "$CAUDAL_BINARY" serve -c "$TEST_DIR/bad.yaml"
expect_eq "$CODE" "3" "serve refuses an invalid config with exit 3"

run "$CAUDAL_BINARY" config check -c "$TEST_DIR/missing.yaml"
expect_eq "$CODE" "3" "missing config file exits 3"

# Secrets from the environment never appear in printed configuration.
cat >"$TEST_DIR/secret.yaml" <<YAML
data_dir: \${CAUDAL_TEST_DATA_DIR}
YAML
run env CAUDAL_TEST_DATA_DIR=/tmp/super-secret-value "$CAUDAL_BINARY" config check --print -c "$TEST_DIR/secret.yaml"
expect_eq "$CODE" "0" "config with env substitution is valid"
if [[ "$OUT" == *super-secret-value* ]]; then fail "substituted value printed: $OUT"; else pass "substituted values are redacted"; fi

finish
