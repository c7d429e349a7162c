#!/usr/bin/env bash
# `make bench`: every benchmark, each side by side with its peer or limit, printing tables.
# Figures and the machine they ran on are recorded in BENCHMARKS.md. Never a test: nothing
# here fails on a timing.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)

echo "== machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== log: record batch build and read per codec (100 B records x 1,000 per batch)"
"$build/bench/record_batch_bench" --benchmark_min_time=1

echo "== log: append and read against dd on the same file system"
"$here/log/append_vs_dd.sh" "$build"

echo "== kafka: Caudal's listener beside librdkafka's mock cluster, Redis Streams and JetStream"
"$here/kafka/run.sh" "$build"

echo "== http: native ingest beside nginx answering return 204"
"$here/http/run.sh" "$build"

echo "== table: lookups in a 50,000-row table"
"$build/bench/lookup_bench" --benchmark_min_time=0.5

echo "== pipeline: event model and expressions beside simdjson parsing the same events"
"$build/bench/expr_bench" --benchmark_min_time=1

echo "== pipeline: issue 6's pipeline beside simdjson parsing the same events"
"$build/bench/pipeline_bench"

echo "== pipeline: issue 7's threshold and window beside a stateless pipeline, checkpoints every second"
"$build/bench/stateful_bench"

echo "== connectors: InfluxDB, PostgreSQL and file sinks beside curl, psql \\copy and zstd"
"$here/connectors/run.sh" "$build"
