// CheckpointWriter: writes a stateful pipeline's checkpoints (checkpoint_store.h) on a thread
// of its own, so the pipeline task goes on processing while RocksDB builds the write batch and
// syncs it (a threshold over 50,000 keys changes most of them every second).
//
// The checkpoint handed to submit() is a snapshot: the state deltas are already encoded, so
// what the task changes afterwards is not in it. The task submits a checkpoint only once its
// sinks acknowledged everything dispatched before it was taken (pipeline_task.h), and takes no
// other checkpoint while one is being written: a failed write makes the next checkpoint carry
// the whole state, which is only right if no delta was taken in between.
//
// Durability: a checkpoint is durable once poll() or wait() reports it written.
//
// Threads: submit(), poll() and wait() from one owner thread (the task's); the writer thread
// only writes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "common/status.h"
#include "pipeline/runtime/checkpoint_store.h"

namespace caudal::pipeline {

class CheckpointWriter {
 public:
  struct Written {
    Checkpoint checkpoint;
    Status status;
    std::chrono::steady_clock::duration took{0};  // of the write alone
  };

  // `store` outlives the writer.
  explicit CheckpointWriter(CheckpointStore* store);
  // Waits for the write in flight, if any.
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Starts writing `checkpoint`. Precondition: !busy().
  void submit(Checkpoint checkpoint);
  // A checkpoint was submitted and its outcome not yet taken by poll() or wait().
  bool busy() const { return busy_; }
  // The outcome of the submitted checkpoint once written; nullopt while it is being written
  // (or when none is).
  std::optional<Written> poll();
  // Blocks until the submitted checkpoint is written; nullopt when none is.
  std::optional<Written> wait();

 private:
  void run();

  CheckpointStore* store_;
  bool busy_ = false;  // owner thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Checkpoint> queued_;
  std::optional<Written> written_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace caudal::pipeline
