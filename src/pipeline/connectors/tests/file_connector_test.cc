// The file connector: NDJSON in zstd files under dir/YYYY/MM/DD/HH, rotated by size and age,
// acknowledged only once a file is complete (renamed), never a half-written visible file.
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "common/fault_injecting_file_system.h"
#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"

namespace caudal::pipeline::connectors::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FileConnectorTest : public ConnectorTest {
 protected:
  std::unique_ptr<Sink> open(const std::string& options) {
    return open_to(fmt::format("      - file: {{ dir: \"{}\", {} }}\n", dir_.path().string(), options));
  }

  // Every file under the directory, sorted by path.
  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (entry.is_regular_file()) out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // A sink (max_age 10m, no linger, `options`) on a file system whose every sync fails until
  // faulty_.set_sync_error({}).
  std::unique_ptr<Sink> open_failing_syncs(const std::string& options) {
    faulty_.set_sync_error(std::make_error_code(std::errc::io_error));
    file_system_ = &faulty_;
    return open("max_age: 10m, linger: 0ms, " + options);
  }

  static std::string decompress(const fs::path& path) {
    std::string out;
    FILE* pipe = popen(fmt::format("zstd -dc '{}'", path.string()).c_str(), "r");
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << path;
    return out;
  }

  FaultInjectingFileSystem faulty_{PosixFileSystem::instance()};
};

TEST_F(FileConnectorTest, RotatesBySizeIntoCompleteDatedFiles) {
  auto sink = open("max_bytes: 30, prefix: raw, linger: 0ms, batch_records: 100");
  ASSERT_NE(sink, nullptr);
  // 13 bytes a line: a file is complete after the third line.
  for (int n = 0; n < 6; ++n) sink->write(json_batch({fmt::format(R"({{"n":"{:05}"}})", n)}), acks_.callback());
  ASSERT_TRUE(acks_.wait(6, 10s));
  const std::vector<fs::path> written = files();
  ASSERT_EQ(written.size(), 2u);
  const std::string hour = fmt::format("{:%Y/%m/%d/%H}", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  std::string all;
  for (const fs::path& path : written) {
    EXPECT_EQ(fs::relative(path.parent_path(), dir_.path()).string(), hour);
    EXPECT_TRUE(path.filename().string().starts_with("raw-")) << path;
    EXPECT_TRUE(path.filename().string().ends_with(".ndjson.zst")) << path;
    all += decompress(path);
  }
  std::string expected;
  for (int n = 0; n < 6; ++n) expected += fmt::format("{{\"n\":\"{:05}\"}}\n", n);
  EXPECT_EQ(all, expected);
}

TEST_F(FileConnectorTest, EventsAreAcknowledgedOnlyOnceTheirFileIsComplete) {
  auto sink = open("max_age: 700ms, linger: 0ms");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"a":1})", R"({"a":2})"}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u) << "acknowledged before the file was complete";
  const std::vector<fs::path> open_files = files();
  ASSERT_EQ(open_files.size(), 1u);
  EXPECT_TRUE(open_files[0].filename().string().starts_with(".")) << "an open file is hidden under a temp name";
  ASSERT_TRUE(acks_.wait(1, 5s)) << "the file is completed by age without more events";
  const std::vector<fs::path> done = files();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].filename().string().starts_with("."));
  EXPECT_EQ(decompress(done[0]), "{\"a\":1}\n{\"a\":2}\n");
}

TEST_F(FileConnectorTest, ClosingCompletesTheOpenFileAndAcknowledgesIt) {
  auto sink = open("linger: 0ms");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"a":1})"}), acks_.callback());
  ASSERT_TRUE(eventually([&] { return files().size() == 1; }, 5s));
  sink.reset();
  EXPECT_EQ(acks_.ok(), 1u);
  ASSERT_EQ(files().size(), 1u);
  EXPECT_EQ(decompress(files()[0]), "{\"a\":1}\n");
}

TEST_F(FileConnectorTest, FlushCompletesTheOpenFileAndAcknowledgesItWithoutWaitingForItsLimits) {
  auto sink = open("max_age: 10m, linger: 0ms");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"a":1})"}), acks_.callback());
  sink->write(json_batch({R"({"a":2})"}), acks_.callback());
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(acks_.ok(), 0u) << "acknowledged before the file was complete";
  sink->flush();
  ASSERT_TRUE(acks_.wait(2, 3s)) << "flush() must complete the file while the sink stays open";
  ASSERT_EQ(files().size(), 1u);
  EXPECT_FALSE(files()[0].filename().string().starts_with("."));
  EXPECT_EQ(decompress(files()[0]), "{\"a\":1}\n{\"a\":2}\n");
}

// A file whose completion fails (its fsync, here) holds lost events: they are never
// acknowledged, the file never shows under its final name, and they are written again into a
// new file once completing works.
TEST_F(FileConnectorTest, EventsOfAFileThatCouldNotBeCompletedAreWrittenAgainNotAcknowledged) {
  auto sink = open_failing_syncs("retry_backoff: 20ms, retry_backoff_max: 50ms");
  ASSERT_NE(sink, nullptr);
  for (int n = 0; n < 3; ++n) sink->write(json_batch({fmt::format(R"({{"n":{}}})", n)}), acks_.callback());
  sink->flush();  // completes the file now: its sync fails, again and again
  ASSERT_TRUE(eventually([&] { return faulty_.sync_count() >= 3; }, 5s)) << "completion was retried";
  EXPECT_EQ(acks_.ok(), 0u) << "acknowledged events whose file could not be completed";
  for (const fs::path& path : files()) {
    EXPECT_TRUE(path.filename().string().starts_with(".")) << path << " is visible although it was not completed";
  }
  faulty_.set_sync_error({});
  ASSERT_TRUE(acks_.wait(3, 10s));
  const std::vector<fs::path> done = files();
  ASSERT_EQ(done.size(), 1u) << "one complete file, the failed attempts removed";
  EXPECT_EQ(decompress(done[0]), "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
  std::lock_guard lock(dead_letters_->mutex);
  EXPECT_TRUE(dead_letters_->records.empty());
}

TEST_F(FileConnectorTest, EventsOfAFileThatNeverCompletesAreDeadLetteredAfterMaxAttempts) {
  auto sink = open_failing_syncs("retry_backoff: 10ms, retry_backoff_max: 20ms, max_attempts: 3");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"n":0})", R"({"n":1})"}), acks_.callback());
  sink->flush();
  ASSERT_TRUE(acks_.wait(1, 10s)) << "given up, the events are acknowledged as dead letters";
  EXPECT_EQ(faulty_.sync_count(), 3u) << "one completion per attempt";
  EXPECT_TRUE(files().empty()) << "nothing of the failed files is left";
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 2u);
  EXPECT_NE(dead_letters_->records[0].find(R"("reason":"gave up after 3 attempts: )"), std::string::npos)
      << dead_letters_->records[0];
  EXPECT_NE(dead_letters_->records[1].find(R"("event":{"n":1})"), std::string::npos) << dead_letters_->records[1];
}

TEST_F(FileConnectorTest, TempFilesLeftByACrashAreRemovedAtOpen) {
  fs::create_directories(dir_.path() / "2026/01/01/00");
  write_file(dir_.path() / "2026/01/01/00/.events-x.ndjson.zst.tmp", "half");
  write_file(dir_.path() / "2026/01/01/00/events-y.ndjson.zst", "kept");
  auto sink = open("linger: 0ms");
  ASSERT_NE(sink, nullptr);
  const std::vector<fs::path> left = files();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].filename(), "events-y.ndjson.zst");
}

TEST_F(FileConnectorTest, AnUnwritableDirectoryFailsTheOpen) {
  write_file(dir_.path() / "plain", "x");
  definition_ = compile_to(fmt::format("      - file: {{ dir: \"{}/plain/sub\" }}\n", dir_.path().string()));
  ASSERT_NE(definition_, nullptr);
  auto sink = open_connector_sink(definition_->sinks[0], "p", std::make_unique<CapturingSink>(dead_letters_), registry_);
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find(fmt::format("create directory {}/plain/sub: ", dir_.path().string())),
            std::string::npos)
      << sink.status().message();
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
