#include "pipeline/connectors/webhook/webhook.h"

#include <fmt/format.h>

#include "pipeline/connectors/curl_easy.h"
#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/parsed_records.h"

namespace caudal::pipeline::connectors {
namespace {

enum class BodyFormat { kSingle, kArray, kNdjson };

class WebhookTransport final : public Transport {
 public:
  explicit WebhookTransport(const ConnectorOptions& options)
      : url_(options.field_template("url")),
        headers_(options.has("headers") ? &options.template_map("headers") : nullptr),
        method_(options.text("method")),
        timeout_(options.duration("timeout")),
        connect_timeout_(options.duration("connect_timeout")),
        tls_verify_(options.boolean("tls_verify")),
        ca_file_(options.has("ca_file") ? options.text("ca_file") : std::string()) {
    const std::string& body = options.text("body");
    format_ = body == "array" ? BodyFormat::kArray : body == "ndjson" ? BodyFormat::kNdjson : BodyFormat::kSingle;
    needs_events_ = !url_.is_constant();
    if (headers_ != nullptr) {
      for (const auto& [name, value] : *headers_) needs_events_ = needs_events_ || !value.is_constant();
    }
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    if (needs_events_) parsed_.parse(records);
    size_t i = 0;
    while (i < records.size()) {
      if (needs_events_ && parsed_.event(i) == nullptr) {
        report.rejected.push_back(Rejection{i, *parsed_.failure(i)});
        report.done = ++i;
        continue;
      }
      // One request: this event, and with a batched body the following ones that go to the
      // same URL with the same headers.
      render_target(i, url_text_, header_lines_);
      size_t end = i + 1;
      if (format_ != BodyFormat::kSingle) {
        while (end < records.size() && (!needs_events_ || parsed_.event(end) != nullptr)) {
          render_target(end, next_url_, next_headers_);
          if (next_url_ != url_text_ || next_headers_ != header_lines_) break;
          ++end;
        }
      }
      build_body(records.subspan(i, end - i));
      Status sent = post();
      if (!sent.ok()) {
        report.status = std::move(sent);
        return report;
      }
      const long status = easy_.response_code();
      if (status < 200 || status > 299) {
        const std::string reason = fmt::format("{} {} answered HTTP {}: {}", method_, url_text_, status,
                                               body_excerpt(easy_.body()));
        if (is_transient_http_status(status)) {
          report.status = Status(ConnectorErrc::kUnavailable, reason);
          return report;
        }
        for (size_t r = i; r < end; ++r) report.rejected.push_back(Rejection{r, reason});
      }
      i = end;
      report.done = i;
    }
    return report;
  }

 private:
  void render_target(size_t i, std::string& url, std::string& headers) {
    url.clear();
    headers.clear();
    const Event* event = needs_events_ ? parsed_.event(i) : nullptr;
    if (event != nullptr) {
      url_.render(*event, url);
    } else {
      url = url_.text();
    }
    if (headers_ == nullptr) return;
    for (const auto& [name, value] : *headers_) {
      headers.append(name).append(": ");
      if (event != nullptr) {
        value.render(*event, headers);
      } else {
        headers.append(value.text());
      }
      headers.push_back('\n');
    }
  }

  void build_body(std::span<const RecordRef> records) {
    body_.clear();
    if (format_ == BodyFormat::kArray) body_.push_back('[');
    for (size_t r = 0; r < records.size(); ++r) {
      if (format_ == BodyFormat::kArray && r > 0) body_.push_back(',');
      body_.append(records[r].value());
      if (format_ == BodyFormat::kNdjson) body_.push_back('\n');
    }
    if (format_ == BodyFormat::kArray) body_.push_back(']');
  }

  Status post() {
    CURL* curl = easy_.reset();
    curl_easy_setopt(curl, CURLOPT_URL, url_text_.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(connect_timeout_).count()));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, tls_verify_ ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, tls_verify_ ? 2L : 0L);
    if (!ca_file_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
    curl_slist* list = nullptr;
    list = curl_slist_append(list, format_ == BodyFormat::kNdjson ? "Content-Type: application/x-ndjson"
                                                                   : "Content-Type: application/json");
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    size_t begin = 0;
    while (begin < header_lines_.size()) {
      const size_t end = header_lines_.find('\n', begin);
      const std::string line = header_lines_.substr(begin, end - begin);
      list = curl_slist_append(list, line.c_str());
      begin = end + 1;
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    Status status = easy_.perform(fmt::format("{} {}", method_, url_text_));
    curl_slist_free_all(list);
    return status;
  }

  const FieldTemplate& url_;
  const std::map<std::string, FieldTemplate>* headers_;
  std::string method_;
  Duration timeout_;
  Duration connect_timeout_;
  bool tls_verify_;
  std::string ca_file_;
  BodyFormat format_ = BodyFormat::kSingle;
  bool needs_events_ = false;
  ParsedRecords parsed_;
  CurlEasy easy_;
  std::string url_text_, header_lines_, next_url_, next_headers_, body_;  // scratch
};

}  // namespace

const ConnectorDescriptor& webhook_connector() {
  static const ConnectorDescriptor descriptor{
      "webhook",
      "HTTP(S) POST of events as JSON to a URL",
      {
          {"url", OptionType::kTemplate, "", "the URL, with {field.path} parts from the event", {}, false},
          {"method", OptionType::kChoice, "POST", "the HTTP method", {"POST", "PUT"}, false},
          {"body", OptionType::kChoice, "single",
           "single: one event per request; array: a JSON array of up to batch_records events; ndjson: one event per line",
           {"single", "array", "ndjson"}, false},
          {"headers", OptionType::kTemplateMap, "", "request headers, values with {field.path} parts", {}, true},
          {"timeout", OptionType::kDuration, "10s", "the longest a request may take", {}, false},
          {"connect_timeout", OptionType::kDuration, "5s", "the longest connecting may take", {}, false},
          {"tls_verify", OptionType::kBool, "true", "check the server's certificate and name", {}, false},
          {"ca_file", OptionType::kText, "", "a PEM file of CA certificates to trust instead of the system's", {}, true},
      },
      nullptr,
      1,
      "0ms",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        return std::unique_ptr<Transport>(std::make_unique<WebhookTransport>(args.options));
      },
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
