#!/usr/bin/env bash
# The alarm demo flat out (issue 10's benchmark): Caudal with examples/alarms/caudal.yaml and
# 50,000 customers, `caudal simulate alarms` posting NDJSON batches on several connections as
# fast as Caudal takes them for DURATION seconds (default 60), while latency.py measures alarm
# latency (reading received -> alarm visible in COUNT) and ps samples Caudal's CPU and RSS.
# Usage: bench/demo/run.sh [BUILD_DIR] [DURATION]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
duration="${2:-60}"
caudal="$build/src/cli/caudal"
dir="$(mktemp -d /tmp/caudal-bench-demo-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

"$caudal" simulate customers -o "$dir/customers.csv" >/dev/null
sed -e 's/127.0.0.1:8080/127.0.0.1:0/' -e 's/127.0.0.1:9092/127.0.0.1:0/' \
  -e '/dashboard:/d' "$root/examples/alarms/caudal.yaml" >"$dir/caudal.yaml"
"$caudal" serve -c "$dir/caudal.yaml" >"$dir/caudal.out" 2>"$dir/caudal.log" &
pid=$!
for _ in $(seq 1 400); do
  grep -q "caudal .* running" "$dir/caudal.log" 2>/dev/null && break
  sleep 0.05
done
http=$(sed -n 's/.*listening http on \([^ ]*\).*/\1/p' "$dir/caudal.log" | head -n1)

python3 "$root/bench/demo/latency.py" "$http" >"$dir/latency.json" &
latency_pid=$!
(
  while kill -0 "$pid" 2>/dev/null; do
    ps -o %cpu=,rss= -p "$pid" || true
    sleep 1
  done
) >"$dir/usage.txt" &
usage_pid=$!

timeout -s INT "$duration" "$caudal" simulate alarms --http "$http" -n 0 --connections 4 \
  --batch 1000 --truth "$dir/truth.json" 2>/dev/null | tee "$dir/simulate.txt" || true
sleep 1
kill -INT "$latency_pid"
wait "$latency_pid" || true
kill "$usage_pid" 2>/dev/null || true

echo "caudal: $(sort -n "$dir/usage.txt" | awk '{cpu+=$1; if ($2>rss) rss=$2; n++} END {printf "CPU %.0f%% on average, RSS max %.0f MiB", cpu/n, rss/1024}')"
echo "alarm latency (received -> visible in COUNT): $(cat "$dir/latency.json")"
echo "ground truth: $(cat "$dir/truth.json")"
