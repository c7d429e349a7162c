#include "pipeline/runtime/offset_tracker.h"

#include <cstdint>

#include "common/check.h"

namespace caudal::pipeline {

namespace {

constexpr size_t kForgotten = SIZE_MAX;

}  // namespace

size_t OffsetTracker::add_source() {
  pending_.emplace_back();
  committable_.emplace_back();
  return pending_.size() - 1;
}

void OffsetTracker::forget(size_t source) {
  for (const Ticket& ticket : pending_[source]) {
    if (!ticket.done) where_[ticket.id] = kForgotten;
  }
  pending_[source].clear();
  committable_[source].reset();
}

uint64_t OffsetTracker::open(size_t source, log::Offset next) {
  const uint64_t id = next_id_++;
  pending_[source].push_back(Ticket{id, next});
  where_.emplace(id, source);
  return id;
}

void OffsetTracker::complete(uint64_t ticket) {
  auto it = where_.find(ticket);
  CAUDAL_CHECK(it != where_.end(), "an offset ticket completed twice or never opened");
  const size_t source = it->second;
  where_.erase(it);
  if (source == kForgotten) return;
  std::deque<Ticket>& tickets = pending_[source];
  for (Ticket& t : tickets) {
    if (t.id == ticket) {
      t.done = true;
      break;
    }
  }
  while (!tickets.empty() && tickets.front().done) {
    committable_[source] = tickets.front().next;
    tickets.pop_front();
  }
}

}  // namespace caudal::pipeline
