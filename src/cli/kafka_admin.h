// A small client of a Kafka listener (Caudal's or any broker's) for the CLI's topic verbs, on
// librdkafka's C API. Every call blocks until the broker answered or `timeout` passed; failures
// come back as Status (common::Errc::kUnavailable when the broker cannot be reached in time,
// kInvalidArgument for what the broker refused), with the broker's own message.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace caudal::cli {

struct TopicInfo {
  std::string name;
  struct Partition {
    int32_t id = 0;
    int32_t leader = -1;
    int64_t start_offset = -1;  // filled by describe() only
    int64_t end_offset = -1;
  };
  std::vector<Partition> partitions;
};

class KafkaAdmin {
 public:
  static Result<std::unique_ptr<KafkaAdmin>> connect(const std::string& bootstrap,
                                                     std::chrono::milliseconds timeout);
  ~KafkaAdmin();
  KafkaAdmin(const KafkaAdmin&) = delete;
  KafkaAdmin& operator=(const KafkaAdmin&) = delete;

  // Every topic, sorted by name, without offsets.
  Result<std::vector<TopicInfo>> list();
  // One topic with each partition's start and end offsets.
  Result<TopicInfo> describe(const std::string& topic);
  Status create(const std::string& topic, int32_t partitions,
                const std::map<std::string, std::string>& configs);
  Status remove(const std::string& topic);

  struct Handle;

 private:
  KafkaAdmin(std::unique_ptr<Handle> handle, std::chrono::milliseconds timeout);
  std::unique_ptr<Handle> handle_;
  std::chrono::milliseconds timeout_;
};

}  // namespace caudal::cli
