// The dead-letter envelope: what a pipeline writes to its dead-letter topic for an event it
// could not process, one JSON object per event (docs/pipelines.md §Dead letters):
//
//   {"pipeline":"enrich","reason":"...","step":{"index":2,"name":"set"},
//    "source":{"topic":"ENTRY","partition":0,"offset":42,"timestamp":1700000000000},
//    "event":{...the event as received...}}
//
// "step" is absent when the event failed before the steps (its bytes are not a JSON object:
// then "raw" holds them as a string instead of "event") and replaced by "sink" when a sink's
// key expression failed. "raw" and "key" are the record's bytes, which need not be UTF-8: each
// byte that is not valid UTF-8 appears as U+FFFD, so the envelope is always valid JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/event/event.h"

namespace caudal::pipeline {

struct DeadLetterEnvelope {
  std::string_view pipeline;
  std::string_view reason;
  std::optional<uint32_t> step_index;  // with step_name
  std::string_view step_name;
  std::string_view sink;  // when a sink's key failed
  SourcePosition source;
  // Exactly one of these: the event as received (valid JSON), or the bytes that did not parse.
  std::optional<std::string_view> event_json;
  std::optional<std::string_view> raw;
};

// Appends the envelope as one line of JSON (no newline).
void write_dead_letter(const DeadLetterEnvelope& envelope, std::string& out);

}  // namespace caudal::pipeline
