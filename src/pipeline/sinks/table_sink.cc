#include "pipeline/sinks/table_sink.h"

#include <algorithm>

#include <fmt/format.h>

namespace caudal::pipeline {

void TableSink::write(std::shared_ptr<const SinkBatch> batch, SinkDone done) {
  puts_.clear();
  for (size_t i = 0; i < batch->size(); ++i) {
    // The runtime gives every record of a table sink a key (or dead-letters the event).
    const std::string_view key = batch->key(i).value_or(std::string_view());
    puts_.push_back(table::TablePut{
        key, batch->value(i),
        static_cast<uint64_t>(std::max<int64_t>(0, batch->record(i).timestamp_ms))});
  }
  Result<size_t> written = table_.put(puts_, table::Durability::kSync);
  done(written.ok() ? Status()
                    : written.status().with_context(fmt::format("table sink {}", table_.name())));
}

}  // namespace caudal::pipeline
