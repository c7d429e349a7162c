// SearchService: the search side of the composition root. Opens the index catalog
// (data_dir/index, one index and feeder per `indexes:` entry) and, when listen.elasticsearch
// is set, the Elasticsearch-compatible listener: its own ingest gateway, whose _bulk and _doc
// write an index's documents to that index's topic (an index name that is not configured goes
// to the topic of that name, as on the HTTP listener), and the search routes, answered on a
// small pool of search threads so a long search never holds an event loop. api() is the same
// search for the main HTTP listener's /v1/search routes.
//
// Lifecycle: start() after the log is open and the event loops exist (before they run);
// stop_listener() before the loops stop; destroy before the log closes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "config/config.h"
#include "http/elasticsearch/search_api.h"
#include "log/log.h"

namespace caudal::server {

class SearchService {
 public:
  static Result<std::unique_ptr<SearchService>> start(const config::Config& config, log::Log& log,
                                                      std::vector<boost::asio::io_context*> loops,
                                                      metrics::Registry& registry,
                                                      std::string host_name);
  ~SearchService();

  // The search calls, for the main HTTP listener's /v1/search routes; valid while this lives.
  const http::SearchApi& api() const;

  // host:port of the Elasticsearch listener; nullopt when it is off.
  const std::optional<std::string>& address() const { return address_; }
  void stop_listener();

  struct Impl;

 private:
  explicit SearchService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::optional<std::string> address_;
};

}  // namespace caudal::server
