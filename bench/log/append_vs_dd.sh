#!/usr/bin/env bash
# Caudal's log against dd on the same file system, side by side in one run (issue 3):
#   flush=none, 1 KiB records in batches of 64     vs  dd bs=64K (buffered)       goal >= 80%
#   flush=none, 1 KiB records in batches of 960    vs  dd bs=1M (buffered)        goal >= 80%
#   flush=always, 4 appenders, ~260 KB / ~1 MB batches, 1 or 4 appends in flight each (a
#   producer pipelines its batches: librdkafka's default is up to 5 requests in flight and 1 MB
#   batches)
#                                                  vs  dd bs=1M conv=fdatasync    goal >= 70%
#   100 B records in batches of 1,000, one core    records/s                      goal >= 5 M/s
#   sequential read of a warm partition            bytes/s                        goal >= 3 GB/s
# Each side runs ROUNDS times (alternating, `sync` in between) and the median is reported.
#
# Usage: bench/log/append_vs_dd.sh [build-dir] [data-dir]
#   build-dir  where log_append_bench and log_read_bench were built (default: build)
#   data-dir   a directory on the file system to measure (default: <build-dir>/bench-data)
# Environment: CAUDAL_BENCH_MB (default 512) MiB written per run; ROUNDS (default 3).
set -euo pipefail

build=${1:-build}
data=${2:-$build/bench-data}
mb=${CAUDAL_BENCH_MB:-512}
rounds=${ROUNDS:-3}
find_binary() {
  for candidate in "$build/bench/$1" "$build/$1"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  echo "append_vs_dd: $1 not found under $build (build it first)" >&2
  exit 1
}
append_bench=$(find_binary log_append_bench)
read_bench=$(find_binary log_read_bench)
mkdir -p "$data"
data=$(cd "$data" && pwd)

# Before each measurement: write and delete as much as it will write, then sync. In a VM the
# first touch of memory freed a while ago can be many times slower than the measurement itself
# (the host may have taken the pages back), and a deleted file's discards must not land inside
# a measurement; this puts both sides on the same footing.
prepare() {
  LC_ALL=C dd if=/dev/zero of="$data/warmup.out" bs=1M count="$mb" 2>/dev/null
  rm -f "$data/warmup.out" "$data/dd.out"
  sync
}

# dd's bytes/s for `mb` MiB from /dev/zero in blocks of BS (default 1M), with extra dd flags.
dd_rate() {
  prepare
  local line bs=${BS:-1M}
  local count=$((mb * 1048576 / $(numfmt --from=iec "$bs")))
  line=$(LC_ALL=C dd if=/dev/zero of="$data/dd.out" bs="$bs" count="$count" "$@" 2>&1 | tail -1)
  rm -f "$data/dd.out"
  # "536870912 bytes (537 MB, 512 MiB) copied, 2.14567 s, 250 MB/s"
  awk '{ printf "%.0f\n", $1 / $(NF-3) }' <<<"$line"
}

# A counter of one benchmark, from Google Benchmark's JSON output.
bench_counter() {
  local binary=$1 filter=$2 counter=$3
  prepare
  CAUDAL_BENCH_DIR=$data CAUDAL_BENCH_MB=$mb "$binary" --benchmark_filter="$filter" \
    --benchmark_format=json 2>/dev/null |
    grep -o "\"$counter\": [0-9.e+-]*" | head -1 | awk '{ printf "%.0f\n", $2 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A samples
measure() {  # key command...
  local key=$1
  shift
  samples[$key]+="$("$@") "
}

for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds..." >&2
  BS=64K measure dd_buffered_64k dd_rate
  measure none_1k bench_counter "$append_bench" 'flush_none/1KiB_records/64_' bytes_per_second
  measure dd_buffered dd_rate
  measure none_1m bench_counter "$append_bench" 'flush_none/1KiB_records/960_' bytes_per_second
  measure dd_fdatasync dd_rate conv=fdatasync
  measure always_256 bench_counter "$append_bench" 'flush_always/.*/256_per_batch/4_appenders/1_in' \
    bytes_per_second
  measure always_960 bench_counter "$append_bench" 'flush_always/.*/960_per_batch/4_appenders/1_in' \
    bytes_per_second
  measure always_inflight bench_counter "$append_bench" 'flush_always/.*/256_per_batch/4_appenders/4_in' \
    bytes_per_second
  measure always_inflight_960 bench_counter "$append_bench" \
    'flush_always/.*/960_per_batch/4_appenders/4_in' bytes_per_second
  measure records_100b bench_counter "$append_bench" 'flush_none/100B' items_per_second
  measure read_warm bench_counter "$read_bench" '^read/warm' bytes_per_second
  measure read_ranges bench_counter "$read_bench" '^read_ranges/warm' bytes_per_second
done

get() { tr ' ' '\n' <<<"${samples[$1]}" | grep -v '^$' | median; }
gbs() { awk -v v="$1" 'BEGIN { printf "%.2f GB/s", v / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

dd_buffered=$(get dd_buffered)
dd_buffered_64k=$(get dd_buffered_64k)
none_1m=$(get none_1m)
dd_fdatasync=$(get dd_fdatasync)
none_1k=$(get none_1k)
always_256=$(get always_256)
always_960=$(get always_960)
always_inflight=$(get always_inflight)
always_inflight_960=$(get always_inflight_960)
records=$(get records_100b)
read_warm=$(get read_warm)
read_ranges=$(get read_ranges)

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
  "$(free -g | awk '/Mem:/ { print $2 }') GiB RAM, kernel $(uname -r)"
echo "data:    $data ($(findmnt -n -o FSTYPE -T "$data") on $(findmnt -n -o SOURCE -T "$data")),"\
  "$mb MiB per run, median of $rounds; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-52s %14s %14s %7s %8s\n' "case" "caudal" "dd" "ratio" "goal"
printf '%-52s %14s %14s %7s %8s\n' "flush=none, 1 KiB records x64 (~66 KB) vs dd bs=64K" \
  "$(gbs "$none_1k")" "$(gbs "$dd_buffered_64k")" "$(ratio "$none_1k" "$dd_buffered_64k")" \
  ">= 0.80"
printf '%-52s %14s %14s %7s %8s\n' "flush=none, 1 KiB records x960 (~1 MB) vs dd bs=1M" \
  "$(gbs "$none_1m")" "$(gbs "$dd_buffered")" "$(ratio "$none_1m" "$dd_buffered")" ">= 0.80"
printf '%-52s %14s %14s %7s %8s\n' "flush=always, 4 appenders x1 in flight, ~260 KB batches" \
  "$(gbs "$always_256")" "$(gbs "$dd_fdatasync")" "$(ratio "$always_256" "$dd_fdatasync")" ">= 0.70"
printf '%-52s %14s %14s %7s %8s\n' "flush=always, 4 appenders x1 in flight, ~1 MB batches" \
  "$(gbs "$always_960")" "$(gbs "$dd_fdatasync")" "$(ratio "$always_960" "$dd_fdatasync")" ">= 0.70"
printf '%-52s %14s %14s %7s %8s\n' "flush=always, 4 appenders x4 in flight, ~260 KB" \
  "$(gbs "$always_inflight")" "$(gbs "$dd_fdatasync")" \
  "$(ratio "$always_inflight" "$dd_fdatasync")" ">= 0.70"
printf '%-52s %14s %14s %7s %8s\n' "flush=always, 4 appenders x4 in flight, ~1 MB" \
  "$(gbs "$always_inflight_960")" "$(gbs "$dd_fdatasync")" \
  "$(ratio "$always_inflight_960" "$dd_fdatasync")" ">= 0.70"
printf '%-52s %14s %14s %7s %8s\n' "100 B records x1000 per batch, one core" \
  "$(awk -v v="$records" 'BEGIN { printf "%.1f M rec/s", v / 1e6 }')" "-" "-" ">= 5 M/s"
printf '%-52s %14s %14s %7s %8s\n' "sequential read, warm, checked (read)" \
  "$(gbs "$read_warm")" "-" "-" ">= 3 GB/s"
printf '%-52s %14s %14s %7s %8s\n' "sequential read, warm, ranges copied (read_ranges)" \
  "$(gbs "$read_ranges")" "-" "-" ""
