// Dry runs: a pipeline run over sample events without a log, for `caudal pipeline test` and the
// golden tests (tests/golden/). Each input line is one record of the pipeline's first source
// topic, partition 0, at offset = its 0-based line number, with no timestamp and no key. The
// steps run exactly as in `caudal serve` (definition.h, batch_output.h), in batches of the
// pipeline's batch_size; lookups read the real tables; sinks are not opened: what each would
// get is captured instead, in order.
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
};

// Runs `definition` over the lines of `input` (empty lines skipped). `now_nanos` is what now()
// returns in expressions.
DryRunOutput dry_run(const PipelineDefinition& definition, std::istream& input, int64_t now_nanos);

}  // namespace caudal::pipeline
