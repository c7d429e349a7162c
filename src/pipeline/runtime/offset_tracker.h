// OffsetTracker: which source offsets a pipeline may commit. Each batch read from a source
// partition opens a ticket ending at the batch's next offset; the ticket completes once every
// sink has acknowledged the events derived from that batch. Tickets complete in any order
// (sinks are asynchronous), but the commit point of a partition only moves over a run of
// completed tickets from the oldest one on: an offset is committed only when everything before
// it was taken too (at-least-once, never a gap).
//
// One owner, one thread (the pipeline task's).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "log/types.h"

namespace caudal::pipeline {

class OffsetTracker {
 public:
  // `sources`: how many source partitions (indexes 0..sources-1).
  explicit OffsetTracker(size_t sources) : pending_(sources), committable_(sources) {}

  // Adds a source (a remote partition the group assigned); returns its index.
  size_t add_source();
  // Forgets what is in flight of `source` (its partition was revoked: the next owner reads it
  // again); its tickets still complete, without effect, and it has nothing to commit.
  void forget(size_t source);

  // A batch of `source` read up to (excluding) `next` is in flight. Returns its ticket.
  uint64_t open(size_t source, log::Offset next);
  // Every sink took the batch of `ticket`.
  void complete(uint64_t ticket);

  // The offset `source` may commit (everything before it is acknowledged), or nullopt when
  // nothing of it was acknowledged yet.
  std::optional<log::Offset> committable(size_t source) const { return committable_[source]; }
  // Tickets not complete yet.
  size_t open_tickets() const { return where_.size(); }

 private:
  struct Ticket {
    uint64_t id;
    log::Offset next;
    bool done = false;
  };

  std::vector<std::deque<Ticket>> pending_;  // by source, oldest first
  std::vector<std::optional<log::Offset>> committable_;
  std::unordered_map<uint64_t, size_t> where_;  // open ticket -> source (kForgotten: none)
  uint64_t next_id_ = 1;
};

}  // namespace caudal::pipeline
