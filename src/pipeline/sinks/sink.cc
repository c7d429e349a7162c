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

}  // namespace caudal::pipeline
