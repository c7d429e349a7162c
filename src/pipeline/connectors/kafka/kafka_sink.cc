#include "pipeline/connectors/kafka/kafka_sink.h"

#include <fmt/format.h>

#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/kafka/rdkafka_config.h"
#include "pipeline/connectors/parsed_records.h"
#include "pipeline/event/json.h"

namespace caudal::pipeline::connectors {
namespace {

// Errors no retry can cure: the record itself (too large, refused by the broker's checks) or
// a permission. Everything else (a broker down, a leader moving, a timeout, an unknown topic
// that may be created) is retried by the delivery machinery.
bool is_permanent(rd_kafka_resp_err_t error) {
  switch (error) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return true;
    default:
      return false;
  }
}

// A record still waiting for its delivery report.
constexpr rd_kafka_resp_err_t kWaiting = RD_KAFKA_RESP_ERR__IN_PROGRESS;

class KafkaTransport final : public Transport {
 public:
  explicit KafkaTransport(const ConnectorOptions& options)
      : topic_(options.field_template("topic")),
        key_(options.has("key") ? &options.expression("key") : nullptr),
        brokers_(options.text("brokers")) {
    needs_events_ = !topic_.is_constant() || key_ != nullptr;
  }

  Status open(const ConnectorOptions& options) {
    CAUDAL_ASSIGN_OR_RETURN(RdKafkaConf conf, rdkafka_conf(brokers_, producer_settings(options),
                                                           options.has("properties") ? options.text_map("properties")
                                                                                      : kNoProperties));
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), [](rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
      static_cast<KafkaTransport*>(opaque)->reported(message);
    });
    CAUDAL_ASSIGN_OR_RETURN(producer_, rdkafka_handle(RD_KAFKA_PRODUCER, std::move(conf)));
    return Status();
  }

  // The settings the options stand for; `properties` come after them and may override them.
  static std::vector<std::pair<std::string, std::string>> producer_settings(const ConnectorOptions& options) {
    const std::string& acks = options.text("acks");
    return {
        {"acks", acks},
        // With acks=all a retried batch is written once and in order (per partition).
        {"enable.idempotence", acks == "all" ? "true" : "false"},
        {"compression.type", options.text("compression")},
        {"linger.ms", "5"},
        // One deliver() waits for its records' reports at most this long: the delivery
        // thread is never stuck longer than that, and a stop is not either.
        {"message.timeout.ms",
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(options.duration("timeout")).count())},
    };
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    if (needs_events_) parsed_.parse(records);
    results_.assign(records.size(), kWaiting);
    reasons_.assign(records.size(), std::string());
    waiting_ = 0;
    for (size_t i = 0; i < records.size(); ++i) produce(records, i);
    while (waiting_ > 0) rd_kafka_poll(producer_.get(), 100);
    for (size_t i = 0; i < records.size(); ++i) {
      if (results_[i] == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      if (!reasons_[i].empty() || is_permanent(results_[i])) {
        report.rejected.push_back(Rejection{
            i, reasons_[i].empty() ? fmt::format("Kafka {} refused the record: {}", brokers_, rd_kafka_err2str(results_[i]))
                                   : reasons_[i]});
        continue;
      }
      // Records after it may have been written already: they go again with it (at least
      // once; the idempotent producer keeps each partition's order).
      report.done = i;
      report.status = Status(ConnectorErrc::kUnavailable,
                             fmt::format("Kafka {}: {}", brokers_, rd_kafka_err2str(results_[i])));
      return report;
    }
    report.done = records.size();
    return report;
  }

 private:
  inline static const std::map<std::string, std::string> kNoProperties;

  void produce(std::span<const RecordRef> records, size_t i) {
    if (needs_events_ && parsed_.event(i) == nullptr) {
      reject(i, *parsed_.failure(i));
      return;
    }
    topic_text_.clear();
    if (topic_.is_constant()) {
      topic_text_ = topic_.text();
    } else {
      topic_.render(*parsed_.event(i), topic_text_);
    }
    if (topic_text_.empty()) {
      reject(i, fmt::format("the topic template '{}' gave an empty name", topic_.text()));
      return;
    }
    std::optional<std::string_view> key = records[i].key();
    if (key_ != nullptr) {
      Result<Value> value = key_->evaluate(parsed_.batch(), parsed_.index(i));
      if (!value.ok()) {
        reject(i, fmt::format("key ({}): {}", key_->text(), value.status().message()));
        return;
      }
      key_text_.clear();
      if (value->is_null()) {
        key.reset();
      } else {
        if (value->is_string()) {
          key_text_.append(value->as_string());
        } else {
          write_json(*value, key_text_);
        }
        key = key_text_;
      }
    }
    const std::string_view value = records[i].value();
    while (true) {
      const rd_kafka_resp_err_t error = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(topic_text_.c_str()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_KEY(key.has_value() ? key->data() : nullptr, key.has_value() ? key->size() : 0),
          RD_KAFKA_V_TIMESTAMP(records[i].timestamp_ms()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(i)), RD_KAFKA_V_END);
      if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer_.get(), 50);  // reports free room
        continue;
      }
      if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        results_[i] = error;
        return;
      }
      ++waiting_;
      return;
    }
  }

  void reject(size_t i, std::string reason) {
    results_[i] = RD_KAFKA_RESP_ERR__INVALID_ARG;
    reasons_[i] = std::move(reason);
  }

  // On the delivery thread, inside rd_kafka_poll().
  void reported(const rd_kafka_message_t* message) {
    const auto i = reinterpret_cast<size_t>(message->_private);
    if (i < results_.size() && results_[i] == kWaiting) {
      results_[i] = message->err;
      --waiting_;
    }
  }

  const FieldTemplate& topic_;
  const Expression* key_;
  std::string brokers_;
  bool needs_events_ = false;
  RdKafkaHandle producer_;
  ParsedRecords parsed_;
  std::vector<rd_kafka_resp_err_t> results_;  // by record of the current deliver()
  std::vector<std::string> reasons_;          // refused before producing
  size_t waiting_ = 0;
  std::string topic_text_, key_text_;  // scratch
};

}  // namespace

const ConnectorDescriptor& kafka_connector() {
  static const ConnectorDescriptor descriptor{
      "kafka",
      "records produced to a remote Kafka cluster (librdkafka)",
      {
          {"brokers", OptionType::kText, "", "bootstrap servers: \"kafka1:9092,kafka2:9092\"", {}, false},
          {"topic", OptionType::kTemplate, "", "the topic, fixed or with {field} parts", {}, false},
          {"key", OptionType::kExpression, "",
           "the record key (a string as it is, other values as JSON, null: no key); default: the pipeline's key", {},
           true},
          {"acks", OptionType::kChoice, "all", "all (idempotent: no duplicates from its own retries), 1 or 0",
           {"all", "1", "0"}, false},
          {"compression", OptionType::kChoice, "lz4", "none, gzip, snappy, lz4 or zstd",
           {"none", "gzip", "snappy", "lz4", "zstd"}, false},
          {"timeout", OptionType::kDuration, "30s",
           "how long one delivery waits for the cluster before it fails and is retried (message.timeout.ms)", {}, false},
          {"properties", OptionType::kTextMap, "",
           "librdkafka properties passed through (security.protocol, sasl.mechanism, sasl.username, ssl.ca.location...)",
           {}, true},
      },
      [](const ConnectorOptions& options, std::vector<std::string>& problems) {
        // librdkafka checks every property now, so `caudal config check` reports a misspelt one.
        Result<RdKafkaConf> conf =
            rdkafka_conf(options.text("brokers"), KafkaTransport::producer_settings(options),
                         options.has("properties") ? options.text_map("properties") : std::map<std::string, std::string>());
        if (!conf.ok()) problems.emplace_back(conf.status().message());
      },
      10000,
      "5ms",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        auto transport = std::make_unique<KafkaTransport>(args.options);
        CAUDAL_RETURN_IF_ERROR(transport->open(args.options));
        return std::unique_ptr<Transport>(std::move(transport));
      },
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
