#include "http/handlers/topics.h"

#include <charconv>

#include <fmt/format.h>

#include "common/bytes.h"
#include "http/errc.h"
#include "http/error_mapping.h"
#include "http/ingest/json_text.h"
#include "http/json_writer.h"
#include "http/query.h"
#include "log/log.h"
#include "log/record_batch_reader.h"

namespace caudal::http {
namespace {

// Enough for kMaxRecordsLimit records of a few hundred bytes; a read returns at least one
// whole batch whatever the budget.
constexpr size_t kReadBudgetBytes = size_t{1} << 20;

Response not_configured(const Request& request) {
  return make_status_error(request, Status(Errc::kNotConfigured, "this listener serves no topics"));
}

// The query parameter `name` as a number in [low, high], or `fallback` when absent.
Result<uint64_t> number_param(std::string_view target, std::string_view name, uint64_t low,
                              uint64_t high, uint64_t fallback) {
  std::optional<std::string> text = query_param(target, name);
  if (!text) return fallback;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < low || value > high) {
    return Status(Errc::kInvalidRequest,
                  fmt::format("{}: expected a number from {} to {}, found '{}'", name, low, high,
                              *text));
  }
  return value;
}

std::string_view as_text(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A record's value as it is when it is JSON (what every Caudal API writes), else as a string.
void write_value(JsonWriter& json, std::string_view value) {
  if (!find_json_problem(value).has_value()) {
    json.raw(trim_json_space(value));
  } else {
    json.value(find_invalid_utf8(value).has_value() ? std::string_view("(not UTF-8)") : value);
  }
}

}  // namespace

Response handle_list_topics(const RouteContext& context, const Incoming& incoming) {
  if (context.log == nullptr) return not_configured(incoming.request);
  JsonWriter json;
  json.begin_object().key("topics").begin_array();
  for (const std::string& name : context.log->list_topics()) {
    Result<log::TopicDescription> topic = context.log->describe_topic(name);
    if (!topic.ok()) continue;  // deleted between the list and the description
    uint64_t records = 0;
    uint64_t bytes = 0;
    json.begin_object().key("name").value(name).key("partitions").begin_array();
    for (size_t p = 0; p < topic->partitions.size(); ++p) {
      const log::PartitionStats& stats = topic->partitions[p];
      const auto start = static_cast<uint64_t>(stats.log_start_offset.value());
      const auto end = static_cast<uint64_t>(stats.high_watermark.value());
      records += end - start;
      bytes += stats.size_bytes;
      json.begin_object().key("partition").value(static_cast<uint64_t>(p));
      json.key("start_offset").value(start).key("end_offset").value(end);
      json.key("size_bytes").value(stats.size_bytes).end_object();
    }
    json.end_array().key("records").value(records).key("size_bytes").value(bytes).end_object();
  }
  json.end_array().end_object();
  return make_response(incoming.request, StatusCode::ok, json.take(), "application/json");
}

Response handle_topic_records(const RouteContext& context, const Incoming& incoming) {
  if (context.log == nullptr) return not_configured(incoming.request);
  const Request& request = incoming.request;
  const std::string& topic = incoming.params.find("topic")->second;
  const std::string_view target = request.target();
  Result<uint64_t> limit =
      number_param(target, "limit", 1, kMaxRecordsLimit, kDefaultRecordsLimit);
  if (!limit.ok()) return make_status_error(request, limit.status());
  Result<uint64_t> partition_number = number_param(target, "partition", 0, INT32_MAX, 0);
  if (!partition_number.ok()) return make_status_error(request, partition_number.status());
  Result<std::shared_ptr<log::Partition>> partition = context.log->partition(
      topic, log::PartitionId(static_cast<int32_t>(*partition_number)));
  if (!partition.ok()) return make_status_error(request, partition.status());
  const int64_t start = (*partition)->log_start_offset().value();
  const int64_t end = (*partition)->high_watermark().value();
  // Without an offset: the last `limit` records, what a live view wants first.
  const int64_t tail = std::max(start, end - static_cast<int64_t>(*limit));
  Result<uint64_t> from =
      number_param(target, "offset", 0, INT64_MAX, static_cast<uint64_t>(tail));
  if (!from.ok()) return make_status_error(request, from.status());
  const int64_t offset = std::clamp(static_cast<int64_t>(*from), start, end);

  JsonWriter json;
  json.begin_object().key("topic").value(topic);
  json.key("partition").value(*partition_number);
  json.key("start_offset").value(start).key("end_offset").value(end);
  json.key("records").begin_array();
  int64_t next = offset;
  if (offset < end) {
    Result<log::BatchRead> read = (*partition)->read(log::Offset(offset), kReadBudgetBytes);
    if (!read.ok()) return make_status_error(request, read.status());
    log::RecordBatchReader reader;
    ByteView bytes(read->bytes);
    uint64_t written = 0;
    while (bytes.size() >= log::kBatchLengthPrefix && written < *limit) {
      const size_t size =
          log::kBatchLengthPrefix + load_be32(bytes.data() + log::batch_offsets::kBatchLength);
      if (size > bytes.size()) break;
      if (Status s = reader.reset(bytes.subspan(0, size)); !s.ok()) {
        return make_status_error(request, s);
      }
      bytes = bytes.subspan(size);
      if (reader.header().control()) {
        next = std::max(next, reader.header().last_offset() + 1);
        continue;
      }
      while (written < *limit) {
        Result<const log::Record*> record = reader.next();
        if (!record.ok()) return make_status_error(request, record.status());
        if (*record == nullptr) {
          next = std::max(next, reader.header().last_offset() + 1);  // the whole batch is read
          break;
        }
        const log::Record& r = **record;
        if (r.offset.value() < offset) continue;
        json.begin_object().key("offset").value(r.offset.value());
        json.key("timestamp").value(r.timestamp_ms);
        json.key("key");
        if (r.key) {
          const std::string_view key = as_text(*r.key);
          json.value(find_invalid_utf8(key).has_value() ? std::string_view("(not UTF-8)") : key);
        } else {
          json.raw("null");
        }
        json.key("value");
        if (r.value) {
          write_value(json, as_text(*r.value));
        } else {
          json.raw("null");
        }
        json.end_object();
        ++written;
        next = r.offset.value() + 1;
      }
    }
  }
  json.end_array().key("next_offset").value(next).end_object();
  return make_response(request, StatusCode::ok, json.take(), "application/json");
}

}  // namespace caudal::http
