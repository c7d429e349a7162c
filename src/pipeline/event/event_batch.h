// EventBatch: the unit every pipeline step works on. A step is one call per batch (a loop
// over the selection inside), never one virtual call per event.
//
// A batch owns an Arena (all strings, arrays, objects of its events), its Events, and a
// selection vector: the indexes of the events still travelling, ascending. Filtering narrows
// the selection instead of moving events; events leave a batch only by clear().
//
// Contract: one pipeline task thread fills and uses a batch; Values and Events taken from it
// are valid until clear(). Reuse a batch across polls (clear()) so the arena and the parser's
// buffers are allocated once.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "pipeline/event/arena.h"
#include "pipeline/event/event.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

class JsonReader;
class Projection;

class EventBatch {
 public:
  EventBatch();
  ~EventBatch();
  EventBatch(const EventBatch&) = delete;
  EventBatch& operator=(const EventBatch&) = delete;

  // Parses `json` (copied into the arena first) as one event and selects it. The key of
  // `source` is copied too. On failure nothing is added; the Status (kInvalidJson with the byte
  // offset, kNotAnObject, kTooDeep) is the dead-letter reason.
  Result<uint32_t> append_json(std::string_view json, const SourcePosition& source);

  // Decode the events of later append_json calls with only the fields of `projection`
  // (projection.h; null: whole). It must outlive the batch's use of it (a pipeline's does).
  void set_projection(const Projection* projection) { projection_ = projection; }

  // Adds and selects an event that is an empty object, for inputs that are not JSON (the parse
  // step fills it); `source.key` is copied.
  uint32_t append_empty(const SourcePosition& source);

  // Parses JSON text into a Value in this batch's arena (any JSON value, not only objects).
  Result<Value> parse_json(std::string_view json);

  uint32_t size() const { return static_cast<uint32_t>(events_.size()); }
  Event& event(uint32_t index) { return events_[index]; }
  const Event& event(uint32_t index) const { return events_[index]; }

  // Indexes of the selected events, ascending.
  std::span<const uint32_t> selection() const { return selection_; }
  // For steps that narrow the selection in place (keep it ascending).
  std::vector<uint32_t>& mutable_selection() { return selection_; }
  // Selects every event again.
  void select_all();

  Arena& arena() { return arena_; }

  // What now() returns in expressions over this batch: set once per batch by the runtime from
  // its clock, so every event of a batch sees the same time and tests can fix it.
  int64_t processing_time() const { return processing_time_nanos_; }
  void set_processing_time(int64_t nanos) { processing_time_nanos_ = nanos; }

  // Drops every event and resets the arena; keeps allocated capacity.
  void clear();

 private:
  SourcePosition own_source(const SourcePosition& source);

  Arena arena_;
  std::vector<Event> events_;
  std::vector<uint32_t> selection_;
  std::unique_ptr<JsonReader> reader_;
  const Projection* projection_ = nullptr;
  int64_t processing_time_nanos_ = 0;
};

}  // namespace caudal::pipeline
