#include "cli/logging.h"

#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/errc.h"
#include "common/json_string.h"

namespace caudal::cli {
namespace {

// {"ts":"2026-11-21T10:00:00.123Z","level":"info","msg":"..."}: one object per line, with the
// message escaped so any text (paths, client input) keeps the line valid JSON.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                      msg.time.time_since_epoch()) % 1000;
    fmt::format_to(std::back_inserter(dest), "{{\"ts\":\"{:%Y-%m-%dT%H:%M:%S}.{:03}Z\",",
                   fmt::gmtime(std::chrono::system_clock::to_time_t(msg.time)), millis.count());
    auto level = spdlog::level::to_string_view(msg.level);
    fmt::format_to(std::back_inserter(dest), "\"level\":\"{}\",\"msg\":",
                   std::string_view(level.data(), level.size()));
    append_json_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

Status setup_logging(const LogOptions& options) {
  auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return Status(Errc::kInvalidArgument,
                  fmt::format("unknown log level '{}'; use trace, debug, info, warn, error or off",
                              options.level));
  }
  auto logger = spdlog::stderr_color_mt("caudal");
  if (options.format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(level);
  spdlog::set_default_logger(logger);
  return Status();
}

}  // namespace caudal::cli
