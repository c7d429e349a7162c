// The crash test: a child process appends with flush=always and reports every acknowledged
// offset to the parent through a pipe; the parent SIGKILLs it at a random moment, sometimes
// also cuts the unacknowledged tail of the last segment at a random byte (as a power loss
// would leave it, torn batch included), reopens the log and checks that every acknowledged
// batch is there with identical bytes and that everything readable is a batch the child
// wrote, in order, with nothing after a torn write. Then the next round appends to the same
// log. Seed: CAUDAL_CRASH_SEED (printed on failure); rounds: CAUDAL_CRASH_ROUNDS.
#include <atomic>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <random>
#include <signal.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "log/log.h"
#include "log/tests/storage_test_support.h"

namespace caudal::log {
namespace {

constexpr const char* kTopic = "crash";
constexpr int kAppenders = 2;

// What the child reports for each acknowledged append (16 bytes: one atomic pipe write).
struct Ack {
  int64_t base_offset;
  uint32_t writer;  // round * kAppenders + thread
  uint32_t sequence;
};

// The batch a writer appends as its `sequence`-th: content derived from both, and both
// written at the start of the records region so the parent can tell which batch it reads.
Bytes crash_batch(uint32_t writer, uint32_t sequence) {
  Bytes b = testing::make_batch(static_cast<int32_t>(1 + sequence % 3),
                                24 + (sequence * 7919) % 400, writer * 100'003 + sequence);
  store_be32(b.data() + kBatchHeaderSize, writer);
  store_be32(b.data() + kBatchHeaderSize + 4, sequence);
  seal_batch_crc(b.data(), b.size());
  return b;
}

LogOptions log_options(const std::filesystem::path& dir, Duration recovery_point_interval) {
  LogOptions o;
  o.data_dir = dir;
  o.retention_check_interval = Duration::zero();
  o.recovery_point_interval = recovery_point_interval;
  o.index_interval_bytes = 1024;
  return o;
}

// The child: append until killed. Never returns.
[[noreturn]] void run_child(const std::filesystem::path& dir, int report_fd, uint32_t round,
                            Duration recovery_point_interval) {
  auto log = Log::open(log_options(dir, recovery_point_interval));
  if (!log.ok()) ::_exit(10);
  auto partition = (*log)->partition(kTopic, PartitionId(0));
  if (!partition.ok()) ::_exit(11);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kAppenders; ++t) {
    threads.emplace_back([&, t] {
      uint32_t writer = round * kAppenders + t;
      for (uint32_t seq = 0;; ++seq) {
        Bytes batch = crash_batch(writer, seq);
        auto r = (*partition)->append(batch);
        if (!r.ok()) ::_exit(12);
        Ack ack{r->base_offset.value(), writer, seq};
        if (::write(report_fd, &ack, sizeof ack) != sizeof ack) ::_exit(13);
      }
    });
  }
  for (auto& t : threads) t.join();
  ::_exit(0);
}

// Cuts the last segment somewhere after the end of the batch holding `last_acked` (or
// anywhere, if that batch is in an earlier segment), and sometimes leaves garbage after the
// cut: the tail a power loss could leave of bytes that were never synced.
void tear_tail(const std::filesystem::path& partition_dir, int64_t last_acked,
               std::mt19937_64& random) {
  std::vector<std::string> logs;
  for (const auto& e : std::filesystem::directory_iterator(partition_dir)) {
    if (e.path().extension() == ".log") logs.push_back(e.path().string());
  }
  std::sort(logs.begin(), logs.end());
  std::filesystem::path last = logs.back();
  auto file = PosixFileSystem::instance().open(last, OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok());
  uint64_t size = (*file)->size().value();
  uint64_t keep = 0;
  uint8_t header[kBatchHeaderSize];
  for (uint64_t pos = 0; pos + kBatchHeaderSize <= size;) {
    ASSERT_EQ((*file)->read_at(pos, header).value(), kBatchHeaderSize);
    auto h = RecordBatchHeader::parse(ByteView(header, kBatchHeaderSize));
    if (pos + h->total_size() > size) break;
    pos += h->total_size();
    if (h->base_offset <= last_acked) keep = pos;
  }
  uint64_t cut = keep + random() % (size - keep + 1);
  ASSERT_TRUE((*file)->truncate(cut).ok());
  if (random() % 3 == 0) {
    Bytes junk(1 + random() % 300);
    for (auto& b : junk) b = static_cast<uint8_t>(random());
    ASSERT_TRUE((*file)->write_at(cut, junk).ok());
  }
}

TEST(LogCrashTest, AcknowledgedAppendsSurviveSigkillAndTornTails) {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("CAUDAL_CRASH_SEED")) seed = std::stoull(s);
  int rounds = 60;
  if (const char* s = std::getenv("CAUDAL_CRASH_ROUNDS")) rounds = std::stoi(s);
  SCOPED_TRACE(::testing::Message() << "CAUDAL_CRASH_SEED=" << seed);
  std::mt19937_64 random(seed);

  testing::TempDir dir;
  std::filesystem::path data = dir.path() / "data";
  {
    auto log = Log::open(log_options(data, std::chrono::milliseconds(50)));
    ASSERT_TRUE(log.ok()) << log.status().to_string();
    TopicSettings s;
    s.flush = FlushPolicy::always();
    s.segment_bytes = int64_t{16} * 1024;
    ASSERT_TRUE((*log)->create_topic(kTopic, s).ok());
  }

  std::map<int64_t, Ack> acked;  // every acknowledgement of every round
  size_t torn_rounds = 0;
  auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(::testing::Message() << "round " << round);
    Duration point_interval =
        random() % 2 ? Duration::zero() : Duration(std::chrono::milliseconds(20));
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      run_child(data, pipe_fds[1], static_cast<uint32_t>(round), point_interval);
    }
    ::close(pipe_fds[1]);

    // Let it run a random while, counting from its first acknowledgement.
    Ack ack;
    ASSERT_EQ(::read(pipe_fds[0], &ack, sizeof ack), static_cast<ssize_t>(sizeof ack))
        << "the child never acknowledged an append";
    acked[ack.base_offset] = ack;
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 60'000));
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited by itself with " << WEXITSTATUS(status);
    while (::read(pipe_fds[0], &ack, sizeof ack) == sizeof ack) acked[ack.base_offset] = ack;
    ::close(pipe_fds[0]);

    if (random() % 2 == 0) {
      tear_tail(data / "topics" / kTopic / "0", acked.rbegin()->first, random);
      ++torn_rounds;
    }

    auto log = Log::open(log_options(data, std::chrono::milliseconds(50)));
    ASSERT_TRUE(log.ok()) << log.status().to_string();
    auto partition = *(*log)->partition(kTopic, PartitionId(0));
    ASSERT_GT(partition->high_watermark().value(), acked.rbegin()->first);

    // Everything readable is a batch some writer produced, each writer's batches in order.
    std::map<uint32_t, int64_t> last_sequence;
    std::map<int64_t, std::pair<uint32_t, uint32_t>> found;
    Offset at = partition->log_start_offset();
    while (at < partition->high_watermark()) {
      auto r = partition->read(at, 1 << 20);
      ASSERT_TRUE(r.ok()) << r.status().to_string();
      ASSERT_GT(r->batch_count, 0);
      for (const auto& [base, bytes] : testing::split_batches(r->bytes)) {
        uint32_t writer = load_be32(bytes.data() + kBatchHeaderSize);
        uint32_t sequence = load_be32(bytes.data() + kBatchHeaderSize + 4);
        ASSERT_EQ(bytes, testing::as_stored(crash_batch(writer, sequence), base))
            << "offset " << base;
        auto last = last_sequence.find(writer);
        ASSERT_TRUE(last == last_sequence.end() || last->second < sequence)
            << "writer " << writer << " out of order at offset " << base;
        last_sequence[writer] = sequence;
        found[base] = {writer, sequence};
      }
      at = r->next_offset;
    }
    for (const auto& [offset, a] : acked) {
      auto it = found.find(offset);
      ASSERT_NE(it, found.end()) << "acknowledged offset " << offset << " is missing";
      ASSERT_EQ(it->second, std::make_pair(a.writer, a.sequence)) << "offset " << offset;
    }
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  std::printf("crash test: %d rounds (%zu with a torn tail), %zu acknowledged appends, %.1f s\n",
              rounds, torn_rounds, acked.size(), std::chrono::duration<double>(elapsed).count());
}

}  // namespace
}  // namespace caudal::log
