// ParsedRecords: the events back from a delivery's JSON records, for transports whose
// templates or expressions read fields. One per transport, reused (the batch's arena stays
// allocated); used by its delivery thread only.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "pipeline/connectors/connector.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline::connectors {

class ParsedRecords {
 public:
  // Decodes only the top-level fields of `projection` (projection.h; null: whole events),
  // which must outlive this: a transport whose expressions read a few fields of wide events
  // builds no tree of the others.
  void set_projection(const Projection* projection) { batch_.set_projection(projection); }

  // Parses every record; a record that is not a JSON object (never from a pipeline, which
  // writes objects) gets its reason in failure(i).
  void parse(std::span<const RecordRef> records);

  // Null when records[i] did not parse.
  const Event* event(size_t i) const;
  const std::string* failure(size_t i) const;
  EventBatch& batch() { return batch_; }
  // The batch index of records[i]'s event (valid when event(i) is not null).
  uint32_t index(size_t i) const { return *indexes_[i]; }

 private:
  EventBatch batch_;
  std::vector<std::optional<uint32_t>> indexes_;
  std::vector<std::string> failures_;  // by record; empty when it parsed
};

}  // namespace caudal::pipeline::connectors
