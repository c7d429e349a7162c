// Process logging: human-readable lines by default, one JSON object per line with
// `--log-format json` for log shippers. Nothing logged may contain a secret: configuration is
// only ever printed through config::render_redacted.
#pragma once

#include <string>

#include "common/result.h"

namespace caudal::cli {

enum class LogFormat { kText, kJson };

struct LogOptions {
  LogFormat format = LogFormat::kText;
  std::string level = "info";  // trace, debug, info, warn, error, off
};

// Configures spdlog's default logger (stderr). Fails on an unknown level name.
Status setup_logging(const LogOptions& options);

}  // namespace caudal::cli
