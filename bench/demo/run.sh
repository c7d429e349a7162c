#!/usr/bin/env bash
# The alarm demo flat out (issue 10's benchmark): Caudal with examples/alarms/caudal.yaml and
# 50,000 customers, `caudal simulate alarms` posting NDJSON batches on several connections as
# fast as Caudal takes them for DURATION seconds (default 60) while ps samples Caudal's CPU and
# RSS; then latency.py measures alarm latency from the e-mail outbox (reading received by
# Caudal -> its alarm's .eml written).
# Usage: bench/demo/run.sh [BUILD_DIR] [DURATION] [CONNECTIONS] [BATCH]
# OUTBOX=/dev/shm/x puts the e-mail outbox elsewhere (on tmpfs its fsyncs cost nothing, which
# shows what the rest of the pipeline does). RATE=N caps the simulator at N readings/s (alarm
# latency when the pipelines keep up).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
duration="${2:-60}"
connections="${3:-8}"
batch="${4:-1000}"
caudal="$build/src/cli/caudal"
dir="$(mktemp -d /tmp/caudal-bench-demo-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  if [ -n "${OUTBOX:-}" ]; then rm -rf "$OUTBOX"; fi
}
trap cleanup EXIT

"$caudal" simulate customers -o "$dir/customers.csv" >/dev/null
sed -e 's/127.0.0.1:8080/127.0.0.1:0/' -e 's/127.0.0.1:9092/127.0.0.1:0/' \
    -e 's/^\(  kafka: .*\)$/\1\n  elasticsearch: 127.0.0.1:0/' \
  -e '/dashboard:/d' "$root/examples/alarms/caudal.yaml" >"$dir/caudal.yaml"
outbox="${OUTBOX:-$dir/outbox}"
CAUDAL_OUTBOX="$outbox" "$caudal" serve -c "$dir/caudal.yaml" >"$dir/caudal.out" 2>"$dir/caudal.log" &
pid=$!
for _ in $(seq 1 400); do
  grep -q "caudal .* running" "$dir/caudal.log" 2>/dev/null && break
  sleep 0.05
done
http=$(sed -n 's/.*listening http on \([^ ]*\).*/\1/p' "$dir/caudal.log" | head -n1)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# Records the pipelines have still to read, and events the e-mail sink has still to write.
lag() {
  curl -s "http://$http/metrics" |
    awk 'index($0, "caudal_pipeline_lag_offsets{") == 1 || index($0, "caudal_connector_queued_records{") == 1 { n += $2 } END { print n + 0 }'
}
ticks_before=$(cpu_ticks)
started=$(date +%s.%N)
timeout -s INT "$duration" "$caudal" simulate alarms --http "$http" -n 0 --rate "${RATE:-0}" \
  --connections "$connections" --batch "$batch" --truth "$dir/truth.json" 2>/dev/null |
  tee "$dir/simulate.txt" || true
ended=$(date +%s.%N)
ticks_after=$(cpu_ticks)
behind=$(lag)
# The pipelines catch up with what was sent before the outbox is read.
for _ in $(seq 1 1200); do
  [ "$(lag)" == "0" ] && break
  sleep 0.1
done
caught_up=$(date +%s.%N)

echo "pipelines: $behind records (and e-mails) behind when the simulator stopped, caught up $(python3 -c "print(round($caught_up - $ended, 1))") s later (lag now $(lag))"
echo "caudal: CPU $(python3 -c "print(round(($ticks_after - $ticks_before) * 100 / $(getconf CLK_TCK) / ($ended - $started)))")% of one core over the run (2 cores: 200%), peak RSS $(awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$pid/status")"
echo "alarm latency (reading received -> e-mail written): $(python3 "$root/bench/demo/latency.py" "$outbox")"
echo "ground truth: $(cat "$dir/truth.json")"
