#include "pipeline/connectors/influxdb/influxdb.h"

#include <fmt/format.h>

#include "pipeline/connectors/curl_easy.h"
#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/influxdb/line_protocol.h"
#include "pipeline/connectors/parsed_records.h"

namespace caudal::pipeline::connectors {
namespace {

class InfluxTransport final : public Transport {
 public:
  explicit InfluxTransport(const ConnectorOptions& options)
      : measurement_(options.expression("measurement")),
        tags_(options.has("tags") ? &options.expression_map("tags") : nullptr),
        fields_(options.expression_map("fields")),
        time_(options.has("time") ? &options.expression("time") : nullptr),
        username_(options.has("username") ? options.text("username") : std::string()),
        password_(options.has("password") ? options.text("password") : std::string()),
        timeout_(options.duration("timeout")) {
    std::string base = options.text("url");
    while (!base.empty() && base.back() == '/') base.pop_back();
    CURL* curl = easy_.get();
    char* db = curl_easy_escape(curl, options.text("database").c_str(), 0);
    write_url_ = fmt::format("{}/write?db={}&precision=ns", base, db);
    curl_free(db);
    if (options.has("retention_policy")) {
      char* rp = curl_easy_escape(curl, options.text("retention_policy").c_str(), 0);
      write_url_ += fmt::format("&rp={}", rp);
      curl_free(rp);
    }
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    parsed_.parse(records);
    body_.clear();
    in_body_.clear();
    for (size_t i = 0; i < records.size(); ++i) {
      if (parsed_.event(i) == nullptr) {
        report.rejected.push_back(Rejection{i, *parsed_.failure(i)});
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
    if (!body_.empty()) {
      Status sent = post();
      if (!sent.ok()) {
        report.rejected.clear();  // all offered again
        report.status = std::move(sent);
        return report;
      }
      const long status = easy_.response_code();
      if (status < 200 || status > 299) {
        const std::string reason = fmt::format("InfluxDB answered HTTP {} to {}: {}", status, write_url_, body_excerpt(easy_.body()));
        if (status >= 500 || status == 408 || status == 429) {
          report.rejected.clear();
          report.status = Status(ConnectorErrc::kUnavailable, reason);
          return report;
        }
        for (size_t i : in_body_) report.rejected.push_back(Rejection{i, reason});
      }
    }
    report.done = records.size();
    return report;
  }

 private:
  Result<Value> evaluate(const Expression& expression, size_t i, std::string_view what) {
    Result<Value> value = expression.evaluate(parsed_.batch(), parsed_.index(i));
    if (!value.ok()) {
      return Status(ConnectorErrc::kRejected, fmt::format("{} ({}): {}", what, expression.text(), value.status().message()));
    }
    return value;
  }

  Status append_point(size_t i, int64_t record_ms) {
    CAUDAL_ASSIGN_OR_RETURN(Value measurement, evaluate(measurement_, i, "measurement"));
    if (!measurement.is_string() || measurement.as_string().empty()) {
      return Status(ConnectorErrc::kRejected,
                    fmt::format("measurement ({}) must be a non-empty string", measurement_.text()));
    }
    append_measurement(measurement.as_string(), body_);
    if (tags_ != nullptr) {
      for (const auto& [key, expression] : *tags_) {
        CAUDAL_ASSIGN_OR_RETURN(Value value, evaluate(expression, i, "tag " + key));
        if (value.is_null() || (value.is_string() && value.as_string().empty())) continue;
        body_.push_back(',');
        append_key(key, body_);
        body_.push_back('=');
        append_tag_value(value, body_);
      }
    }
    char separator = ' ';
    for (const auto& [key, expression] : fields_) {
      CAUDAL_ASSIGN_OR_RETURN(Value value, evaluate(expression, i, "field " + key));
      if (value.is_null()) continue;
      body_.push_back(separator);
      separator = ',';
      append_key(key, body_);
      body_.push_back('=');
      append_field_value(value, body_);
    }
    if (separator == ' ') return Status(ConnectorErrc::kRejected, "no field has a value: InfluxDB needs at least one");
    int64_t nanos = record_ms * 1'000'000;
    if (time_ != nullptr) {
      CAUDAL_ASSIGN_OR_RETURN(Value time, evaluate(*time_, i, "time"));
      if (time.is_timestamp()) {
        nanos = time.as_timestamp();
      } else if (time.is_int()) {
        nanos = time.as_int() * 1'000'000;
      } else {
        return Status(ConnectorErrc::kRejected,
                      fmt::format("time ({}) must be a timestamp or integer milliseconds", time_->text()));
      }
    }
    fmt::format_to(std::back_inserter(body_), " {}\n", nanos);
    return Status();
  }

  Status post() {
    CURL* curl = easy_.reset();
    curl_easy_setopt(curl, CURLOPT_URL, write_url_.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count()));
    if (!username_.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, username_.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
    }
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: text/plain; charset=utf-8");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    Status status = easy_.perform(fmt::format("POST {}", write_url_));
    curl_slist_free_all(headers);
    return status;
  }

  const Expression& measurement_;
  const std::vector<std::pair<std::string, Expression>>* tags_;
  const std::vector<std::pair<std::string, Expression>>& fields_;
  const Expression* time_;
  std::string username_, password_;
  Duration timeout_;
  CurlEasy easy_;
  std::string write_url_;
  ParsedRecords parsed_;
  std::string body_;
  std::vector<size_t> in_body_;  // the records whose lines are in body_
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
