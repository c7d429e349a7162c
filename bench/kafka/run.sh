#!/usr/bin/env bash
# Kafka benchmark: Caudal's Kafka listener beside librdkafka's in-memory mock cluster (the
# client's ceiling on this machine), Redis Streams (AOF everysec) and NATS JetStream (file
# store), in one run, with the goals of issue 4 as ratios:
#   - 100 B, acks=1, flush: none: at least 90% of the mock cluster's produce rate
#   - at least 5x Redis Streams (redis-benchmark -P 64 XADD) and 10x JetStream (PublishAsync);
#     against Redis both as driven by librdkafka and with pipelined, pre-encoded Produce
#     requests (kafka_pipelined_produce.cc), the same kind of load redis-benchmark generates
#   - produce-to-consume p99 under 5 ms at 50 k msg/s
# Caudal and the mock cluster are driven by bench/kafka/kafka_bench.cc (librdkafka): for 100 B
# and 1 KiB messages, acks=1 and acks=all, 1 and 8 partitions, produce then consume; Caudal
# once with `flush: none` and, for acks=all, once more with `flush: always`.
#
#   bench/kafka/run.sh [build-dir]      (default: build; needs caudal and bench/kafka_bench)
#
# Environment: DURATION (seconds of producing per case, default 3), LATENCY_DURATION (default 5),
# LATENCY_ROUNDS (default 3; the goal is judged on the median), RATE (latency runs, msg/s,
# default 50000), SIZES (default "100 1024"), REDIS_N and NATS_N (messages per peer run,
# default 1000000 and 300000). Client and servers share the machine's
# cores; figures from a shared machine are indicative, ratios from one run are what counts.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${1:-$repo_root/build}"
caudal="$build_dir/src/cli/caudal"
bench="$build_dir/bench/kafka_bench"
pipelined="$build_dir/bench/kafka_pipelined_produce"
duration="${DURATION:-3}"
latency_duration="${LATENCY_DURATION:-5}"
latency_rounds="${LATENCY_ROUNDS:-3}"
rate="${RATE:-50000}"
sizes="${SIZES:-100 1024}"
redis_n="${REDIS_N:-1000000}"
nats_n="${NATS_N:-300000}"
for tool in redis-server redis-benchmark nats-server go; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (scripts/bootstrap installs it)" >&2; exit 1; }
done
for exe in "$caudal" "$bench" "$pipelined"; do
  [ -x "$exe" ] || { echo "run.sh: no $exe; build caudal, kafka_bench and kafka_pipelined_produce first" >&2; exit 1; }
done

work="$(mktemp -d /tmp/caudal_kafka_bench_XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
results="$work/results.txt"  # target size acks partitions produce_msg_s produce_mb_s consume_msg_s
: >"$results"

# ---- Caudal: one topic per case, so each consume reads exactly that case's messages.
kafka_port=$(free_port)
{
  echo "data_dir: $work/caudal-data"
  echo "listen: { kafka: 127.0.0.1:$kafka_port }"
  echo "auto_create_topics: false"
  echo "topics:"
  for size in $sizes; do
    for parts in 1 8; do
      for flush in none always; do
        for acks in 1 all; do
          echo "  t-$size-$parts-$flush-$acks: { partitions: $parts, flush: $flush }"
        done
      done
    done
  done
  for size in $sizes; do echo "  pp-$size: { partitions: 1, flush: none }"; done
  for ((r = 1; r <= latency_rounds; r++)); do
    echo "  lat-none-$r: { partitions: 1, flush: none }"
    echo "  lat-always-$r: { partitions: 1, flush: always }"
  done
} >"$work/caudal.yaml"
"$caudal" serve -c "$work/caudal.yaml" >"$work/caudal.out" 2>"$work/caudal.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q "running" "$work/caudal.log" && break; sleep 0.1; done
grep -q "running" "$work/caudal.log" || { cat "$work/caudal.log" >&2; exit 1; }

run_case() {  # target brokers-args size acks parts topic
  local target=$1 args=$2 size=$3 acks=$4 parts=$5 topic=$6 out
  # shellcheck disable=SC2086
  out=$("$bench" $args --topic "$topic" --size "$size" --acks "$acks" --partitions "$parts" \
    --duration "$duration")
  echo "$target $size $acks $parts $(field msg_per_s "$(grep '^produce' <<<"$out")") \
$(field mb_per_s "$(grep '^produce' <<<"$out")") $(field msg_per_s "$(grep '^consume' <<<"$out")")" \
    >>"$results"
  echo "  $target ${size}B acks=$acks partitions=$parts: $(tr '\n' ' ' <<<"$out")" >&2
}

echo "== throughput (${duration}s of producing per case, then consuming it all)" >&2
for size in $sizes; do
  for parts in 1 8; do
    for acks in 1 all; do
      run_case mock "--mock" "$size" "$acks" "$parts" "t-$size-$parts-$acks"
      run_case caudal-none "--brokers 127.0.0.1:$kafka_port" "$size" "$acks" "$parts" \
        "t-$size-$parts-none-$acks"
      if [ "$acks" == "all" ]; then
        run_case caudal-always "--brokers 127.0.0.1:$kafka_port" "$size" "$acks" "$parts" \
          "t-$size-$parts-always-$acks"
      fi
    done
  done
done

# ---- Caudal under pipelined, pre-encoded Produce requests: the load redis-benchmark -P 64 puts
# on Redis, without librdkafka's per-message cost (which caps the runs above at the mock's rate).
echo "== pipelined Produce requests (v7, 1,000-record batches, 16 in flight, acks=1)" >&2
for size in $sizes; do
  out=$("$pipelined" --brokers "127.0.0.1:$kafka_port" --topic "pp-$size" --size "$size" \
    --batch 1000 --in-flight 16 --acks 1 --duration "$duration")
  echo "caudal-pipelined $size 1 1 $(field msg_per_s "$out") $(field mb_per_s "$out") -" >>"$results"
  echo "  caudal-pipelined ${size}B: $out" >&2
done

# The throughput cases above leave gigabytes of dirty pages; their writeback would otherwise
# run during the latency rounds and measure the disk's backlog instead of the broker. Each
# round uses topics of its own (pre-created: an auto-created topic adds a metadata round trip
# to the first messages), and the goal is judged on the median round.
sync
echo "== produce-to-consume latency at $rate msg/s (100 B, 1 partition, ${latency_duration}s, $latency_rounds rounds)" >&2
latency() {  # label args acks topic
  local out
  # shellcheck disable=SC2086
  out=$("$bench" $2 --topic "$4" --acks "$3" --size 100 --latency --rate "$rate" \
    --duration "$latency_duration" --linger-ms 1)
  echo "  $1: $out" >&2
  printf '%-34s %10s %10s %10s %12s\n' "$1" "$(field p50_ms "$out")" "$(field p99_ms "$out")" \
    "$(field p999_ms "$out")" "$(field msgs "$out")/$(field sent "$out")" >>"$work/latency.txt"
  if [[ "$1" == "caudal flush=none acks=1"* ]]; then field p99_ms "$out" >>"$work/caudal_p99"; fi
}
: >"$work/latency.txt"
: >"$work/caudal_p99"
for ((r = 1; r <= latency_rounds; r++)); do
  latency "mock acks=1 #$r" "--mock" 1 "lat-mock-$r"
  latency "caudal flush=none acks=1 #$r" "--brokers 127.0.0.1:$kafka_port" 1 "lat-none-$r"
  latency "caudal flush=always acks=all #$r" "--brokers 127.0.0.1:$kafka_port" all "lat-always-$r"
done

# ---- Redis Streams, AOF everysec.
echo "== Redis Streams (AOF everysec), redis-benchmark -c 50 -P 64 XADD" >&2
redis_port=$(free_port)
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --appendonly yes \
  --appendfsync everysec --save '' >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
for size in $sizes; do
  payload=$(head -c "$size" /dev/zero | tr '\0' x)
  rps=$(redis-benchmark -p "$redis_port" -c 50 -P 64 -n "$redis_n" --csv XADD "s$size" '*' \
    payload "$payload" | tail -1 | cut -d, -f2 | tr -d '"')
  echo "redis $size - 1 ${rps%.*} $(awk -v r="$rps" -v s="$size" 'BEGIN { printf "%.1f", r * s / 1e6 }') -" \
    >>"$results"
  echo "  redis ${size}B: $rps XADD/s" >&2
done

# ---- NATS JetStream, file store, the Go client from Debian (GOPATH mode).
echo "== NATS JetStream (file store), Go client PublishAsync" >&2
nats_port=$(free_port)
mkdir -p "$work/jetstream" "$work/go"
nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/jetstream" >"$work/nats.log" 2>&1 &
pids+=($!)
(cd "$work/go" && GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="$work/go/cache" \
  go build -o "$work/go/nats_bench" "$repo_root/bench/kafka/nats_bench.go")
sleep 0.5
for size in $sizes; do
  out=$("$work/go/nats_bench" -url "nats://127.0.0.1:$nats_port" -n "$nats_n" -size "$size")
  echo "jetstream $size - 1 $(field msg_per_s "$out") $(field mb_per_s "$out") -" >>"$results"
  echo "  jetstream ${size}B: $out" >&2
done

# ---- the table and the goals.
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-14s %6s %4s %5s %14s %10s %14s\n' target size acks parts "produce msg/s" "MB/s" \
  "consume msg/s"
sort -k2,2n -k4,4n -k3,3 -k1,1 "$results" | while read -r t s a p m mb c; do
  printf '%-14s %6s %4s %5s %14s %10s %14s\n' "$t" "$s" "$a" "$p" "$m" "$mb" "$c"
done
echo
printf '%-34s %10s %10s %10s %12s\n' "latency at $rate msg/s" "p50 ms" "p99 ms" "p99.9 ms" \
  "received"
cat "$work/latency.txt"
echo
rate_of() { awk -v t="$1" -v s="$2" -v a="$3" -v p="$4" '$1 == t && $2 == s && $3 == a && $4 == p { print $5 }' "$results"; }
caudal=$(rate_of caudal-none 100 1 1)
mock=$(rate_of mock 100 1 1)
redis=$(rate_of redis 100 - 1)
pipelined_rate=$(rate_of caudal-pipelined 100 1 1)
jetstream=$(rate_of jetstream 100 - 1)
p99=$(sort -n "$work/caudal_p99" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v >= g) ? "met" : "NOT met" }'; }
echo "goals (100 B, acks=1, flush: none, 1 partition):"
echo "  Caudal / mock ceiling   $(ratio "$caudal" "$mock")  (goal >= 0.90: $(verdict "$(ratio "$caudal" "$mock")" 0.9))"
echo "  Caudal / Redis Streams  $(ratio "$caudal" "$redis")  (librdkafka producer against redis-benchmark -P 64)"
echo "  Caudal / Redis Streams  $(ratio "$pipelined_rate" "$redis")  (both pipelined, pre-encoded: goal >= 5: $(verdict "$(ratio "$pipelined_rate" "$redis")" 5))"
echo "  Caudal / JetStream      $(ratio "$caudal" "$jetstream")  (goal >= 10: $(verdict "$(ratio "$caudal" "$jetstream")" 10))"
echo "  p99 at $rate msg/s      ${p99} ms, median of $latency_rounds rounds  (goal < 5 ms: $(awk -v p="$p99" 'BEGIN { print (p < 5) ? "met" : "NOT met" }'))"
