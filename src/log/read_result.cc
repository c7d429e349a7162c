#include "log/read_result.h"

#include <fmt/format.h>

#include "log/errc.h"

namespace caudal::log {

Status FileRead::copy_to(Bytes& out) const {
  size_t start = out.size();
  size_t at = start;
  out.resize(start + bytes);
  for (const FileRange& range : ranges) {
    auto n = range.file->read_at(range.position, std::span(out.data() + at, range.length));
    if (!n.ok()) {
      out.resize(start);
      return Status(Errc::kStorage, n.status().message());
    }
    if (*n != range.length) {
      out.resize(start);
      return Status(Errc::kCorruptData,
                    fmt::format("{} ends inside a range of {} bytes at byte {}",
                                range.file->path().string(), range.length, range.position));
    }
    at += range.length;
  }
  return Status();
}

}  // namespace caudal::log
