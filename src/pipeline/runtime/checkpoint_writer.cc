#include "pipeline/runtime/checkpoint_writer.h"

#include "common/check.h"

namespace caudal::pipeline {

CheckpointWriter::CheckpointWriter(CheckpointStore* store) : store_(store), thread_([this] { run(); }) {}

CheckpointWriter::~CheckpointWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  thread_.join();
}

void CheckpointWriter::submit(Checkpoint checkpoint) {
  CAUDAL_CHECK(!busy_, "a checkpoint was submitted while another was being written");
  busy_ = true;
  std::lock_guard lock(mutex_);
  queued_ = std::move(checkpoint);
  wake_.notify_all();
}

std::optional<CheckpointWriter::Written> CheckpointWriter::poll() {
  if (!busy_) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (!written_.has_value()) return std::nullopt;
  busy_ = false;
  return std::exchange(written_, std::nullopt);
}

std::optional<CheckpointWriter::Written> CheckpointWriter::wait() {
  if (!busy_) return std::nullopt;
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return written_.has_value(); });
  busy_ = false;
  return std::exchange(written_, std::nullopt);
}

void CheckpointWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // The queued checkpoint is written even when stopping: the destructor waits for it.
    wake_.wait(lock, [this] { return queued_.has_value() || stopping_; });
    if (!queued_.has_value()) return;
    Written written;
    written.checkpoint = std::move(*queued_);
    queued_.reset();
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    written.status = store_->commit(written.checkpoint);
    written.took = std::chrono::steady_clock::now() - started;
    lock.lock();
    written_ = std::move(written);
    wake_.notify_all();
  }
}

}  // namespace caudal::pipeline
