#include "pipeline/connectors/parsed_records.h"

namespace caudal::pipeline::connectors {

void ParsedRecords::parse(std::span<const RecordRef> records) {
  batch_.clear();
  indexes_.assign(records.size(), std::nullopt);
  failures_.assign(records.size(), std::string());
  for (size_t i = 0; i < records.size(); ++i) {
    SourcePosition source;
    source.timestamp_ms = records[i].timestamp_ms();
    source.key = records[i].key();
    Result<uint32_t> index = batch_.append_json(records[i].value(), source);
    if (index.ok()) {
      indexes_[i] = *index;
    } else {
      failures_[i] = std::string(index.status().message());
    }
  }
}

const Event* ParsedRecords::event(size_t i) const {
  return indexes_[i].has_value() ? &batch_.event(*indexes_[i]) : nullptr;
}

const std::string* ParsedRecords::failure(size_t i) const {
  return indexes_[i].has_value() ? nullptr : &failures_[i];
}

}  // namespace caudal::pipeline::connectors
