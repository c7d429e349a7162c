// TableSink: keeps the latest event per key in a materialized table (table/materialized_table.h),
// queryable over HTTP (GET /v1/tables/{name}/{key}). The key is the sink's key expression,
// evaluated by the runtime into each record's key; the version is the event's timestamp, so an
// older event replayed after a restart never overwrites a newer one, and replaying the same
// events leaves the same rows (at-least-once delivery ends exact).
//
// Writes are synced RocksDB writes on a thread of the sink's own, so the pipeline's thread never
// waits for the disk: every batch written while the last sync was under way goes into the next
// one (one atomic, synced write for all of them, in the order written), and each batch is
// acknowledged once that write returns. A failed write fails every batch in it (the runtime
// writes them again).
//
// Threads: write() from the owning pipeline task's thread; `done` runs on the sink's thread. The
// destructor writes what was queued, then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "pipeline/sinks/sink.h"
#include "table/materialized_table.h"

namespace caudal::pipeline {

class TableSink final : public Sink {
 public:
  // `table` outlives the sink.
  explicit TableSink(table::MaterializedTable& table);
  ~TableSink() override;
  TableSink(const TableSink&) = delete;
  TableSink& operator=(const TableSink&) = delete;

  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override;

 private:
  using Queued = std::pair<std::shared_ptr<const SinkBatch>, SinkDone>;

  void run();

  table::MaterializedTable& table_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace caudal::pipeline
