// `caudal produce TOPIC`: one record per input line (stdin or --file), optionally keyed
// (--key-separator), through the Kafka protocol like `kcat -P`. Long inputs get a progress line
// on stderr once a second; the summary says how many records the broker acknowledged.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/kafka_client.h"

namespace caudal::cli {
namespace {

struct ProduceOptions {
  std::string bootstrap = "127.0.0.1:9092";
  std::string topic;
  std::string file;  // empty: stdin
  std::string key_separator;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  std::string acks = "all";
  std::string compression = "none";
};

// Delivery outcomes, written by librdkafka's callback on the polling (this) thread.
struct Deliveries {
  uint64_t acknowledged = 0;
  uint64_t failed = 0;
  std::string first_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* deliveries = static_cast<Deliveries*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++deliveries->acknowledged;
  } else if (deliveries->failed++ == 0) {
    deliveries->first_error = rd_kafka_err2str(message->err);
  }
}

void set_callbacks(rd_kafka_conf_t* conf, void* opaque) {
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, opaque);
}

int produce(const ProduceOptions& options) {
  Deliveries deliveries;
  auto client = make_kafka_client(
      RD_KAFKA_PRODUCER, options.bootstrap,
      {{"acks", options.acks}, {"compression.codec", options.compression}, {"linger.ms", "5"}},
      set_callbacks, &deliveries);
  if (!client.ok()) {
    fmt::print(stderr, "caudal produce: {}\n", client.status().message());
    return kExitUsage;
  }
  rd_kafka_t* rk = client->get();
  std::ifstream file;
  if (!options.file.empty()) {
    file.open(options.file);
    if (!file) {
      fmt::print(stderr, "caudal produce: cannot open {}\n", options.file);
      return kExitFailure;
    }
  }
  std::istream& input = options.file.empty() ? std::cin : file;
  bool tty = ::isatty(STDERR_FILENO) != 0;
  auto started = std::chrono::steady_clock::now();
  auto next_progress = started + std::chrono::seconds(1);
  uint64_t sent = 0;
  std::string line;
  while (std::getline(input, line)) {
    std::string_view key;
    std::string_view value = line;
    bool keyed = false;
    if (!options.key_separator.empty()) {
      size_t at = line.find(options.key_separator);
      if (at != std::string::npos) {
        keyed = true;
        key = std::string_view(line).substr(0, at);
        value = std::string_view(line).substr(at + options.key_separator.size());
      }
    }
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(options.topic.c_str()), RD_KAFKA_V_PARTITION(options.partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(keyed ? key.data() : nullptr, keyed ? key.size() : 0),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        fmt::print(stderr, "caudal produce: {}\n", rd_kafka_err2str(err));
        return kExitFailure;
      }
      rd_kafka_poll(rk, 100);  // the local queue is full: let deliveries drain it
    }
    ++sent;
    rd_kafka_poll(rk, 0);
    auto now = std::chrono::steady_clock::now();
    if (now >= next_progress) {
      double seconds = std::chrono::duration<double>(now - started).count();
      fmt::print(stderr, "{}produced {} records, {} acknowledged ({:.0f}/s){}", tty ? "\r" : "",
                 sent, deliveries.acknowledged, static_cast<double>(sent) / seconds,
                 tty ? "" : "\n");
      next_progress = now + std::chrono::seconds(1);
    }
  }
  rd_kafka_flush(rk, 30000);
  if (tty && next_progress > started + std::chrono::seconds(1)) fmt::print(stderr, "\n");
  fmt::print(stderr, "{} records to {}: {} acknowledged, {} failed\n", sent, options.topic,
             deliveries.acknowledged, sent - deliveries.acknowledged);
  if (deliveries.acknowledged != sent) {
    if (!deliveries.first_error.empty()) {
      fmt::print(stderr, "caudal produce: first failure: {}\n", deliveries.first_error);
    }
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void register_produce_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<ProduceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "produce", "Send lines (stdin or a file) to a topic over the Kafka protocol, one record each");
  cmd->add_option("topic", options->topic, "Topic name")->required();
  cmd->add_option("-b,--bootstrap", options->bootstrap, "Kafka listener, host:port")
      ->capture_default_str();
  cmd->add_option("-f,--file", options->file, "Read lines from this file instead of stdin");
  cmd->add_option("-k,--key-separator", options->key_separator,
                  "Split each line at the first occurrence into key and value");
  cmd->add_option("-p,--partition", options->partition,
                  "Partition (default: by key, or spread over all)");
  cmd->add_option("--acks", options->acks, "0, 1 or all")
      ->check(CLI::IsMember({"0", "1", "all", "-1"}))
      ->capture_default_str();
  cmd->add_option("-z,--compression", options->compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  cmd->callback([options, &context] { context.exit_code = produce(*options); });
}

}  // namespace caudal::cli
