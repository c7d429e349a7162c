// Creating the topics a configuration names, at start and on a reload.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "log/log.h"

namespace caudal::server {

// Creates the topics of `config` that the log does not have yet and returns their names. A
// topic that exists with other settings keeps its stored ones (the log has no alter operation
// yet); the difference is logged so it is never silent.
Result<std::vector<std::string>> declare_topics(const config::Config& config, log::Log& log);

}  // namespace caudal::server
