// TableSink: keeps the latest event per key in a materialized table (table/materialized_table.h),
// queryable over HTTP (GET /v1/tables/{name}/{key}). The key is the sink's key expression,
// evaluated by the runtime into each record's key; the version is the event's timestamp, so an
// older event replayed after a restart never overwrites a newer one, and replaying the same
// events leaves the same rows (at-least-once delivery ends exact). Each batch is one atomic,
// synced RocksDB write, acknowledged when it returns.
#pragma once

#include <vector>

#include "pipeline/sinks/sink.h"
#include "table/materialized_table.h"

namespace caudal::pipeline {

class TableSink final : public Sink {
 public:
  // `table` outlives the sink.
  explicit TableSink(table::MaterializedTable& table) : table_(table) {}

  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override;

 private:
  table::MaterializedTable& table_;
  std::vector<table::TablePut> puts_;
};

}  // namespace caudal::pipeline
