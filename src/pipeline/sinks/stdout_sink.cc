#include "pipeline/sinks/stdout_sink.h"

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "pipeline/errc.h"

namespace caudal::pipeline {
namespace {

std::mutex& stream_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

void StdoutSink::write(std::shared_ptr<const SinkBatch> batch, SinkDone done) {
  bool ok = true;
  {
    std::lock_guard lock(stream_mutex());
    for (size_t i = 0; i < batch->size() && ok; ++i) {
      const std::string_view line = batch->value(i);
      ok = std::fwrite(line.data(), 1, line.size(), out_) == line.size() && std::fputc('\n', out_) != EOF;
    }
    ok = ok && std::fflush(out_) == 0;
  }
  done(ok ? Status()
          : Status(PipelineErrc::kStorage, fmt::format("stdout sink: write failed: {}",
                                                       std::strerror(errno))));
}

}  // namespace caudal::pipeline
