#include "server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace caudal::server {
namespace {

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
  std::error_code ec;
  double count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++count;
  }
  return count;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

void register_process_metrics(metrics::Registry& registry) {
  using metrics::Kind;
  using metrics::Sample;
  double start_time = std::chrono::duration<double>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  registry.add_callback("process_cpu_seconds_total", "User and system CPU time spent, in seconds",
                        Kind::kCounter, {}, [] { return std::vector<Sample>{{{}, cpu_seconds()}}; });
  registry.add_callback("process_resident_memory_bytes", "Resident memory size in bytes",
                        Kind::kGauge, {}, [] { return std::vector<Sample>{{{}, resident_bytes()}}; });
  registry.add_callback("process_open_fds", "Number of open file descriptors", Kind::kGauge, {},
                        [] { return std::vector<Sample>{{{}, open_fds()}}; });
  registry.add_callback("process_start_time_seconds",
                        "Start time of the process since the Unix epoch, in seconds", Kind::kGauge,
                        {}, [start_time] { return std::vector<Sample>{{{}, start_time}}; });
}

}  // namespace caudal::server
