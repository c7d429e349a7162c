#include "kafka/group/group_coordinator.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <random>
#include <unordered_map>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/check.h"

namespace caudal::kafka {

namespace asio = boost::asio;

namespace {

// Kafka's form: the client id, a dash and a random UUID, so ids are unique and say who owns
// them in DescribeGroups.
std::string make_member_id(const std::string& client_id) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t word = random();
    for (size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string uuid;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
    uuid += fmt::format("{:02x}", bytes[i]);
  }
  return client_id + "-" + uuid;
}

struct GroupSlot {
  GroupSlot(std::string id, const GroupOptions& options, asio::io_context& loop)
      : group(std::move(id), options, &make_member_id), timer(loop) {}

  Group group;
  asio::steady_timer timer;
  std::optional<int64_t> armed;  // the deadline the timer waits for
};

struct Shard {
  asio::io_context* loop;
  std::unordered_map<std::string, std::shared_ptr<GroupSlot>> groups;
};

}  // namespace

struct GroupCoordinator::Impl : std::enable_shared_from_this<GroupCoordinator::Impl> {
  Impl(std::vector<asio::io_context*> loops, log::Log& log_in, log::OffsetStore& store_in,
       metrics::Registry& registry, GroupOptions options_in, Clock& clock_in)
      : log(log_in),
        store(store_in),
        options(options_in),
        clock(clock_in),
        groups_by_state(registry.gauge("caudal_kafka_groups",
                                       "Consumer groups held by the coordinator, by state",
                                       {"state"})),
        members(registry.gauge("caudal_kafka_group_members", "Members of consumer groups").get()),
        rebalances(registry
                       .counter("caudal_kafka_group_rebalances_total",
                                "Join phases completed (each starts a new generation)")
                       .get()),
        commits(registry
                    .counter("caudal_kafka_offset_commits_total",
                             "Partition offsets committed by consumers and stored durably")
                    .get()) {
    CAUDAL_CHECK(!loops.empty(), "the group coordinator needs at least one event loop");
    for (asio::io_context* loop : loops) shards.push_back(Shard{loop, {}});
    for (GroupState state : kAllGroupStates) {
      groups_by_state.with({std::string(group_state_name(state))}).set(0);
    }
  }

  int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock.steady_now().time_since_epoch())
        .count();
  }

  Shard& shard_for(const std::string& group_id) {
    return shards[std::hash<std::string>{}(group_id) % shards.size()];
  }

  metrics::Gauge& state_gauge(GroupState state) {
    return groups_by_state.with({std::string(group_state_name(state))});
  }

  std::shared_ptr<GroupSlot> find(Shard& shard, const std::string& group_id) {
    auto it = shard.groups.find(group_id);
    return it == shard.groups.end() ? nullptr : it->second;
  }

  std::shared_ptr<GroupSlot> find_or_create(Shard& shard, const std::string& group_id) {
    auto& slot = shard.groups[group_id];
    if (!slot) {
      slot = std::make_shared<GroupSlot>(group_id, options, *shard.loop);
      state_gauge(GroupState::kEmpty).add(1);
    }
    return slot;
  }

  // Runs `change` on the group (on its loop), then brings the metrics, the timer and the
  // shard's map up to date with what it did.
  template <typename Change>
  void update(Shard& shard, const std::shared_ptr<GroupSlot>& slot, Change&& change) {
    Group& group = slot->group;
    GroupState state_before = group.state();
    size_t members_before = group.member_count();
    int32_t generation_before = group.generation_id();
    change(group, now_ms());
    if (group.state() != state_before) {
      state_gauge(state_before).add(-1);
      state_gauge(group.state()).add(1);
    }
    members.add(static_cast<double>(group.member_count()) - static_cast<double>(members_before));
    rebalances.inc(static_cast<uint64_t>(group.generation_id() - generation_before));
    if (group.is_idle()) {
      // Nothing left but the name: an Empty group lives on only through its committed offsets.
      slot->timer.cancel();
      state_gauge(group.state()).add(-1);
      shard.groups.erase(group.group_id());
      return;
    }
    rearm(shard, slot);
  }

  void rearm(Shard& shard, const std::shared_ptr<GroupSlot>& slot) {
    std::optional<int64_t> next = slot->group.next_deadline();
    if (next == slot->armed) return;
    slot->armed = next;
    if (!next) {
      slot->timer.cancel();
      return;
    }
    slot->timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, *next - now_ms())));
    slot->timer.async_wait([self = shared_from_this(), &shard,
                            weak = std::weak_ptr<GroupSlot>(slot)](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed or cancelled; the group may be gone
      auto live = weak.lock();
      if (!live) return;
      live->armed.reset();
      self->update(shard, live, [](Group& group, int64_t now) { group.advance(now); });
    });
  }

  template <typename Work>
  void on_loop_of(const std::string& group_id, Work&& work) {
    Shard& shard = shard_for(group_id);
    asio::post(*shard.loop, [self = shared_from_this(), &shard, work = std::forward<Work>(work)]() mutable {
      work(*self, shard);
    });
  }

  template <typename Work>
  void on_store_thread(Work&& work) {
    asio::post(store_pool, [self = shared_from_this(), work = std::forward<Work>(work)]() mutable {
      work(*self);
    });
  }

  // The per-entry checks of an OffsetCommit that passed the group's checks.
  ErrorCode check_entry(const OffsetCommitEntry& entry) const {
    auto partition = log.partition(entry.topic_partition.topic, entry.topic_partition.partition);
    if (!partition.ok()) return ErrorCode::kUnknownTopicOrPartition;
    if (entry.metadata && entry.metadata->size() > kMaxOffsetMetadataBytes) {
      return ErrorCode::kOffsetMetadataTooLarge;
    }
    return ErrorCode::kNone;
  }

  log::Log& log;
  log::OffsetStore& store;
  GroupOptions options;
  Clock& clock;
  std::vector<Shard> shards;
  metrics::Family<metrics::Gauge>& groups_by_state;
  metrics::Gauge& members;
  metrics::Counter& rebalances;
  metrics::Counter& commits;
  asio::thread_pool store_pool{1};
  std::once_flag stopped;
};

GroupCoordinator::GroupCoordinator(std::vector<asio::io_context*> loops, log::Log& log,
                                   log::OffsetStore& store, metrics::Registry& registry,
                                   GroupOptions options, Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(loops), log, store, registry, options, clock)) {}

GroupCoordinator::~GroupCoordinator() { stop(); }

void GroupCoordinator::stop() {
  std::call_once(impl_->stopped, [this] {
    impl_->store_pool.join();
    for (Shard& shard : impl_->shards) {
      for (auto& [id, slot] : shard.groups) {
        slot->timer.cancel();
        impl_->state_gauge(slot->group.state()).add(-1);
        impl_->members.add(-static_cast<double>(slot->group.member_count()));
      }
      shard.groups.clear();
    }
  });
}

void GroupCoordinator::join(std::string group_id, JoinCall call, JoinCallback done) {
  if (group_id.empty()) {
    done(JoinAnswer{ErrorCode::kInvalidGroupId, -1, {}, {}, call.member_id, {}});
    return;
  }
  impl_->on_loop_of(group_id, [group_id, call = std::move(call), done = std::move(done)](
                                  Impl& impl, Shard& shard) mutable {
    auto slot = impl.find_or_create(shard, group_id);
    impl.update(shard, slot, [&](Group& group, int64_t now) {
      group.join(std::move(call), now, std::move(done));
    });
  });
}

void GroupCoordinator::sync(std::string group_id, int32_t generation_id, std::string member_id,
                            std::vector<MemberAssignment> assignments, SyncCallback done) {
  if (group_id.empty()) {
    done({ErrorCode::kInvalidGroupId, {}});
    return;
  }
  impl_->on_loop_of(group_id, [group_id, generation_id, member_id = std::move(member_id),
                               assignments = std::move(assignments),
                               done = std::move(done)](Impl& impl, Shard& shard) mutable {
    auto slot = impl.find(shard, group_id);
    if (!slot) {
      done({ErrorCode::kUnknownMemberId, {}});
      return;
    }
    impl.update(shard, slot, [&](Group& group, int64_t now) {
      group.sync(generation_id, member_id, std::move(assignments), now, std::move(done));
    });
  });
}

void GroupCoordinator::heartbeat(std::string group_id, int32_t generation_id,
                                 std::string member_id, std::function<void(ErrorCode)> done) {
  if (group_id.empty()) {
    done(ErrorCode::kInvalidGroupId);
    return;
  }
  impl_->on_loop_of(group_id, [group_id, generation_id, member_id = std::move(member_id),
                               done = std::move(done)](Impl& impl, Shard& shard) {
    auto slot = impl.find(shard, group_id);
    ErrorCode error = ErrorCode::kUnknownMemberId;
    if (slot) {
      impl.update(shard, slot, [&](Group& group, int64_t now) {
        error = group.heartbeat(generation_id, member_id, now);
      });
    }
    done(error);
  });
}

void GroupCoordinator::leave(std::string group_id, std::vector<std::string> member_ids,
                             std::function<void(std::vector<ErrorCode>)> done) {
  if (group_id.empty()) {
    done(std::vector<ErrorCode>(member_ids.size(), ErrorCode::kInvalidGroupId));
    return;
  }
  impl_->on_loop_of(group_id, [group_id, member_ids = std::move(member_ids),
                               done = std::move(done)](Impl& impl, Shard& shard) {
    std::vector<ErrorCode> errors(member_ids.size(), ErrorCode::kUnknownMemberId);
    auto slot = impl.find(shard, group_id);
    if (slot) {
      impl.update(shard, slot, [&](Group& group, int64_t now) {
        for (size_t i = 0; i < member_ids.size(); ++i) errors[i] = group.leave(member_ids[i], now);
      });
    }
    done(std::move(errors));
  });
}

void GroupCoordinator::commit_offsets(OffsetCommitCall call,
                                      std::function<void(std::vector<ErrorCode>)> done) {
  std::string group_id = call.group_id;
  impl_->on_loop_of(group_id, [call = std::move(call), done = std::move(done)](
                                  Impl& impl, Shard& shard) mutable {
    ErrorCode group_error = call.generation_id < 0 ? ErrorCode::kNone
                                                   : ErrorCode::kIllegalGeneration;
    if (auto slot = impl.find(shard, call.group_id)) {
      impl.update(shard, slot, [&](Group& group, int64_t now) {
        group_error = group.check_commit(call.generation_id, call.member_id, now);
      });
    }
    std::vector<ErrorCode> errors(call.entries.size(), group_error);
    if (group_error != ErrorCode::kNone) {
      done(std::move(errors));
      return;
    }
    std::vector<log::CommittedOffset> offsets;
    std::vector<size_t> stored;  // which entries the write covers
    int64_t now_wall = impl.clock.wall_millis();
    for (size_t i = 0; i < call.entries.size(); ++i) {
      OffsetCommitEntry& entry = call.entries[i];
      errors[i] = impl.check_entry(entry);
      if (errors[i] != ErrorCode::kNone) continue;
      offsets.push_back({std::move(entry.topic_partition), log::Offset(entry.offset),
                         entry.leader_epoch, entry.metadata.value_or(""), now_wall});
      stored.push_back(i);
    }
    if (offsets.empty()) {
      done(std::move(errors));
      return;
    }
    impl.on_store_thread([group_id = std::move(call.group_id), offsets = std::move(offsets),
                          stored = std::move(stored), errors = std::move(errors),
                          done = std::move(done)](Impl& writer) mutable {
      Status written = writer.store.commit(group_id, offsets);
      if (written.ok()) {
        writer.commits.inc(offsets.size());
      } else {
        spdlog::error("kafka: storing offsets of group {} failed: {}", group_id,
                      written.to_string());
        for (size_t i : stored) errors[i] = ErrorCode::kUnknownServerError;
      }
      done(std::move(errors));
    });
  });
}

void GroupCoordinator::fetch_offsets(
    std::string group_id, std::optional<std::vector<log::TopicPartition>> partitions,
    std::function<void(Result<std::vector<OffsetLookup>>)> done) {
  impl_->on_store_thread([group_id = std::move(group_id), partitions = std::move(partitions),
                          done = std::move(done)](Impl& impl) {
    std::vector<OffsetLookup> lookups;
    if (!partitions) {
      auto all = impl.store.fetch_group(group_id);
      if (!all.ok()) {
        done(all.status());
        return;
      }
      for (log::CommittedOffset& committed : *all) {
        log::TopicPartition tp = committed.topic_partition;
        lookups.push_back({std::move(tp), std::move(committed)});
      }
      done(std::move(lookups));
      return;
    }
    for (const log::TopicPartition& tp : *partitions) {
      auto committed = impl.store.fetch(group_id, tp);
      if (!committed.ok()) {
        done(committed.status());
        return;
      }
      lookups.push_back({tp, std::move(*committed)});
    }
    done(std::move(lookups));
  });
}

namespace {

// Collects one answer per event loop, then finishes on the store thread.
template <typename T>
struct Gathering {
  std::mutex mutex;
  size_t remaining;
  T value;
};

}  // namespace

void GroupCoordinator::list_groups(std::function<void(Result<std::vector<GroupListing>>)> done) {
  using Found = std::map<std::string, std::string>;
  auto gathering = std::make_shared<Gathering<Found>>();
  gathering->remaining = impl_->shards.size();
  auto finish = [gathering, done = std::move(done)](Impl& impl) {
    auto stored = impl.store.list_groups();
    if (!stored.ok()) {
      done(stored.status());
      return;
    }
    for (std::string& id : *stored) gathering->value.try_emplace(std::move(id), "");
    std::vector<GroupListing> listings;
    for (auto& [id, type] : gathering->value) listings.push_back({id, type});
    done(std::move(listings));
  };
  for (Shard& shard : impl_->shards) {
    asio::post(*shard.loop, [impl = impl_, &shard, gathering, finish]() {
      std::lock_guard lock(gathering->mutex);
      for (const auto& [id, slot] : shard.groups) {
        gathering->value[id] = slot->group.protocol_type();
      }
      if (--gathering->remaining == 0) impl->on_store_thread(finish);
    });
  }
}

void GroupCoordinator::describe_groups(
    std::vector<std::string> group_ids,
    std::function<void(Result<std::vector<GroupDescription>>)> done) {
  using Found = std::vector<std::optional<GroupDescription>>;
  auto gathering = std::make_shared<Gathering<Found>>();
  gathering->remaining = group_ids.size();
  gathering->value.resize(group_ids.size());
  auto finish = [gathering, group_ids, done = std::move(done)](Impl& impl) {
    std::vector<GroupDescription> descriptions;
    for (size_t i = 0; i < group_ids.size(); ++i) {
      if (gathering->value[i]) {
        descriptions.push_back(std::move(*gathering->value[i]));
        continue;
      }
      auto committed = impl.store.fetch_group(group_ids[i]);
      if (!committed.ok()) {
        done(committed.status());
        return;
      }
      GroupDescription description;
      description.group_id = group_ids[i];
      description.state = committed->empty() ? GroupState::kDead : GroupState::kEmpty;
      descriptions.push_back(std::move(description));
    }
    done(std::move(descriptions));
  };
  if (group_ids.empty()) {
    impl_->on_store_thread(finish);
    return;
  }
  for (size_t i = 0; i < group_ids.size(); ++i) {
    impl_->on_loop_of(group_ids[i], [i, id = group_ids[i], gathering, finish](Impl& impl,
                                                                            Shard& shard) {
      std::optional<GroupDescription> description;
      if (auto slot = impl.find(shard, id)) {
        const Group& group = slot->group;
        description = GroupDescription{id, group.state(), group.protocol_type(),
                                       group.state() == GroupState::kStable ? group.protocol_name()
                                                                            : std::string(),
                                       group.describe_members()};
      }
      std::lock_guard lock(gathering->mutex);
      gathering->value[i] = std::move(description);
      if (--gathering->remaining == 0) impl.on_store_thread(finish);
    });
  }
}

void GroupCoordinator::forget_topic(std::string topic) {
  impl_->on_store_thread([topic = std::move(topic)](Impl& impl) {
    auto dropped = impl.store.delete_topic(topic);
    if (!dropped.ok()) {
      spdlog::error("kafka: dropping committed offsets of deleted topic {} failed: {}", topic,
                    dropped.status().to_string());
    } else if (*dropped > 0) {
      spdlog::info("kafka: dropped {} committed offset(s) of deleted topic {}", *dropped, topic);
    }
  });
}

}  // namespace caudal::kafka
