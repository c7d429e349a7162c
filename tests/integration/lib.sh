# Shared helpers for integration tests that drive the real `caudal` binary with real clients.
# Sourced by each *_test.sh; ctest passes CAUDAL_BINARY and CAUDAL_SOURCE_DIR.
set -euo pipefail

: "${CAUDAL_BINARY:?CAUDAL_BINARY must point at the caudal executable}"
: "${CAUDAL_SOURCE_DIR:?CAUDAL_SOURCE_DIR must point at the source tree}"

TEST_DIR="$(mktemp -d /tmp/caudal_it_XXXXXX)"
CAUDAL_PID=""
failures=0
checks=0

cleanup() {
  if [ -n "$CAUDAL_PID" ] && kill -0 "$CAUDAL_PID" 2>/dev/null; then
    kill -9 "$CAUDAL_PID" 2>/dev/null || true
  fi
  rm -rf "$TEST_DIR"
}
trap cleanup EXIT

pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*" >&2; }

# expect_eq ACTUAL EXPECTED DESCRIPTION
expect_eq() {
  if [ "$1" == "$2" ]; then pass "$3"; else fail "$3: expected [$2], got [$1]"; fi
}
# expect_contains HAYSTACK NEEDLE DESCRIPTION
expect_contains() {
  if [[ "$1" == *"$2"* ]]; then pass "$3"; else fail "$3: [$2] not found in [$1]"; fi
}

# start_caudal CONFIG: starts `caudal serve` in the background, waits until it logs where it
# listens, and sets HTTP_ADDR (host:port of the HTTP listener).
start_caudal() {
  local config="$1"
  # Emptied here, not only by the redirection below: the background job may open the file
  # after the loop first reads it, and a restart would then find the previous run's
  # "running" line and go on before this one has started.
  : >"$TEST_DIR/caudal.log"
  "$CAUDAL_BINARY" serve -c "$config" >"$TEST_DIR/caudal.out" 2>"$TEST_DIR/caudal.log" &
  CAUDAL_PID=$!
  for _ in $(seq 1 200); do
    if grep -q "caudal .* running" "$TEST_DIR/caudal.log" 2>/dev/null; then
      HTTP_ADDR=$(sed -n 's/.*listening http on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)
      return 0
    fi
    if ! kill -0 "$CAUDAL_PID" 2>/dev/null; then
      echo "caudal exited early:" >&2
      cat "$TEST_DIR/caudal.log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "caudal did not report readiness in 10 s" >&2
  cat "$TEST_DIR/caudal.log" >&2
  return 1
}

# stop_caudal SIGNAL: sends the signal, waits, and sets CAUDAL_EXIT.
stop_caudal() {
  kill "-$1" "$CAUDAL_PID"
  set +e
  wait "$CAUDAL_PID"
  CAUDAL_EXIT=$?
  set -e
  CAUDAL_PID=""
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
