#!/usr/bin/env bash
# Runs every libFuzzer target for a fixed time: fuzz/run.sh <seconds-per-fuzzer> [build-dir]
#
# Configures and builds the fuzz build (clang, sanitizers, coverage) in build-dir (default
# build-fuzz) if needed, then runs each <name>_fuzz on a scratch copy of its committed seed
# corpus fuzz/corpus/<name>/, so new inputs it finds do not land in the repository. A crash
# stops the run with a non-zero exit and leaves the input under <build-dir>/fuzz-artifacts/;
# add that file to fuzz/corpus/<name>/ once fixed, and ctest replays it from then on.
set -euo pipefail

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <seconds-per-fuzzer> [build-dir]" >&2
  exit 2
fi
seconds="$1"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${2:-$repo_root/build-fuzz}"
jobs="${JOBS:-$(nproc)}"

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAUDAL_BUILD_FUZZ=ON -DCAUDAL_BUILD_TESTS=OFF \
    -DCAUDAL_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --target fuzzers -j "$jobs"

artifacts="$build_dir/fuzz-artifacts"
mkdir -p "$artifacts"
status=0
for fuzzer in "$build_dir"/fuzz/*_fuzz; do
  name="$(basename "$fuzzer" _fuzz)"
  seeds="$repo_root/fuzz/corpus/$name"
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  echo "fuzz: $name for ${seconds}s ($(ls "$seeds" | wc -l) seeds)"
  if ! "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$artifacts/${name}-" "$scratch" "$seeds"; then
    echo "fuzz: $name FAILED; the input is in $artifacts/" >&2
    status=1
  fi
  rm -rf "$scratch"
  trap - EXIT
done
exit "$status"
