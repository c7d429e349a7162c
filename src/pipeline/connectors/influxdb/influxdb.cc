#include "pipeline/connectors/influxdb/influxdb.h"

#include <fmt/format.h>


#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/influxdb/influx_writer.h"
#include "pipeline/connectors/influxdb/line_protocol.h"
#include "pipeline/connectors/parsed_records.h"

namespace caudal::pipeline::connectors {
namespace {

// Points are written one delivery behind: a delivery renders its points while InfluxDB still
// takes the previous write (on the writer's thread), then reads that write's answer and
// starts its own, holding its events until the next delivery or poll() reads the answer. A
// failed answer gives the held events back (DeliveryReport::dropped_held): the next
// deliveries write and wait until one is answered, so a 4xx dead-letters exactly the events of
// the request InfluxDB refused, and a 5xx or timeout retries them in order.
class InfluxTransport final : public Transport {
 public:
  explicit InfluxTransport(const ConnectorOptions& options)
      : writer_(InfluxWriteTarget{
            options.text("url"), options.text("database"),
            options.has("retention_policy") ? options.text("retention_policy") : std::string(),
            options.has("username") ? options.text("username") : std::string(),
            options.has("password") ? options.text("password") : std::string(), options.duration("timeout")}) {
    const Expression& measurement = options.expression("measurement");
    columns_.push_back(Column{&measurement, "", ""});
    parsed_.add_column(measurement, "measurement");
    if (options.has("tags")) {
      for (const auto& [key, expression] : options.expression_map("tags")) add_column(expression, "tag", key, ",");
    }
    first_field_ = columns_.size();
    for (const auto& [key, expression] : options.expression_map("fields")) add_column(expression, "field", key, "");
    end_fields_ = columns_.size();
    if (options.has("time")) {
      columns_.push_back(Column{&options.expression("time"), "", ""});
      parsed_.add_column(options.expression("time"), "time");
    }
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    render(records, report);
    if (writer_.in_flight()) {
      if (Status answered = writer_.answer(); !answered.ok()) return lost(std::move(answered));
    }
    report.done = records.size();
    held_ = 0;
    if (in_body_.empty()) return report;
    writer_.start(body_);
    if (!synchronous_) {
      // The events from the first point on wait for the answer; those before it are settled.
      held_ = records.size() - in_body_.front();
      report.held = held_;
      report.poll_soon = true;
      return report;
    }
    Status written = writer_.answer();
    if (written.code() == make_error_code(ConnectorErrc::kUnavailable)) {
      report.rejected.clear();  // all offered again
      report.done = 0;
      report.status = std::move(written);
      return report;
    }
    if (!written.ok()) {
      for (size_t i : in_body_) report.rejected.push_back(Rejection{i, std::string(written.message())});
    }
    synchronous_ = false;
    return report;
  }

  DeliveryReport poll(bool complete_now) override {
    DeliveryReport report;
    if (!writer_.in_flight()) return report;
    std::optional<Status> answered = complete_now ? writer_.answer() : writer_.answer(Duration(0));
    if (!answered.has_value()) {
      report.held = held_;
      report.poll_soon = true;
      return report;
    }
    if (!answered->ok()) return lost(std::move(*answered));
    held_ = 0;
    return report;
  }

  Status close() override { return writer_.in_flight() ? writer_.answer() : Status(); }

 private:
  // The points of `records` into body_ (refused events into `report`), and in_body_ the
  // records with a point.
  void render(std::span<const RecordRef> records, DeliveryReport& report) {
    parsed_.parse(records);
    body_.clear();
    in_body_.clear();
    for (size_t i = 0; i < records.size(); ++i) {
      if (const std::string* failure = parsed_.failure(i)) {
        report.rejected.push_back(Rejection{i, *failure});
        continue;
      }
      const size_t line_begin = body_.size();
      Status point = append_point(i, records[i].timestamp_ms());
      if (!point.ok()) {
        body_.resize(line_begin);
        report.rejected.push_back(Rejection{i, std::string(point.message())});
        continue;
      }
      in_body_.push_back(i);
    }
  }

  void add_column(const Expression& expression, std::string_view what, const std::string& key, std::string_view lead) {
    Column column{&expression, key, std::string(lead)};
    append_key(key, column.prefix);
    column.prefix.push_back('=');
    columns_.push_back(std::move(column));
    parsed_.add_column(expression, fmt::format("{} {}", what, key));
  }

  // The point of records[i] (its values in parsed_'s columns) at the end of body_.
  Status append_point(size_t i, int64_t record_ms) {
    const Value measurement = parsed_.value(0, i);
    if (!measurement.is_string() || measurement.as_string().empty()) {
      return Status(ConnectorErrc::kRejected,
                    fmt::format("measurement ({}) must be a non-empty string", columns_[0].expression->text()));
    }
    append_measurement(measurement.as_string(), body_);
    for (size_t c = 1; c < first_field_; ++c) {
      const Value value = parsed_.value(c, i);
      if (value.is_null() || (value.is_string() && value.as_string().empty())) continue;
      body_.append(columns_[c].prefix);
      append_tag_value(value, body_);
    }
    char separator = ' ';
    for (size_t c = first_field_; c < end_fields_; ++c) {
      const Value value = parsed_.value(c, i);
      if (value.is_null()) continue;
      body_.push_back(separator);
      separator = ',';
      body_.append(columns_[c].prefix);
      if (Status field = append_field_value(value, body_); !field.ok()) {
        return Status(ConnectorErrc::kRejected,
                      fmt::format("field {} ({}): {}", columns_[c].name, columns_[c].expression->text(), field.message()));
      }
    }
    if (separator == ' ') return Status(ConnectorErrc::kRejected, "no field has a value: InfluxDB needs at least one");
    int64_t nanos = record_ms * 1'000'000;
    if (end_fields_ < columns_.size()) {
      const Value time = parsed_.value(end_fields_, i);
      if (time.is_timestamp()) {
        nanos = time.as_timestamp();
      } else if (time.is_int()) {
        nanos = time.as_int() * 1'000'000;
      } else {
        return Status(ConnectorErrc::kRejected, fmt::format("time ({}) must be a timestamp or integer milliseconds",
                                                            columns_[end_fields_].expression->text()));
      }
    }
    body_.push_back(' ');
    append_nanoseconds(nanos, body_);
    body_.push_back('\n');
    return Status();
  }

  // The write in flight failed (`why`): its events are given back to be offered again; the
  // next deliveries wait for their answers until one is answered.
  DeliveryReport lost(Status why) {
    synchronous_ = true;
    held_ = 0;
    DeliveryReport report;
    report.status = std::move(why);
    report.dropped_held = true;
    return report;
  }

  // One expression of the options, in the order of parsed_'s columns.
  struct Column {
    const Expression* expression;
    std::string name;    // a tag's or field's
    std::string prefix;  // what precedes a tag's or field's value: ",name=" or "name="
  };

  // The measurement, the tags, the fields [first_field_, end_fields_), then the time if set.
  std::vector<Column> columns_;
  size_t first_field_ = 0;
  size_t end_fields_ = 0;
  InfluxWriter writer_;
  ParsedRecords parsed_;
  std::string body_;             // the points being rendered (the writer has the ones in flight)
  std::vector<size_t> in_body_;  // the records whose points are in body_
  size_t held_ = 0;              // events waiting for the answer of the write in flight
  bool synchronous_ = false;     // a pipelined write failed: write and wait until one is answered
};

}  // namespace

const ConnectorDescriptor& influxdb_connector() {
  static const ConnectorDescriptor descriptor{
      "influxdb",
      "line protocol points to InfluxDB 1.x over HTTP, in batches",
      {
          {"url", OptionType::kText, "", "InfluxDB's HTTP address, e.g. http://localhost:8086", {}, false},
          {"database", OptionType::kText, "", "the database written to", {}, false},
          {"retention_policy", OptionType::kText, "", "the retention policy (default: the database's)", {}, true},
          {"measurement", OptionType::kExpression, "", "an expression giving the measurement name", {}, false},
          {"tags", OptionType::kExpressionMap, "", "tag names to expressions; null or empty values are left out", {}, true},
          {"fields", OptionType::kExpressionMap, "", "field names to expressions; null values are left out", {}, false},
          {"time", OptionType::kExpression, "", "the point's time: a timestamp or integer milliseconds (default: the record's time)", {}, true},
          {"username", OptionType::kText, "", "the InfluxDB user", {}, true},
          {"password", OptionType::kSecret, "", "the InfluxDB password (use ${ENV_VAR}; never logged)", {}, true},
          {"timeout", OptionType::kDuration, "10s", "the longest a write may take", {}, false},
      },
      nullptr,
      5000,
      "1s",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        return std::unique_ptr<Transport>(std::make_unique<InfluxTransport>(args.options));
      },
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
