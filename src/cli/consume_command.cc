// `caudal consume TOPIC`: prints a topic's records, from an offset or a time, like `kcat -C`.
// By default each record's value on its own line; --json one JSON object per record (topic,
// partition, offset, timestamp, key, value, headers), --pretty the same indented. Partitions
// are read directly with librdkafka's simple consumer (no consumer group); -e stops at the end of every partition, -n after
// that many records. With --group the records come through a consumer group instead: the
// group's committed offsets say where to start (--offset only where it has none), each printed
// record's offset is committed as it goes and at the end, so the next run resumes after it.
#include <chrono>
#include <csignal>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/kafka_client.h"
#include "http/json_writer.h"

namespace caudal::cli {
namespace {

struct ConsumeOptions {
  std::string bootstrap = "127.0.0.1:9092";
  std::string topic;
  std::vector<int32_t> partitions;  // empty: all
  std::string offset = "beginning";  // beginning, end, or a number
  int64_t from_time_ms = -1;         // if >= 0, overrides offset
  int64_t count = -1;
  bool exit_at_end = false;
  bool json = false;
  bool pretty = false;
  std::string group;  // non-empty: consume as a member of this group
};

volatile std::sig_atomic_t stop_requested = 0;

// Re-indents compact JSON (as JsonWriter makes it) with two spaces per level.
std::string indent_json(std::string_view compact) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&] { out += '\n' + std::string(static_cast<size_t>(depth) * 2, ' '); };
  for (size_t i = 0; i < compact.size(); ++i) {
    char c = compact[i];
    out += c;
    if (in_string) {
      if (c == '\\' && i + 1 < compact.size()) out += compact[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if ((c == '{' || c == '[') && i + 1 < compact.size() &&
               (compact[i + 1] == '}' || compact[i + 1] == ']')) {
      out += compact[++i];  // an empty object or array stays on one line
    } else if (c == '{' || c == '[') {
      ++depth;
      newline();
    } else if (c == ',') {
      newline();
    } else if (c == ':') {
      out += ' ';
    }
    if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
      --depth;
      newline();
    }
  }
  return out;
}

std::string_view view(const void* data, size_t size) {
  return {static_cast<const char*>(data), size};
}

void print_record(const rd_kafka_message_t& m, const ConsumeOptions& options) {
  if (!options.json && !options.pretty) {
    fmt::print("{}\n", view(m.payload, m.len));
    return;
  }
  http::JsonWriter json;
  json.begin_object();
  json.key("topic").value(std::string_view(rd_kafka_topic_name(m.rkt)));
  json.key("partition").value(static_cast<int64_t>(m.partition));
  json.key("offset").value(static_cast<int64_t>(m.offset));
  json.key("timestamp").value(static_cast<int64_t>(rd_kafka_message_timestamp(&m, nullptr)));
  json.key("key");
  if (m.key != nullptr) json.value(view(m.key, m.key_len)); else json.raw("null");
  json.key("value");
  if (m.payload != nullptr) json.value(view(m.payload, m.len)); else json.raw("null");
  json.key("headers").begin_object();
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                       RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      json.key(name);
      if (value != nullptr) json.value(view(value, size)); else json.raw("null");
    }
  }
  json.end_object();
  json.end_object();
  std::string text = json.take();
  fmt::print("{}\n", options.pretty ? indent_json(text) : text);
}

// Ctrl-C or a TERM ends the loop after the record in hand, so what was printed is committed.
void stop_on_signals() {
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
}

// A message carrying a consumer error instead of a record: printed and freed.
bool failed(rd_kafka_message_t* m) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  fmt::print(stderr, "caudal consume: {}\n", rd_kafka_message_errstr(m));
  rd_kafka_message_destroy(m);
  return true;
}

int consume(const ConsumeOptions& options) {
  auto client = make_kafka_client(RD_KAFKA_CONSUMER, options.bootstrap,
                                  {{"enable.auto.commit", "false"},
                                   {"enable.partition.eof", "true"}});
  if (!client.ok()) {
    fmt::print(stderr, "caudal consume: {}\n", client.status().message());
    return kExitUsage;
  }
  rd_kafka_t* rk = client->get();
  std::vector<int32_t> partitions = options.partitions;
  if (partitions.empty()) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_topic_t* wanted = rd_kafka_topic_new(rk, options.topic.c_str(), nullptr);
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, wanted, &metadata, 10000);
    rd_kafka_topic_destroy(wanted);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || metadata->topic_cnt != 1 ||
        metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fmt::print(stderr, "caudal consume: topic {}: {}\n", options.topic,
                 rd_kafka_err2str(err != RD_KAFKA_RESP_ERR_NO_ERROR ? err
                                                                    : metadata->topics[0].err));
      if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
      return kExitFailure;
    }
    for (int i = 0; i < metadata->topics[0].partition_cnt; ++i) {
      partitions.push_back(metadata->topics[0].partitions[i].id);
    }
    rd_kafka_metadata_destroy(metadata);
  }
  int64_t start = RD_KAFKA_OFFSET_BEGINNING;
  if (options.offset == "end") {
    start = RD_KAFKA_OFFSET_END;
  } else if (options.offset != "beginning") {
    start = std::stoll(options.offset);
  }
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (int32_t p : partitions) {
    rd_kafka_topic_partition_list_add(list, options.topic.c_str(), p)->offset =
        options.from_time_ms >= 0 ? options.from_time_ms : start;
  }
  if (options.from_time_ms >= 0) {
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, list, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fmt::print(stderr, "caudal consume: offsets for time: {}\n", rd_kafka_err2str(err));
      rd_kafka_topic_partition_list_destroy(list);
      return kExitFailure;
    }
    // No record at or after the time: start at the end.
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].offset < 0) list->elems[i].offset = RD_KAFKA_OFFSET_END;
    }
  }
  // The simple consumer (no group): each partition read from its own start offset into one queue.
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, options.topic.c_str(), nullptr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  for (int i = 0; i < list->cnt; ++i) {
    rd_kafka_consume_start_queue(topic, list->elems[i].partition, list->elems[i].offset, queue);
  }
  rd_kafka_topic_partition_list_destroy(list);

  stop_on_signals();
  size_t at_end = 0;
  int64_t printed = 0;
  int exit_code = kExitOk;
  while (stop_requested == 0 && (options.count < 0 || printed < options.count)) {
    rd_kafka_message_t* m = rd_kafka_consume_queue(queue, 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      rd_kafka_message_destroy(m);
      if (options.exit_at_end && ++at_end >= partitions.size()) break;
      continue;
    }
    if (failed(m)) {
      exit_code = kExitFailure;
      break;
    }
    print_record(*m, options);
    ++printed;
    rd_kafka_message_destroy(m);
  }
  std::fflush(stdout);
  for (int32_t p : partitions) rd_kafka_consume_stop(topic, p);
  rd_kafka_queue_destroy(queue);
  rd_kafka_topic_destroy(topic);
  return exit_code;
}

// As a member of options.group: librdkafka's high-level consumer subscribes, the coordinator
// assigns partitions. A record's offset is stored once it is printed and committed every
// second and on the way out, so exactly the printed records count as consumed.
int consume_group(const ConsumeOptions& options) {
  auto client = make_kafka_client(
      RD_KAFKA_CONSUMER, options.bootstrap,
      {{"group.id", options.group},
       {"enable.auto.commit", "true"},
       {"auto.commit.interval.ms", "1000"},
       {"enable.auto.offset.store", "false"},
       {"enable.partition.eof", "true"},
       {"auto.offset.reset", options.offset == "end" ? "latest" : "earliest"}});
  if (!client.ok()) {
    fmt::print(stderr, "caudal consume: {}\n", client.status().message());
    return kExitUsage;
  }
  rd_kafka_t* rk = client->get();
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fmt::print(stderr, "caudal consume: subscribing to {}: {}\n", options.topic,
               rd_kafka_err2str(err));
    return kExitFailure;
  }
  stop_on_signals();
  std::set<int32_t> at_end;
  int64_t printed = 0;
  int exit_code = kExitOk;
  while (stop_requested == 0 && (options.count < 0 || printed < options.count)) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.insert(m->partition);
      rd_kafka_message_destroy(m);
      rd_kafka_topic_partition_list_t* assigned = nullptr;
      size_t assigned_count = 0;
      if (rd_kafka_assignment(rk, &assigned) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        assigned_count = static_cast<size_t>(assigned->cnt);
        rd_kafka_topic_partition_list_destroy(assigned);
      }
      if (options.exit_at_end && at_end.size() >= assigned_count) break;
      continue;
    }
    if (failed(m)) {
      exit_code = kExitFailure;
      break;
    }
    at_end.erase(m->partition);
    print_record(*m, options);
    ++printed;
    rd_kafka_offset_store(m->rkt, m->partition, m->offset);
    rd_kafka_message_destroy(m);
  }
  std::fflush(stdout);
  // Commit what was printed now, then leave the group so the others rebalance at once.
  err = rd_kafka_commit(rk, nullptr, 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    fmt::print(stderr, "caudal consume: committing offsets of group {}: {}\n", options.group,
               rd_kafka_err2str(err));
    exit_code = kExitFailure;
  }
  rd_kafka_consumer_close(rk);
  return exit_code;
}

}  // namespace

void register_consume_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<ConsumeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "consume", "Print a topic's records over the Kafka protocol, from an offset or a time");
  cmd->add_option("topic", options->topic, "Topic name")->required();
  cmd->add_option("-b,--bootstrap", options->bootstrap, "Kafka listener, host:port")
      ->capture_default_str();
  CLI::Option* partition =
      cmd->add_option("-p,--partition", options->partitions, "Partition (repeatable; default all)");
  cmd->add_option("-o,--offset", options->offset, "beginning, end, or an offset")
      ->check(CLI::IsMember({"beginning", "end"}) | CLI::Number)
      ->capture_default_str();
  CLI::Option* from_time = cmd->add_option(
      "--from-time", options->from_time_ms,
      "Start at the first record at or after this time (ms since the epoch)");
  cmd->add_option("-n,--count", options->count, "Stop after this many records");
  cmd->add_flag("-e,--exit-at-end", options->exit_at_end,
                "Stop once every partition is read to its end");
  cmd->add_flag("--json", options->json, "One JSON object per record");
  cmd->add_flag("--pretty", options->pretty, "Like --json, indented");
  cmd->add_option("-G,--group", options->group,
                  "Consume as a member of this consumer group: resume at its committed offsets "
                  "and commit what is printed")
      ->excludes(partition)
      ->excludes(from_time);
  cmd->callback([options, &context] {
    context.exit_code = options->group.empty() ? consume(*options) : consume_group(*options);
  });
}

}  // namespace caudal::cli
