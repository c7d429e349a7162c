#include "pipeline/sinks/sink.h"

#include "common/check.h"

namespace caudal::pipeline {

void SinkBatch::finish_record(size_t value_begin, std::optional<std::string_view> key,
                              int64_t timestamp_ms) {
  Record record;
  record.value_begin = static_cast<uint32_t>(value_begin);
  record.value_size = static_cast<uint32_t>(bytes_.size() - value_begin);
  if (key.has_value()) {
    record.has_key = true;
    record.key_begin = static_cast<uint32_t>(bytes_.size());
    record.key_size = static_cast<uint32_t>(key->size());
    bytes_.append(*key);
  }
  CAUDAL_CHECK(bytes_.size() <= UINT32_MAX, "a sink batch over 4 GiB");
  record.timestamp_ms = timestamp_ms;
  records_.push_back(record);
}

void SinkBatch::finish_record(size_t value_begin, std::optional<std::string_view> key,
                              const SourcePosition& source) {
  finish_record(value_begin, key, source.timestamp_ms);
  Record& record = records_.back();
  // Batches come from a handful of topics, mostly one: the last one is checked first.
  size_t topic = topics_.size();
  for (size_t t = topics_.size(); t-- > 0;) {
    if (topics_[t] == source.topic) {
      topic = t;
      break;
    }
  }
  if (topic == topics_.size()) topics_.emplace_back(source.topic);
  record.source_topic = static_cast<uint32_t>(topic);
  record.source_partition = source.partition;
  record.source_offset = source.offset;
  if (source.key.has_value()) {
    record.has_source_key = true;
    record.source_key_begin = static_cast<uint32_t>(bytes_.size());
    record.source_key_size = static_cast<uint32_t>(source.key->size());
    bytes_.append(*source.key);
    CAUDAL_CHECK(bytes_.size() <= UINT32_MAX, "a sink batch over 4 GiB");
  }
}

SourcePosition SinkBatch::source(size_t i) const {
  const Record& record = records_[i];
  SourcePosition position;
  if (record.source_topic < topics_.size()) position.topic = topics_[record.source_topic];
  position.partition = record.source_partition;
  position.offset = record.source_offset;
  position.timestamp_ms = record.timestamp_ms;
  if (record.has_source_key) {
    position.key = std::string_view(bytes_).substr(record.source_key_begin, record.source_key_size);
  }
  return position;
}

}  // namespace caudal::pipeline
