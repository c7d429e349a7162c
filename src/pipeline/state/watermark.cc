#include "pipeline/state/watermark.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "pipeline/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"

namespace caudal::pipeline {

void Watermark::observe(std::string_view topic, int32_t partition, int64_t time, int64_t now) {
  if (last_ >= partitions_.size() || partitions_[last_].partition != partition ||
      partitions_[last_].topic != topic) {
    last_ = partitions_.size();
    for (size_t i = 0; i < partitions_.size(); ++i) {
      if (partitions_[i].partition == partition && partitions_[i].topic == topic) last_ = i;
    }
    if (last_ == partitions_.size()) partitions_.push_back(Partition{std::string(topic), partition, time, now});
  }
  Partition& p = partitions_[last_];
  p.max_time = std::max(p.max_time, time);
  p.last_seen = std::max(p.last_seen, now);
}

int64_t Watermark::advance(int64_t now) {
  if (partitions_.empty()) return current_;
  int64_t active = std::numeric_limits<int64_t>::max();
  int64_t newest = std::numeric_limits<int64_t>::min();
  for (const Partition& p : partitions_) {
    newest = std::max(newest, p.max_time);
    if (now - p.last_seen < idle_timeout_) active = std::min(active, p.max_time);
  }
  const int64_t base = active == std::numeric_limits<int64_t>::max() ? newest : active;
  current_ = std::max(current_, base - out_of_order_);
  return current_;
}

void Watermark::encode(std::string& out) const {
  ByteWriter writer;
  writer.write_i64(current_);
  writer.write_uvarint(partitions_.size());
  for (const Partition& p : partitions_) {
    writer.write_uvarint(p.topic.size());
    writer.write_string(p.topic);
    writer.write_i32(p.partition);
    writer.write_i64(p.max_time);
    writer.write_i64(p.last_seen);
  }
  const ByteView bytes = writer.view();
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Status Watermark::decode(std::string_view bytes) {
  ByteReader reader(as_bytes(bytes));
  current_ = reader.read_i64();
  const uint64_t count = reader.read_uvarint64();
  if (reader.failed() || count > 1'000'000) return Status(PipelineErrc::kCorruptState, "a watermark does not decode");
  partitions_.clear();
  for (uint64_t i = 0; i < count && !reader.failed(); ++i) {
    Partition p;
    const uint64_t size = reader.read_uvarint64();
    const ByteView topic = reader.read_bytes(size);
    p.topic.assign(reinterpret_cast<const char*>(topic.data()), topic.size());
    p.partition = reader.read_i32();
    p.max_time = reader.read_i64();
    p.last_seen = reader.read_i64();
    partitions_.push_back(std::move(p));
  }
  if (reader.failed() || !reader.at_end()) return Status(PipelineErrc::kCorruptState, "a watermark does not decode");
  last_ = 0;
  return Status();
}

void Watermark::describe(std::string& out) const {
  out.append("{\"watermark\":");
  if (current_ == kNone) {
    out.append("null");
  } else {
    out.push_back('"');
    append_iso8601(current_, out);
    out.push_back('"');
  }
  out.append(",\"partitions\":[");
  for (size_t i = 0; i < partitions_.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"topic\":\"");
    append_json_escaped(out, partitions_[i].topic);
    out.append(fmt::format("\",\"partition\":{},\"newest\":\"", partitions_[i].partition));
    append_iso8601(partitions_[i].max_time, out);
    out.append("\"}");
  }
  out.append("]}");
}

}  // namespace caudal::pipeline
