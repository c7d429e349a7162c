// The coordinator with real event loops, timers and offset store: groups pinned to loops,
// answers through callbacks, session expiry on a timer, offsets durable across a reopen.
#include "kafka/group/group_coordinator.h"

#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>

#include "log/tests/storage_test_support.h"

namespace caudal::kafka {
namespace {

namespace asio = boost::asio;
using log::testing::TempDir;
using namespace std::chrono_literals;

constexpr int32_t kSessionMs = 300;

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

JoinCall join_call(std::string member_id) {
  JoinCall call;
  call.member_id = std::move(member_id);
  call.client_id = "tester";
  call.client_host = "/127.0.0.1";
  call.session_timeout_ms = kSessionMs;
  call.rebalance_timeout_ms = 2000;
  call.protocol_type = "consumer";
  call.protocols.push_back({"range", bytes("subscription")});
  call.require_known_member_id = true;
  return call;
}

// Waits for a callback's value; a missing answer fails the test instead of hanging it.
template <typename T>
T await(std::future<T>& future) {
  if (future.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "no answer within 5 s";
    return T{};
  }
  return future.get();
}

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.data_dir = dir_.path() / "log";
    options.retention_check_interval = Duration::zero();
    auto opened = log::Log::open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    log_ = std::move(*opened);
    log::TopicSettings settings;
    settings.partitions = 2;
    ASSERT_TRUE(log_->create_topic("orders", settings).ok());
    open_coordinator();
  }

  void open_coordinator() {
    auto store = log::OffsetStore::open(dir_.path() / "offsets");
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(*store);
    GroupOptions options;
    options.min_session_timeout_ms = 100;
    options.initial_rebalance_delay_ms = 0;
    coordinator_ = std::make_unique<GroupCoordinator>(
        std::vector<asio::io_context*>{&loops_[0], &loops_[1]}, *log_, *store_, registry_, options);
    for (int i = 0; i < 2; ++i) {
      guards_.emplace_back(asio::make_work_guard(loops_[i]));
      threads_.emplace_back([this, i] { loops_[i].run(); });
    }
  }

  // As the server does: loops first, then the coordinator, then the store.
  void close_coordinator() {
    guards_.clear();
    for (auto& loop : loops_) loop.stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    coordinator_->stop();
    coordinator_.reset();
    store_.reset();
    for (auto& loop : loops_) loop.restart();
  }

  void TearDown() override {
    if (coordinator_) close_coordinator();
    log_->close();
  }

  JoinAnswer join(const std::string& group, JoinCall call) {
    std::promise<JoinAnswer> promise;
    auto future = promise.get_future();
    coordinator_->join(group, std::move(call),
                       [&promise](JoinAnswer answer) { promise.set_value(std::move(answer)); });
    return await(future);
  }

  SyncAnswer sync(const std::string& group, int32_t generation, const std::string& member,
                  std::vector<MemberAssignment> assignments) {
    std::promise<SyncAnswer> promise;
    auto future = promise.get_future();
    coordinator_->sync(group, generation, member, std::move(assignments),
                       [&promise](SyncAnswer answer) { promise.set_value(std::move(answer)); });
    return await(future);
  }

  ErrorCode heartbeat(const std::string& group, int32_t generation, const std::string& member) {
    std::promise<ErrorCode> promise;
    auto future = promise.get_future();
    coordinator_->heartbeat(group, generation, member,
                            [&promise](ErrorCode error) { promise.set_value(error); });
    return await(future);
  }

  std::vector<ErrorCode> commit(OffsetCommitCall call) {
    std::promise<std::vector<ErrorCode>> promise;
    auto future = promise.get_future();
    coordinator_->commit_offsets(std::move(call), [&promise](std::vector<ErrorCode> errors) {
      promise.set_value(std::move(errors));
    });
    return await(future);
  }

  std::vector<OffsetLookup> fetch(const std::string& group,
                                  std::optional<std::vector<log::TopicPartition>> partitions) {
    std::promise<Result<std::vector<OffsetLookup>>> promise;
    auto future = promise.get_future();
    coordinator_->fetch_offsets(group, std::move(partitions),
                                [&promise](Result<std::vector<OffsetLookup>> found) {
                                  promise.set_value(std::move(found));
                                });
    if (future.wait_for(5s) != std::future_status::ready) {
      ADD_FAILURE() << "no answer";
      return {};
    }
    auto found = future.get();
    EXPECT_TRUE(found.ok()) << found.status().to_string();
    return found.ok() ? std::move(*found) : std::vector<OffsetLookup>{};
  }

  std::vector<GroupDescription> describe(std::vector<std::string> ids) {
    std::promise<Result<std::vector<GroupDescription>>> promise;
    auto future = promise.get_future();
    coordinator_->describe_groups(std::move(ids),
                                  [&promise](Result<std::vector<GroupDescription>> described) {
                                    promise.set_value(std::move(described));
                                  });
    auto described = future.get();
    EXPECT_TRUE(described.ok());
    return described.ok() ? std::move(*described) : std::vector<GroupDescription>{};
  }

  std::vector<GroupListing> list() {
    std::promise<Result<std::vector<GroupListing>>> promise;
    auto future = promise.get_future();
    coordinator_->list_groups([&promise](Result<std::vector<GroupListing>> listings) {
      promise.set_value(std::move(listings));
    });
    auto listings = future.get();
    EXPECT_TRUE(listings.ok());
    return listings.ok() ? std::move(*listings) : std::vector<GroupListing>{};
  }

  // One member through the two-step join and its sync; returns (member id, generation).
  std::pair<std::string, int32_t> stable_member(const std::string& group) {
    JoinAnswer first = join(group, join_call(""));
    EXPECT_EQ(first.error, ErrorCode::kMemberIdRequired);
    JoinAnswer joined = join(group, join_call(first.member_id));
    EXPECT_EQ(joined.error, ErrorCode::kNone);
    SyncAnswer synced =
        sync(group, joined.generation_id, joined.member_id, {{joined.member_id, bytes("p0 p1")}});
    EXPECT_EQ(synced.error, ErrorCode::kNone);
    EXPECT_EQ(synced.assignment, bytes("p0 p1"));
    return {joined.member_id, joined.generation_id};
  }

  double gauge(const std::string& state) {
    return registry_.gauge("caudal_kafka_groups", "", {"state"}).with({state}).value();
  }

  TempDir dir_;
  metrics::Registry registry_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<log::OffsetStore> store_;
  asio::io_context loops_[2];
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::unique_ptr<GroupCoordinator> coordinator_;
};

TEST_F(GroupCoordinatorTest, JoinSyncHeartbeatAndDescribe) {
  auto [member, generation] = stable_member("g1");
  EXPECT_EQ(heartbeat("g1", generation, member), ErrorCode::kNone);
  EXPECT_EQ(heartbeat("g1", generation + 1, member), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(heartbeat("nowhere", generation, member), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(heartbeat("", generation, member), ErrorCode::kInvalidGroupId);
  EXPECT_EQ(gauge("Stable"), 1);
  EXPECT_EQ(registry_.gauge("caudal_kafka_group_members", "").get().value(), 1);

  auto described = describe({"g1", "never-seen"});
  ASSERT_EQ(described.size(), 2u);
  EXPECT_EQ(described[0].state, GroupState::kStable);
  EXPECT_EQ(described[0].protocol_name, "range");
  ASSERT_EQ(described[0].members.size(), 1u);
  EXPECT_EQ(described[0].members[0].member_id, member);
  EXPECT_EQ(described[0].members[0].client_id, "tester");
  EXPECT_EQ(described[0].members[0].assignment, bytes("p0 p1"));
  EXPECT_EQ(described[1].state, GroupState::kDead);

  auto listed = list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].group_id, "g1");
  EXPECT_EQ(listed[0].protocol_type, "consumer");
}

TEST_F(GroupCoordinatorTest, SilentMemberExpiresOnTheTimerAndTheGroupEmpties) {
  auto [member, generation] = stable_member("quiet");
  std::this_thread::sleep_for(std::chrono::milliseconds(kSessionMs + 200));
  EXPECT_EQ(heartbeat("quiet", generation, member), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(describe({"quiet"})[0].state, GroupState::kDead) << "nothing left of it";
  EXPECT_EQ(gauge("Stable"), 0);
  EXPECT_EQ(registry_.gauge("caudal_kafka_group_members", "").get().value(), 0);
}

TEST_F(GroupCoordinatorTest, CommitsAreCheckedStoredAndSurviveAReopen) {
  auto [member, generation] = stable_member("readers");
  OffsetCommitCall call;
  call.group_id = "readers";
  call.generation_id = generation;
  call.member_id = member;
  call.entries = {{{"orders", log::PartitionId(0)}, 42, 3, std::string("note")},
                  {{"orders", log::PartitionId(7)}, 1, -1, std::nullopt},
                  {{"missing", log::PartitionId(0)}, 1, -1, std::nullopt},
                  {{"orders", log::PartitionId(1)}, 5, -1, std::string(5000, 'x')}};
  auto errors = commit(call);
  EXPECT_EQ(errors, (std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kUnknownTopicOrPartition,
                                            ErrorCode::kUnknownTopicOrPartition,
                                            ErrorCode::kOffsetMetadataTooLarge}));
  call.generation_id = generation + 1;
  EXPECT_EQ(commit(call)[0], ErrorCode::kIllegalGeneration);
  call.generation_id = generation;
  call.member_id = "someone-else";
  EXPECT_EQ(commit(call)[0], ErrorCode::kUnknownMemberId);
  EXPECT_EQ(registry_.counter("caudal_kafka_offset_commits_total", "").get().value(), 1u);

  close_coordinator();
  open_coordinator();
  auto found = fetch("readers", std::vector<log::TopicPartition>{{"orders", log::PartitionId(0)},
                                                                  {"orders", log::PartitionId(1)}});
  ASSERT_EQ(found.size(), 2u);
  ASSERT_TRUE(found[0].committed.has_value());
  EXPECT_EQ(found[0].committed->offset, log::Offset(42));
  EXPECT_EQ(found[0].committed->leader_epoch, 3);
  EXPECT_EQ(found[0].committed->metadata, "note");
  EXPECT_FALSE(found[1].committed.has_value());
  EXPECT_EQ(fetch("readers", std::nullopt).size(), 1u);

  auto described = describe({"readers"});
  EXPECT_EQ(described[0].state, GroupState::kEmpty) << "members are gone, offsets are not";
  auto listed = list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].group_id, "readers");
}

TEST_F(GroupCoordinatorTest, SimpleConsumerCommitsWithoutAGroupAndDeletedTopicsAreForgotten) {
  OffsetCommitCall call;
  call.group_id = "standalone";
  call.generation_id = -1;
  call.entries = {{{"orders", log::PartitionId(1)}, 9, -1, std::nullopt}};
  EXPECT_EQ(commit(call), std::vector<ErrorCode>{ErrorCode::kNone});
  call.generation_id = 4;
  EXPECT_EQ(commit(call), std::vector<ErrorCode>{ErrorCode::kIllegalGeneration})
      << "a generation of a group the coordinator does not know";
  EXPECT_EQ(fetch("standalone", std::nullopt).size(), 1u);

  coordinator_->forget_topic("orders");
  EXPECT_TRUE(fetch("standalone", std::nullopt).empty())
      << "fetches run after the forgetting, in order";
}

TEST_F(GroupCoordinatorTest, LeaveOfManyMembersAnswersEach) {
  auto [member, generation] = stable_member("leavers");
  std::promise<std::vector<ErrorCode>> promise;
  auto future = promise.get_future();
  coordinator_->leave("leavers", {member, "stranger"},
                      [&promise](std::vector<ErrorCode> errors) { promise.set_value(errors); });
  EXPECT_EQ(await(future), (std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kUnknownMemberId}));
  EXPECT_EQ(heartbeat("leavers", generation, member), ErrorCode::kUnknownMemberId);
}

}  // namespace
}  // namespace caudal::kafka
