#include "pipeline/sinks/table_sink.h"

#include <algorithm>

#include <fmt/format.h>

namespace caudal::pipeline {

TableSink::TableSink(table::MaterializedTable& table) : table_(table), thread_([this] { run(); }) {}

TableSink::~TableSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void TableSink::write(std::shared_ptr<const SinkBatch> batch, SinkDone done) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(batch), std::move(done));
  }
  wake_.notify_all();
}

void TableSink::run() {
  std::vector<Queued> taken;
  std::vector<table::TablePut> puts;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything written
      taken.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    puts.clear();
    for (const auto& [batch, done] : taken) {
      for (size_t i = 0; i < batch->size(); ++i) {
        // The runtime gives every record of a table sink a key (or dead-letters the event).
        const std::string_view key = batch->key(i).value_or(std::string_view());
        puts.push_back(table::TablePut{
            key, batch->value(i), static_cast<uint64_t>(std::max<int64_t>(0, batch->record(i).timestamp_ms))});
      }
    }
    Result<size_t> written = table_.put(puts, table::Durability::kSync);
    const Status status =
        written.ok() ? Status() : written.status().with_context(fmt::format("table sink {}", table_.name()));
    for (auto& [batch, done] : taken) done(status);
    taken.clear();
  }
}

}  // namespace caudal::pipeline
