#include "pipeline/connectors/parsed_records.h"

#include <fmt/format.h>

#include "common/check.h"

namespace caudal::pipeline::connectors {

size_t ParsedRecords::add_column(const Expression& expression, std::string label) {
  for (const Path& path : expression.fields()) projection_.add_path(path);
  batch_.set_projection(&projection_);
  columns_.push_back(Column{&expression, std::move(label), {}});
  return columns_.size() - 1;
}

void ParsedRecords::parse(std::span<const RecordRef> records) {
  batch_.clear();
  indexes_.assign(records.size(), std::nullopt);
  failures_.assign(records.size(), std::string());
  records_.clear();
  for (size_t i = 0; i < records.size(); ++i) {
    SourcePosition source;
    source.timestamp_ms = records[i].timestamp_ms();
    source.key = records[i].key();
    Result<uint32_t> index = batch_.append_json(records[i].value(), source);
    if (index.ok()) {
      indexes_[i] = *index;
      records_.push_back(i);
    } else {
      failures_[i] = std::string(index.status().message());
    }
  }
  if (columns_.empty()) return;
  CAUDAL_CHECK(batch_.selection().size() == batch_.size() && records_.size() == batch_.size(),
               "every parsed event is selected, in the order of its record");
  for (Column& column : columns_) {
    evaluation_failures_.clear();
    column.expression->evaluate(batch_, column.values, evaluation_failures_);
    for (const EvalFailure& failure : evaluation_failures_) {
      std::string& reason = failures_[records_[failure.event]];
      if (reason.empty()) {
        reason = fmt::format("{} ({}): {}", column.label, column.expression->text(), failure.reason.message());
      }
    }
  }
}

const Event* ParsedRecords::event(size_t i) const {
  return indexes_[i].has_value() ? &batch_.event(*indexes_[i]) : nullptr;
}

const std::string* ParsedRecords::failure(size_t i) const { return failures_[i].empty() ? nullptr : &failures_[i]; }

}  // namespace caudal::pipeline::connectors
