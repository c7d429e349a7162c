// Real servers for the connector tests, started as child processes on free ports in temp
// dirs, and the glue the tests share: compiling a connector sink from YAML, a dead-letter sink
// that keeps what it is given, batches of JSON lines.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/file_system.h"
#include "common/metrics/registry.h"
#include "pipeline/definition.h"
#include "pipeline/sinks/sink.h"

namespace caudal::pipeline::connectors::testing {

// A child process whose first line on stdout is read back (servers print their port there).
class ChildProcess {
 public:
  // Runs argv[0]; stderr goes to the test's stderr. `quiet`: stdout and stderr go to
  // /dev/null (servers that log a lot), and first_line() is empty.
  explicit ChildProcess(std::vector<std::string> argv, bool quiet = false);
  ~ChildProcess();  // SIGKILL to its process group and wait, if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first line of its stdout (without the newline); empty if it exited first.
  std::string first_line();
  void kill();
  // Sends `signal` to its process group and waits: its exit code (128 + signal when killed).
  int stop(int signal);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot pick one).
int free_port();

// An HTTP request with libcurl: the status (0 when it failed) and the response body.
struct HttpAnswer {
  long status = 0;
  std::string body;
};
HttpAnswer http_request(const std::string& method, const std::string& url, const std::string& body = "",
                        const std::string& content_type = "");

// A fresh temp directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A file of the source tree (CAUDAL_SOURCE_DIR).
std::filesystem::path source_file(const std::string& relative);
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// Keeps every dead letter written to it (the pipeline's dead-letter topic in production).
class CapturingSink final : public Sink {
 public:
  struct State {
    std::mutex mutex;
    std::vector<std::string> records;
  };
  explicit CapturingSink(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override;

 private:
  std::shared_ptr<State> state_;
};

// A SinkBatch of these JSON values, keys absent, timestamp 1700000000000.
std::shared_ptr<SinkBatch> json_batch(const std::vector<std::string>& values);

// The sinks of pipeline `p` whose `to:` is `to_yaml` (indented as an item of `to:`).
std::unique_ptr<PipelineDefinition> compile_to(const std::string& to_yaml);

// Counts acknowledgements of writes and waits for them.
class Acks {
 public:
  SinkDone callback();
  // Waits until `count` writes were acknowledged ok, up to `timeout`; false otherwise.
  bool wait(size_t count, std::chrono::milliseconds timeout);
  size_t ok() const;
  size_t failed() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  size_t ok_ = 0;
  size_t failed_ = 0;
};

// The fixture the connector tests share: a temp dir, the dead letters, metrics, acks.
class ConnectorTest : public ::testing::Test {
 protected:
  // Compiles `to_yaml` (compile_to) and opens its first sink as pipeline "p"; null (with the
  // failure reported) when either fails.
  std::unique_ptr<Sink> open_to(const std::string& to_yaml);

  TempDir dir_;
  std::unique_ptr<PipelineDefinition> definition_;
  std::shared_ptr<CapturingSink::State> dead_letters_ = std::make_shared<CapturingSink::State>();
  metrics::Registry registry_;
  Acks acks_;
  FileSystem* file_system_ = &PosixFileSystem::instance();  // given to the sinks open_to() opens
};

// Polls `condition` every 20 ms up to `timeout`.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace caudal::pipeline::connectors::testing
