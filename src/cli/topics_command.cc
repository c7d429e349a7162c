// `caudal topics create|list|describe|delete`: topic administration over the Kafka protocol,
// against a running Caudal (or any Kafka broker), like kafka-topics.sh or kcat -L.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/kafka_admin.h"

namespace caudal::cli {
namespace {

struct TopicsOptions {
  std::string bootstrap = "127.0.0.1:9092";
  int timeout_ms = 10000;
  std::string topic;
  int32_t partitions = -1;
  std::vector<std::string> configs;  // key=value
};

// Runs `action` with a connected client; prints a failure and returns the exit code.
template <typename Action>
int with_admin(const TopicsOptions& options, Action action) {
  auto admin = KafkaAdmin::connect(options.bootstrap, std::chrono::milliseconds(options.timeout_ms));
  Status status = admin.ok() ? action(**admin) : admin.status();
  if (status.ok()) return kExitOk;
  fmt::print(stderr, "caudal topics: {}\n", status.message());
  return kExitFailure;
}

void add_common(CLI::App* cmd, TopicsOptions& options) {
  cmd->add_option("-b,--bootstrap", options.bootstrap, "Kafka listener, host:port")
      ->capture_default_str();
  cmd->add_option("--timeout-ms", options.timeout_ms, "How long to wait for the broker")
      ->capture_default_str();
}

}  // namespace

void register_topics_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<TopicsOptions>();
  CLI::App* topics = app.add_subcommand(
      "topics", "Create, list, describe and delete topics over the Kafka protocol");
  topics->require_subcommand(1);

  CLI::App* list = topics->add_subcommand("list", "Print every topic's name, one per line");
  add_common(list, *options);
  list->callback([options, &context] {
    context.exit_code = with_admin(*options, [](KafkaAdmin& admin) -> Status {
      CAUDAL_ASSIGN_OR_RETURN(std::vector<TopicInfo> all, admin.list());
      for (const TopicInfo& topic : all) fmt::print("{}\n", topic.name);
      return Status();
    });
  });

  CLI::App* describe =
      topics->add_subcommand("describe", "Print a topic's partitions, leaders and offsets");
  add_common(describe, *options);
  describe->add_option("topic", options->topic, "Topic name")->required();
  describe->callback([options, &context] {
    context.exit_code = with_admin(*options, [&](KafkaAdmin& admin) -> Status {
      CAUDAL_ASSIGN_OR_RETURN(TopicInfo topic, admin.describe(options->topic));
      fmt::print("topic {}: {} partition(s)\n", topic.name, topic.partitions.size());
      for (const TopicInfo::Partition& p : topic.partitions) {
        fmt::print("  partition {}: leader {}, offsets {} to {} ({} records)\n", p.id, p.leader,
                   p.start_offset, p.end_offset, p.end_offset - p.start_offset);
      }
      return Status();
    });
  });

  CLI::App* create = topics->add_subcommand("create", "Create a topic");
  add_common(create, *options);
  create->add_option("topic", options->topic, "Topic name")->required();
  create->add_option("-p,--partitions", options->partitions,
                     "Partition count (default: the broker's)");
  create->add_option("-c,--config", options->configs,
                     "Topic config as key=value (retention.ms, retention.bytes, segment.bytes, "
                     "segment.ms, max.message.bytes); repeatable");
  create->callback([options, &context] {
    std::map<std::string, std::string> configs;
    for (const std::string& entry : options->configs) {
      size_t eq = entry.find('=');
      if (eq == std::string::npos || eq == 0) {
        fmt::print(stderr, "caudal topics create: --config {}: expected key=value\n", entry);
        context.exit_code = kExitUsage;
        return;
      }
      configs[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    context.exit_code = with_admin(*options, [&](KafkaAdmin& admin) -> Status {
      CAUDAL_RETURN_IF_ERROR(admin.create(options->topic, options->partitions, configs));
      fmt::print("created topic {}\n", options->topic);
      return Status();
    });
  });

  CLI::App* remove = topics->add_subcommand("delete", "Delete a topic and all its records");
  add_common(remove, *options);
  remove->add_option("topic", options->topic, "Topic name")->required();
  remove->callback([options, &context] {
    context.exit_code = with_admin(*options, [&](KafkaAdmin& admin) -> Status {
      CAUDAL_RETURN_IF_ERROR(admin.remove(options->topic));
      fmt::print("deleted topic {}\n", options->topic);
      return Status();
    });
  });
}

}  // namespace caudal::cli
