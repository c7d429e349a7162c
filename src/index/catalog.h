// Catalog: every index the configuration defines, each with its Feeder, and the lookups the
// Elasticsearch API needs: index expressions (`web`, `a,b`, `social-*`, `_all`, `*`) to
// snapshots, the topic behind an index (for `_bulk` and `_doc`), listings and DELETE.
//
// Built by the composition root after the log is open; stop() before the log closes. Every
// method may be called from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "index/feeder.h"
#include "index/index.h"

namespace caudal::index {

struct IndexDefinition {
  IndexOptions options;  // dir is set by the catalog: <root>/<name>
  FeederOptions feeder;
};

struct IndexSummary {
  std::string name;
  std::string topic;
  IndexStats stats;
};

class Catalog {
 public:
  // Opens every index under `root` (data_dir/index) and starts its feeder.
  static Result<std::unique_ptr<Catalog>> open(const std::filesystem::path& root,
                                               std::vector<IndexDefinition> definitions,
                                               log::Log& log, metrics::Registry& registry);
  ~Catalog();
  void stop();

  // The snapshots of the indexes `expression` names, in name order, each once. A concrete name
  // that is not an index: kIndexNotFound "no such index [x]"; a wildcard that matches none
  // gives none (Elasticsearch's allow_no_indices).
  Result<std::vector<std::shared_ptr<const Snapshot>>> resolve(std::string_view expression) const;
  // The topic of index `name`, nullopt when there is no such index.
  std::optional<std::string> topic_of(std::string_view name) const;
  std::vector<IndexSummary> list() const;
  // Makes everything appended to the named indexes' topics so far searchable (Feeder::catch_up).
  Status refresh(std::string_view expression);
  // Empties the index (kIndexNotFound when there is none); it continues with records appended
  // after the call.
  Status clear(std::string_view name);

 private:
  struct Entry {
    std::unique_ptr<Index> index;
    std::unique_ptr<Feeder> feeder;
    std::string topic;
  };
  Catalog() = default;

  std::map<std::string, Entry, std::less<>> entries_;  // fixed after open()
  metrics::Registry* registry_ = nullptr;
  uint64_t metrics_callback_ = 0;
};

}  // namespace caudal::index
