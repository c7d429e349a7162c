// ParsedRecords: the events back from a delivery's JSON records, for transports whose
// templates or expressions read fields. One per transport, reused (the batch's arena stays
// allocated); used by its delivery thread only.
//
// A transport whose expressions give the values it writes (InfluxDB's tags and fields,
// PostgreSQL's columns) adds them as columns: each is evaluated over the whole delivery at once,
// and only the fields the columns read are decoded from the records.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pipeline/connectors/connector.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline::connectors {

class ParsedRecords {
 public:
  // Adds `expression` (which must outlive this) as a column, evaluated at each parse();
  // `label` names it in the failure of an event it fails for: "tag device (<expression>):
  // <reason>". Columns are added before the first parse(): with any, events are decoded with
  // only the fields the columns read, so the transport must read events through them only.
  // Returns the column's index.
  size_t add_column(const Expression& expression, std::string label);

  // Parses every record and evaluates the columns. A record that is not a JSON object (never
  // from a pipeline, which writes objects) or for which a column fails gets its reason in
  // failure(i).
  void parse(std::span<const RecordRef> records);

  // Null when records[i] did not parse.
  const Event* event(size_t i) const;
  // Why records[i] did not parse, or the first column that failed for it; null when neither.
  const std::string* failure(size_t i) const;
  // records[i]'s value in `column` (valid when failure(i) is null).
  Value value(size_t column, size_t i) const { return columns_[column].values[*indexes_[i]]; }
  EventBatch& batch() { return batch_; }
  // The batch index of records[i]'s event (valid when event(i) is not null).
  uint32_t index(size_t i) const { return *indexes_[i]; }

 private:
  struct Column {
    const Expression* expression;
    std::string label;
    std::vector<Value> values;  // by batch index
  };

  EventBatch batch_;
  std::vector<Column> columns_;
  Projection projection_;  // the fields the columns read
  std::vector<std::optional<uint32_t>> indexes_;
  std::vector<size_t> records_;        // by batch index: the record it came from
  std::vector<std::string> failures_;  // by record; empty when it parsed and no column failed
  std::vector<EvalFailure> evaluation_failures_;
};

}  // namespace caudal::pipeline::connectors
