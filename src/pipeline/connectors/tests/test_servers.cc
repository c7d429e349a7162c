#include "pipeline/connectors/tests/test_servers.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "config/config.h"
#include "pipeline/connectors/curl_easy.h"
#include "pipeline/connectors/registry.h"

namespace caudal::pipeline::connectors::testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, bool quiet) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    // Its own process group, so kill() also reaches what it starts (runuser's postgres).
    setpgid(0, 0);
    dup2(fds[1], STDOUT_FILENO);
    if (quiet) {
      const int null = ::open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  stdout_fd_ = fds[0];
}

ChildProcess::~ChildProcess() {
  kill();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string ChildProcess::first_line() {
  std::string line;
  char c;
  while (stdout_fd_ >= 0 && read(stdout_fd_, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

void ChildProcess::kill() { stop(SIGKILL); }

int ChildProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(-pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

HttpAnswer http_request(const std::string& method, const std::string& url, const std::string& body,
                        const std::string& content_type) {
  CurlEasy easy;
  CURL* curl = easy.reset();
  const std::string header = "Content-Type: " + content_type;
  curl_slist* headers = content_type.empty() ? nullptr : curl_slist_append(nullptr, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  HttpAnswer answer;
  if (easy.perform(url).ok()) {
    answer.status = easy.response_code();
    answer.body = easy.body();
  }
  curl_slist_free_all(headers);
  return answer;
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("caudal-connector-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path source_file(const std::string& relative) {
  const char* root = std::getenv("CAUDAL_SOURCE_DIR");
  return std::filesystem::path(root != nullptr ? root : ".") / relative;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

void CapturingSink::write(std::shared_ptr<const SinkBatch> batch, SinkDone done) {
  {
    std::lock_guard lock(state_->mutex);
    for (size_t i = 0; i < batch->size(); ++i) state_->records.emplace_back(batch->value(i));
  }
  done(Status());
}

std::shared_ptr<SinkBatch> json_batch(const std::vector<std::string>& values) {
  auto batch = std::make_shared<SinkBatch>();
  for (const std::string& value : values) {
    const size_t begin = batch->buffer().size();
    batch->buffer().append(value);
    batch->finish_record(begin, std::nullopt, 1700000000000);
  }
  return batch;
}

std::unique_ptr<PipelineDefinition> compile_to(const std::string& to_yaml) {
  const std::string yaml = "data_dir: d\npipelines:\n  p:\n    from: ENTRY\n    to:\n" + to_yaml;
  auto config = config::parse_config(yaml, "caudal.yaml", config::MapEnvironment());
  EXPECT_TRUE(config.ok()) << config.status().message();
  if (!config.ok()) return nullptr;
  auto definition = compile_pipeline(*config, "p", nullptr);
  EXPECT_TRUE(definition.ok()) << definition.status().message();
  if (!definition.ok()) return nullptr;
  return std::move(definition).value();
}

std::unique_ptr<Sink> ConnectorTest::open_to(const std::string& to_yaml) {
  definition_ = compile_to(to_yaml);
  if (definition_ == nullptr) return nullptr;
  auto sink = open_connector_sink(definition_->sinks[0], "p", std::make_unique<CapturingSink>(dead_letters_), registry_,
                                  *file_system_);
  EXPECT_TRUE(sink.ok()) << sink.status().message();
  return sink.ok() ? std::move(sink).value() : nullptr;
}

SinkDone Acks::callback() {
  return [this](const Status& status) {
    {
      std::lock_guard lock(mutex_);
      if (status.ok()) {
        ++ok_;
      } else {
        ++failed_;
      }
    }
    changed_.notify_all();
  };
}

bool Acks::wait(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return ok_ >= count; });
}

size_t Acks::ok() const {
  std::lock_guard lock(mutex_);
  return ok_;
}

size_t Acks::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace caudal::pipeline::connectors::testing
