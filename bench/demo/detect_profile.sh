#!/usr/bin/env bash
# Instructions per record of issue 10's detect pipeline, by stage: detect_bench under
# valgrind --tool=callgrind, one profile per thread; the pipeline task's thread is broken down
# by the inclusive cost of the functions of each stage, the other threads (sinks, checkpoints)
# are summed. Instruction counts do not move with the load of a shared machine.
# Usage: bench/demo/detect_profile.sh [BUILD_DIR] [READINGS]   (default 300,000 readings: ~2 min)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
readings="${2:-300000}"
dir="$(mktemp -d /tmp/caudal-detect-profile-XXXXXX)"
trap 'rm -rf "$dir"' EXIT

valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$dir/cg" \
  "$build/bench/detect_bench" "$readings" >"$dir/out.txt" 2>"$dir/err.txt"
grep -E "^(loaded|detect|alarms)" "$dir/out.txt"
records=$(sed -n 's/^detect: \([0-9]*\) records.*/\1/p' "$dir/out.txt")

python3 - "$dir" "$records" <<'EOF'
import glob, re, subprocess, sys

directory, records = sys.argv[1], int(sys.argv[2])

def inclusive(path):
    """function name -> inclusive instructions, from callgrind_annotate."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                         capture_output=True, text=True).stdout
    costs = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*?:(.*?) \[", line)
        if m:
            name = m.group(2)
            costs[name] = max(costs.get(name, 0), int(m.group(1).replace(",", "")))
    return costs

def total(path):
    for line in open(path, errors="replace"):
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    return 0

# Stage -> a pattern of the function that holds it, inclusive.
STAGES = [
    ("read: order time merge (without the two below)", r"SourceReader::read\("),
    ("  decode (EventBatch::append_json)", r"EventBatch::append_json\("),
    ("  record batches (RecordBatchReader::next, Partition::read)", None),
    ("steps (PipelineDefinition::run)", r"PipelineDefinition::run\("),
    ("  key_by", r"KeyByStep::process\("),
    ("  threshold", r"ThresholdStep::process\("),
    ("  route", r"RouteStep::process\("),
    ("  set (both)", r"SetStep::process\("),
    ("  lookup", r"LookupStep::process\("),
    ("serialize outputs (BatchOutput::build)", r"BatchOutput::build\("),
    ("sinks' write() on the task thread", r"PipelineTask::write\("),
    ("checkpoints taken (take_checkpoint)", r"PipelineTask::take_checkpoint\("),
]

def cost(costs, pattern):
    return max([c for name, c in costs.items() if re.search(pattern, name)] or [0])

task_file, others = None, 0
for path in sorted(glob.glob(f"{directory}/cg-*")):
    if path.endswith("-01"):
        continue  # the main thread: loading, then waiting
    costs = inclusive(path)
    if cost(costs, r"PipelineTask::run\(\)") > 0:
        task_file, task = path, costs
    else:
        others += total(path)
whole = cost(task, r"PipelineTask::run\(\)")
per = lambda c: c / records
print(f"pipeline task thread: {per(whole):,.0f} instructions per record; other threads (sinks, checkpoint writer, "
      f"RocksDB, e-mail): {per(others):,.0f}")
batches = cost(task, r"RecordBatchReader::next\(") + cost(task, r"Partition::read\(")
for label, pattern in STAGES:
    if pattern is None:
        value = batches
    else:
        value = cost(task, pattern)
        if pattern.startswith("SourceReader::read"):
            value -= cost(task, r"EventBatch::append_json\(") + batches
    print(f"  {label:<62} {per(value):>8,.0f}")
EOF
