#include "pipeline/dead_letter.h"

#include <iterator>

#include <fmt/format.h>

#include "pipeline/event/json.h"
#include "pipeline/event/utf8.h"

namespace caudal::pipeline {
namespace {

void append_string(std::string_view text, std::string& out) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

// Bytes from the log (a record that was not JSON, a Kafka key) need not be UTF-8, and the
// envelope must stay valid JSON: each invalid byte becomes U+FFFD. The exact bytes stay in the
// source topic at the envelope's offset.
void append_bytes_as_string(std::string_view bytes, std::string& out) {
  out.push_back('"');
  while (!bytes.empty()) {
    const size_t valid = valid_utf8_prefix(bytes);
    append_json_escaped(out, bytes.substr(0, valid));
    if (valid == bytes.size()) break;
    out.append("\\ufffd");
    bytes.remove_prefix(valid + 1);
  }
  out.push_back('"');
}

}  // namespace

void write_dead_letter(const DeadLetterEnvelope& envelope, std::string& out) {
  out.append("{\"pipeline\":");
  append_string(envelope.pipeline, out);
  out.append(",\"reason\":");
  append_string(envelope.reason, out);
  if (envelope.step_index.has_value()) {
    fmt::format_to(std::back_inserter(out),
                   ",\"step\":{{\"index\":{},\"name\":", *envelope.step_index);
    append_string(envelope.step_name, out);
    out.push_back('}');
  } else if (!envelope.sink.empty()) {
    out.append(",\"sink\":");
    append_string(envelope.sink, out);
  }
  out.append(",\"source\":{\"topic\":");
  append_string(envelope.source.topic, out);
  fmt::format_to(std::back_inserter(out), ",\"partition\":{},\"offset\":{}",
                 envelope.source.partition.value(), envelope.source.offset.value());
  if (envelope.source.timestamp_ms >= 0) {
    fmt::format_to(std::back_inserter(out), ",\"timestamp\":{}", envelope.source.timestamp_ms);
  }
  if (envelope.source.key.has_value()) {
    out.append(",\"key\":");
    append_bytes_as_string(*envelope.source.key, out);
  }
  out.push_back('}');
  if (envelope.event_json.has_value()) {
    out.append(",\"event\":");
    out.append(*envelope.event_json);
  } else {
    out.append(",\"raw\":");
    append_bytes_as_string(envelope.raw.value_or(std::string_view()), out);
  }
  out.push_back('}');
}

}  // namespace caudal::pipeline
