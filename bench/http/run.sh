#!/usr/bin/env bash
# HTTP ingest benchmark: Caudal's native ingest side by side with nginx answering `return 204`
# (the HTTP ceiling of this machine) in one run, both driven by wrk with the same Lua scripts:
#   - 1-event POSTs on keep-alive connections: requests/s and p99 (goal: >= 70% of nginx)
#   - 1,000-event NDJSON POSTs: events/s and MB/s (goal: >= 1.5 M events/s, flush: none)
#
#   bench/http/run.sh [build-dir]      (default: build; the caudal binary must be built)
#
# Environment: DURATION (seconds per run, default 10), CONNECTIONS (default 32), THREADS (wrk
# threads, default 2), ROUNDS (default 5). Client and servers share the machine's cores, as they
# did for the reference figures in /work/shared/reference/peers.md. nginx's own rate moves by
# a third from one run to the next here (where the scheduler puts its workers against wrk's
# threads), so each scenario runs ROUNDS times, nginx and caudal alternating, and the table
# shows each side's median round; every round's ratio is printed too.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${1:-$repo_root/build}"
caudal="$build_dir/src/cli/caudal"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
rounds="${ROUNDS:-5}"
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (scripts/bootstrap installs it)" >&2; exit 1; }
done
[ -x "$caudal" ] || { echo "run.sh: no caudal binary at $caudal; build it first" >&2; exit 1; }

work="$(mktemp -d /tmp/caudal_http_bench_XXXXXX)"
caudal_pid=""
nginx_pid=""
cleanup() {
  for pid in "$caudal_pid" "$nginx_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# nginx: two workers (one per core, as Caudal has one event loop per core), no logging.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  client_max_body_size 16m;
  client_body_buffer_size 1m;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 204; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

cat >"$work/caudal.yaml" <<YAML
data_dir: $work/data
listen:
  http: 127.0.0.1:0
topics:
  bench: {partitions: 2, flush: none, segment_bytes: 1GiB}
YAML
"$caudal" serve -c "$work/caudal.yaml" >"$work/caudal.out" 2>"$work/caudal.log" &
caudal_pid=$!
caudal_addr=""
for _ in $(seq 1 200); do
  caudal_addr=$(sed -n 's/.*listening http on \([^ ]*\).*/\1/p' "$work/caudal.log" | head -n1)
  [ -n "$caudal_addr" ] && break
  sleep 0.05
done
[ -n "$caudal_addr" ] || { echo "caudal did not start:" >&2; cat "$work/caudal.log" >&2; exit 1; }
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break
  sleep 0.05
done

# run NAME URL SCRIPT: one wrk run; appends "NAME key=value ..." from its RESULT line to the
# results file.
results="$work/results"
run() {
  local name="$1" url="$2" script="$3" line
  line=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$url" | grep '^RESULT')
  echo "$name ${line#RESULT }" >>"$results"
}

echo "wrk -t$threads -c$connections -d${duration}s, $rounds rounds, $(nproc) cores shared by wrk, nginx and caudal"
for _ in $(seq 1 "$rounds"); do
  run nginx_one "http://127.0.0.1:$nginx_port" "$repo_root/bench/http/post_one.lua"
  run caudal_one "http://$caudal_addr" "$repo_root/bench/http/post_one.lua"
  run nginx_batch "http://127.0.0.1:$nginx_port" "$repo_root/bench/http/post_ndjson_1000.lua"
  run caudal_batch "http://$caudal_addr" "$repo_root/bench/http/post_ndjson_1000.lua"
done

# Every event Caudal acknowledged must be in the topic: compare with what the log holds.
stored=$(curl -s "http://$caudal_addr/metrics" |
  sed -n 's/^caudal_log_end_offset{topic="bench",partition="[0-9]*"} \([0-9]*\)$/\1/p' |
  awk '{s += $1} END {print s}')

/usr/bin/python3 - "$results" "$stored" <<'PY'
import sys

rounds = {}
for line in open(sys.argv[1]):
    name, *pairs = line.split()
    g = {k: int(v) for k, v in (p.split("=") for p in pairs)}
    rps = g["requests"] / (g["duration_us"] / 1e6)
    rounds.setdefault(name, []).append(
        {"requests": g["requests"], "rps": rps, "eps": rps * g["events"],
         "mbps": rps * g["body_bytes"] / 1e6, "p50": g["p50_us"] / 1000,
         "p99": g["p99_us"] / 1000, "errors": g["errors"], "events": g["events"]})
# Each scenario's median round by requests/s.
runs = {name: sorted(r, key=lambda x: x["rps"])[len(r) // 2] for name, r in rounds.items()}

print()
print("| scenario | server | requests/s | events/s | MB/s | p50 ms | p99 ms | errors |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for name, scenario, server in (
    ("nginx_one", "1-event POST", "nginx return 204"),
    ("caudal_one", "1-event POST", "caudal, flush none"),
    ("nginx_batch", "1,000-event NDJSON POST", "nginx return 204"),
    ("caudal_batch", "1,000-event NDJSON POST", "caudal, flush none"),
):
    r = runs[name]
    print(f"| {scenario} | {server} | {r['rps']:,.0f} | {r['eps']:,.0f} | {r['mbps']:,.1f} | "
          f"{r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} |")
one = runs["caudal_one"]["rps"] / runs["nginx_one"]["rps"]
batch = runs["caudal_batch"]
print()
per_round = ", ".join(f"{c['rps'] / n['rps']:.2f}"
                      for n, c in zip(rounds["nginx_one"], rounds["caudal_one"]))
print(f"1-event POSTs: caudal / nginx requests/s = {one:.2f} of the medians (goal >= 0.70); "
      f"per round: {per_round}")
print(f"1,000-event POSTs: caudal {batch['eps'] / 1e6:.2f} M events/s (goal >= 1.5), "
      f"{batch['eps'] / runs['nginx_batch']['eps']:.2f} of nginx's")
# wrk counts requests still in flight at the end that the server may have answered after
# wrk stopped looking; the log may hold a few more than wrk counted, never fewer.
acked = (sum(r["requests"] for r in rounds["caudal_one"]) +
         sum(r["requests"] * r["events"] for r in rounds["caudal_batch"]))
stored = int(sys.argv[2])
print(f"events in the topic: {stored:,}; acknowledged per wrk: {acked:,}"
      + ("" if stored >= acked else "  (FEWER STORED THAN ACKNOWLEDGED)"))
PY
