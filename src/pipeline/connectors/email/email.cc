#include "pipeline/connectors/email/email.h"


#include <cstring>
#include <deque>
#include <filesystem>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "pipeline/connectors/curl_easy.h"
#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/parsed_records.h"

namespace caudal::pipeline::connectors {
namespace {

namespace fs = std::filesystem;

// A header value from event fields must stay one header: line breaks become spaces.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(chunk >> 18) & 63]);
    out.push_back(kAlphabet[(chunk >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=');
  }
  return out;
}

// RFC 2047 for a subject that is not ASCII.
std::string encode_header(std::string text) {
  if (is_ascii(text)) return text;
  return "=?UTF-8?B?" + base64(text) + "?=";
}

// "Ops <ops@example.com>, b@example.com" -> {"<ops@example.com>", "<b@example.com>"}.
std::vector<std::string> addresses(std::string_view list) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= list.size()) {
    size_t end = list.find(',', begin);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(begin, end - begin);
    const size_t open = item.find('<');
    const size_t close = item.rfind('>');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
      item = item.substr(open + 1, close - open - 1);
    }
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back("<" + std::string(item) + ">");
    begin = end + 1;
  }
  return out;
}

class EmailTransport final : public Transport {
 public:
  EmailTransport(const ConnectorOptions& options, FileSystem& files)
      : files_(files),
        from_(options.field_template("from")),
        to_(options.field_template("to")),
        subject_(options.field_template("subject")),
        body_(options.field_template("body")),
        outbox_(options.has("outbox") ? options.text("outbox") : std::string()),
        url_(options.has("url") ? options.text("url") : std::string()),
        username_(options.has("username") ? options.text("username") : std::string()),
        password_(options.has("password") ? options.text("password") : std::string()),
        starttls_(options.text("starttls")),
        tls_verify_(options.boolean("tls_verify")),
        timeout_(options.duration("timeout")),
        per_second_(options.number("max_per_second")),
        per_minute_(options.number("max_per_minute")) {}

  Status prepare() {
    if (outbox_.empty()) return Status();
    return files_.create_directories(outbox_);
  }

  // Outbox messages of one delivery are written under temp names, synced together (below),
  // then renamed together with one directory sync: each is complete or absent, and all of them
  // are acknowledged only once their names are durable. When that fails, none is left visible
  // and the delivery is tried again from its first message.
  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report = compose(records);
    if (staged_.empty()) return report;
    if (Status published = publish(); !published.ok()) {
      report.done = staged_first_;
      report.throttled_for = Duration(0);
      report.status = std::move(published);
    }
    staged_.clear();
    return report;
  }

 private:
  // Sends (or stages in the outbox) the messages of `records`, as far as the rate limit and
  // the server allow.
  DeliveryReport compose(std::span<const RecordRef> records) {
    DeliveryReport report;
    parsed_.parse(records);
    for (size_t i = 0; i < records.size(); ++i) {
      const Event* event = parsed_.event(i);
      if (event == nullptr) {
        report.rejected.push_back(Rejection{i, *parsed_.failure(i)});
        report.done = i + 1;
        continue;
      }
      if (const Duration wait = rate_wait(); wait > Duration(0)) {
        report.throttled_for = wait;
        return report;
      }
      const std::string to = one_line(to_.render(*event));
      const std::vector<std::string> recipients = addresses(to);
      if (recipients.empty()) {
        report.rejected.push_back(Rejection{i, fmt::format("no recipient: the `to` template gave '{}'", to)});
        report.done = i + 1;
        continue;
      }
      build_message(*event, to);
      Status sent = outbox_.empty() ? send_smtp(recipients, report, i) : stage_outbox(i);
      if (!sent.ok()) {
        report.status = std::move(sent);
        return report;
      }
      sent_at_.push_back(std::chrono::steady_clock::now());
      report.done = i + 1;
    }
    return report;
  }

  // How long until the rate limit allows one more message.
  Duration rate_wait() {
    const auto now = std::chrono::steady_clock::now();
    while (!sent_at_.empty() && now - sent_at_.front() >= std::chrono::minutes(1)) sent_at_.pop_front();
    Duration wait(0);
    if (per_minute_ > 0 && sent_at_.size() >= per_minute_) {
      wait = std::max(wait, Duration(sent_at_[sent_at_.size() - per_minute_] + std::chrono::minutes(1) - now));
    }
    if (per_second_ > 0 && sent_at_.size() >= per_second_) {
      const auto oldest = sent_at_[sent_at_.size() - per_second_];
      if (now - oldest < std::chrono::seconds(1)) wait = std::max(wait, Duration(oldest + std::chrono::seconds(1) - now));
    }
    return wait;
  }

  void build_message(const Event& event, const std::string& to) {
    from_text_ = one_line(from_.render(event));
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    message_.clear();
    fmt::format_to(std::back_inserter(message_), "From: {}\r\nTo: {}\r\nSubject: {}\r\n", from_text_, to,
                   encode_header(one_line(subject_.render(event))));
    fmt::format_to(std::back_inserter(message_), "Date: {:%a, %d %b %Y %H:%M:%S +0000}\r\n", now);
    fmt::format_to(std::back_inserter(message_), "Message-ID: <caudal.{}.{}@caudal>\r\n",
                   std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
                   ++sequence_);
    message_.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
    // Bare line feeds become CRLF, as SMTP wants.
    const std::string body = body_.render(event);
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) message_.push_back('\r');
      message_.push_back(body[i]);
    }
    message_.append("\r\n");
  }

  static size_t on_read(char* buffer, size_t size, size_t count, void* self) {
    auto* transport = static_cast<EmailTransport*>(self);
    const size_t n = std::min(size * count, transport->message_.size() - transport->read_offset_);
    std::memcpy(buffer, transport->message_.data() + transport->read_offset_, n);
    transport->read_offset_ += n;
    return n;
  }

  Status send_smtp(const std::vector<std::string>& recipients, DeliveryReport& report, size_t index) {
    CURL* curl = easy_.reset();
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    const std::vector<std::string> from = addresses(from_text_);
    const std::string mail_from = from.empty() ? "<>" : from[0];
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_slist* rcpt = nullptr;
    for (const std::string& r : recipients) rcpt = curl_slist_append(rcpt, r.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    if (!username_.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, username_.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_USE_SSL, starttls_ == "required" ? CURLUSESSL_ALL
                                            : starttls_ == "try"    ? CURLUSESSL_TRY
                                                                    : CURLUSESSL_NONE);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, tls_verify_ ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, tls_verify_ ? 2L : 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count()));
    read_offset_ = 0;
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &EmailTransport::on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, this);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    Status status = easy_.perform(fmt::format("sending mail through {}", url_));
    curl_slist_free_all(rcpt);
    const long code = easy_.response_code();
    if (!status.ok() && code >= 500 && code < 600) {
      // The server refused this message for good (unknown recipient, policy).
      report.rejected.push_back(Rejection{index, fmt::format("{} (SMTP {})", status.message(), code)});
      return Status();
    }
    return status;
  }

  // Writes message_ (of record `index`) under a temp name in the outbox, not synced yet.
  Status stage_outbox(size_t index) {
    const std::string name = fmt::format(
        "{}-{:06}.eml",
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
        sequence_);
    const fs::path temp_path = outbox_ / ("." + name + ".tmp");
    Result<std::unique_ptr<File>> written = write_file(temp_path);
    if (!written.ok()) {
      (void)files_.remove_file(temp_path);
      return written.status();
    }
    if (staged_.empty()) staged_first_ = index;
    staged_.push_back(Staged{temp_path, outbox_ / name, std::move(written).value()});
    return Status();
  }

  Result<std::unique_ptr<File>> write_file(const fs::path& path) {
    CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<File> file, files_.open(path, OpenMode::kReadWrite));
    CAUDAL_RETURN_IF_ERROR(file->truncate(0));
    const ByteView bytes(reinterpret_cast<const uint8_t*>(message_.data()), message_.size());
    CAUDAL_RETURN_IF_ERROR(file->write_gather_at(0, std::span<const ByteView>(&bytes, 1)));
    return file;
  }

  // Syncs the staged messages. One fsync waits for a journal commit (milliseconds on a disk),
  // and fsyncs issued together share commits: syncing a delivery's messages from several
  // threads at once costs about what one costs, where one after the other it costs each in
  // turn (bench/demo/detect_bench: 5 ms a message one by one on this machine's disk).
  Status sync_staged() {
    const size_t threads = std::min(staged_.size(), kSyncThreads);
    if (threads <= 1) return staged_.empty() ? Status() : staged_[0].file->sync();
    std::vector<Status> results(threads);
    {
      std::vector<std::jthread> syncers;
      for (size_t t = 0; t < threads; ++t) {
        syncers.emplace_back([this, t, threads, &results] {
          for (size_t i = t; i < staged_.size() && results[t].ok(); i += threads) results[t] = staged_[i].file->sync();
        });
      }
    }
    for (Status& result : results) {
      if (!result.ok()) return std::move(result);
    }
    return Status();
  }

  // Syncs the staged messages, renames them to their final names and syncs the outbox once. On
  // failure none of them stays (the delivery is tried again).
  Status publish() {
    Status status = sync_staged();
    size_t renamed = 0;
    for (size_t i = 0; status.ok() && i < staged_.size(); ++i) {
      staged_[i].file.reset();
      status = files_.rename(staged_[i].temp_path, staged_[i].final_path);
      if (!status.ok()) break;
      ++renamed;
    }
    if (status.ok()) status = files_.sync_directory(outbox_);
    if (status.ok()) return status;
    for (size_t i = 0; i < staged_.size(); ++i) {
      staged_[i].file.reset();
      (void)files_.remove_file(i < renamed ? staged_[i].final_path : staged_[i].temp_path);
    }
    return status;
  }

  FileSystem& files_;
  const FieldTemplate& from_;
  const FieldTemplate& to_;
  const FieldTemplate& subject_;
  const FieldTemplate& body_;
  fs::path outbox_;
  std::string url_, username_, password_, starttls_;
  bool tls_verify_;
  Duration timeout_;
  uint64_t per_second_, per_minute_;
  std::deque<std::chrono::steady_clock::time_point> sent_at_;  // the last minute's messages
  ParsedRecords parsed_;
  CurlEasy easy_;
  std::string message_, from_text_;
  size_t read_offset_ = 0;
  uint64_t sequence_ = 0;
  // Threads syncing one delivery's outbox messages together.
  static constexpr size_t kSyncThreads = 16;
  struct Staged {
    fs::path temp_path;
    fs::path final_path;
    std::unique_ptr<File> file;  // written, open until synced
  };
  std::vector<Staged> staged_;  // this delivery's outbox messages
  size_t staged_first_ = 0;     // the record of the first of them
};

}  // namespace

const ConnectorDescriptor& email_connector() {
  static const ConnectorDescriptor descriptor{
      "email",
      "one e-mail per event, over SMTP or into an outbox directory",
      {
          {"url", OptionType::kText, "", "the SMTP server: smtp://host:587 (STARTTLS per `starttls`) or smtps://host:465", {}, true},
          {"outbox", OptionType::kText, "", "write each message as a .eml file into this directory instead of sending it", {}, true},
          {"from", OptionType::kTemplate, "", "the From header, with {field.path} parts", {}, false},
          {"to", OptionType::kTemplate, "", "the recipients, comma-separated, with {field.path} parts", {}, false},
          {"subject", OptionType::kTemplate, "", "the Subject header, with {field.path} parts", {}, false},
          {"body", OptionType::kTemplate, "{}", "the plain-text body, with {field.path} parts ({} is the whole event)", {}, false},
          {"username", OptionType::kText, "", "the SMTP login", {}, true},
          {"password", OptionType::kSecret, "", "the SMTP password (use ${ENV_VAR}; never logged)", {}, true},
          {"starttls", OptionType::kChoice, "try", "none, try (when offered) or required", {"none", "try", "required"}, false},
          {"tls_verify", OptionType::kBool, "true", "check the server's certificate and name", {}, false},
          {"timeout", OptionType::kDuration, "30s", "the longest sending one message may take", {}, false},
          {"max_per_second", OptionType::kInteger, "0", "at most this many messages a second; 0: no limit", {}, false},
          {"max_per_minute", OptionType::kInteger, "0", "at most this many messages a minute; 0: no limit", {}, false},
      },
      [](const ConnectorOptions& options, std::vector<std::string>& problems) {
        if (options.has("url") == options.has("outbox")) {
          problems.push_back("give exactly one of `url` (send over SMTP) and `outbox` (write .eml files)");
        }
        if (options.has("password") && !options.has("username")) problems.push_back("`password` needs `username`");
      },
      1,
      "0ms",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        auto transport = std::make_unique<EmailTransport>(args.options, *args.file_system);
        CAUDAL_RETURN_IF_ERROR(transport->prepare());
        return std::unique_ptr<Transport>(std::move(transport));
      },
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
