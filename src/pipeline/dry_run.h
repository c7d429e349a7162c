// Dry runs: a pipeline run over sample events without a log, for `caudal pipeline test` and the
// golden tests (tests/golden/). Each input line is one record of the pipeline's first source
// topic, partition 0, at offset = its 0-based line number, with no timestamp and no key. The
// steps run exactly as in `caudal serve` (definition.h, batch_output.h), in batches of the
// pipeline's batch_size; lookups read the real tables; sinks are not opened: what each would
// get is captured instead, in order.
//
// Stateful steps need more than that, so a line starting with `#` is a directive (and ends
// the current batch): `# topic=OK partition=1 timestamp=2024-01-01T00:00:05Z
// now=2024-01-01T00:01:00Z` sets, for the lines after it, their source topic and partition,
// their record timestamp (`timestamp=none`: none) and the processing time (now()); any of
// them may be left out. `# tick` runs the steps over an empty batch, as the runtime does when
// idle (processing-time windows and idle watermarks close windows then).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "pipeline/definition.h"

namespace caudal::pipeline {

struct CapturedSink {
  std::string label;  // SinkSpec::label(), or "dead_letter"
  // One line per record: the event's JSON, or {"key":K,"value":EVENT} for a keyed record.
  std::vector<std::string> records;
};

struct DryRunOutput {
  std::vector<CapturedSink> sinks;  // by sink id
  CapturedSink dead_letters;        // envelopes (dead_letter.h)
  std::string error;                // "line N: ..." for a malformed directive; empty when none
};

// Runs `definition` over the lines of `input` (empty lines skipped). `now_nanos` is what now()
// returns in expressions until a directive changes it. A malformed directive stops the run
// with `error` set.
DryRunOutput dry_run(const PipelineDefinition& definition, std::istream& input, int64_t now_nanos);

}  // namespace caudal::pipeline
