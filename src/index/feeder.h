// Feeder: the thread that keeps one Index up to date with its topic. It reads every partition
// of the topic from where the index left off (Index::resume_offsets(), after a restart the
// durable positions), hands each record to Index::add, refreshes every refresh_interval (so a
// record is searchable about that long after its append) and runs Index::maintain (merges,
// retention) every maintain_interval. A failed refresh is logged and retried at the next
// interval; its records are read again.
//
// While the feeder is behind its topic (catching up after a restart or an index created over
// a full topic, or a burst larger than it indexes in a refresh interval), refreshes wait until
// catch_up_bytes of documents are buffered (or catch_up_max_delay passed): the backlog's
// records were appended long before anyway, and a few large segments cost far less to build
// and merge than one per interval. Once caught up, every refresh_interval again.
//
// Lifecycle: start() creates the topic when it does not exist and starts the thread; stop()
// (or the destructor) refreshes what was read, so a clean shutdown leaves nothing to re-read.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "index/index.h"
#include "log/log.h"

namespace caudal::index {

struct FeederOptions {
  std::string topic;
  log::TopicSettings new_topic_settings;  // if the topic must be created
  Duration refresh_interval = std::chrono::seconds(1);
  Duration maintain_interval = std::chrono::seconds(10);
  uint64_t catch_up_bytes = 64 << 20;
  Duration catch_up_max_delay = std::chrono::seconds(30);
};

class Feeder {
 public:
  static Result<std::unique_ptr<Feeder>> start(Index& index, log::Log& log, FeederOptions options);
  ~Feeder();
  void stop();

  // Runs `task` on the feeder's thread (between reads) and waits for its status: the way other
  // threads change the index (DELETE /{index}).
  Status run_on_feeder(std::function<Status()> task);

  // Reads everything appended so far and refreshes, on the feeder's thread: after it returns,
  // every record below the high watermarks at the call is searchable (POST /_refresh, and
  // _bulk with ?refresh).
  Status catch_up();

  const std::string& topic() const { return options_.topic; }
  // Per partition of the topic, its high watermark now (where a cleared index resumes).
  std::map<int32_t, int64_t> high_watermarks() const;

 private:
  Feeder(Index& index, FeederOptions options,
         std::vector<std::shared_ptr<log::Partition>> partitions);
  void run();
  // Reads what is there from each partition; returns the number of records read.
  size_t read_some();
  // Whether some partition holds records the feeder has not read.
  bool behind() const;

  Index& index_;
  FeederOptions options_;
  std::vector<std::shared_ptr<log::Partition>> partitions_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::pair<std::function<Status()>, std::shared_ptr<std::promise<Status>>>> tasks_;
};

}  // namespace caudal::index
