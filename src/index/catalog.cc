#include "index/catalog.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "index/errc.h"
#include "index/execute.h"

namespace caudal::index {

Result<std::unique_ptr<Catalog>> Catalog::open(const std::filesystem::path& root,
                                               std::vector<IndexDefinition> definitions,
                                               log::Log& log, metrics::Registry& registry) {
  std::unique_ptr<Catalog> catalog(new Catalog());
  for (IndexDefinition& definition : definitions) {
    const std::string name = definition.options.name;
    definition.options.dir = root / name;
    auto index = Index::open(definition.options);
    if (!index.ok()) return index.status().with_context("index " + name);
    Entry entry;
    entry.index = std::move(index).value();
    entry.topic = definition.feeder.topic;
    auto feeder = Feeder::start(*entry.index, log, definition.feeder);
    if (!feeder.ok()) return feeder.status().with_context("index " + name);
    entry.feeder = std::move(feeder).value();
    const IndexStats stats = entry.index->stats();
    spdlog::info("index {}: {} documents in {} segments, fed by topic {}", name, stats.docs,
                 stats.segments, entry.topic);
    catalog->entries_.emplace(name, std::move(entry));
  }
  catalog->registry_ = &registry;
  const Catalog* self = catalog.get();
  catalog->metrics_callback_ = registry.add_callback(
      "caudal_index_documents", "Searchable documents per index", metrics::Kind::kGauge, {"index"},
      [self] {
        std::vector<metrics::Sample> samples;
        for (const auto& [name, entry] : self->entries_) {
          samples.push_back({{name}, static_cast<double>(entry.index->stats().docs)});
        }
        return samples;
      });
  return catalog;
}

Catalog::~Catalog() {
  stop();
}

void Catalog::stop() {
  if (registry_ != nullptr) {
    registry_->remove_callback(metrics_callback_);
    registry_ = nullptr;
  }
  for (auto& [name, entry] : entries_) {
    if (entry.feeder) entry.feeder->stop();
  }
}

Result<std::vector<std::shared_ptr<const Snapshot>>> Catalog::resolve(
    std::string_view expression) const {
  std::map<std::string, std::shared_ptr<const Snapshot>> found;
  std::string_view rest = expression;
  if (rest.empty() || rest == "_all") rest = "*";
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (part.empty()) continue;
    const bool exclude = part.front() == '-' && part.size() > 1;
    if (exclude) part.remove_prefix(1);
    if (part.find('*') != std::string_view::npos) {
      for (const auto& [name, entry] : entries_) {
        if (!wildcard_match(part, name)) continue;
        if (exclude)
          found.erase(name);
        else
          found[name] = entry.index->snapshot();
      }
      continue;
    }
    auto it = entries_.find(part);
    if (it == entries_.end()) {
      return Status(Errc::kIndexNotFound, fmt::format("no such index [{}]", part));
    }
    if (exclude)
      found.erase(it->first);
    else
      found[it->first] = it->second.index->snapshot();
  }
  std::vector<std::shared_ptr<const Snapshot>> out;
  for (auto& [name, snapshot] : found) out.push_back(std::move(snapshot));
  return out;
}

std::optional<std::string> Catalog::topic_of(std::string_view name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second.topic;
}

std::vector<IndexSummary> Catalog::list() const {
  std::vector<IndexSummary> out;
  for (const auto& [name, entry] : entries_) {
    out.push_back(IndexSummary{name, entry.topic, entry.index->stats()});
  }
  return out;
}

Status Catalog::refresh(std::string_view expression) {
  CAUDAL_ASSIGN_OR_RETURN(auto snapshots, resolve(expression));
  for (const auto& snapshot : snapshots) {
    CAUDAL_RETURN_IF_ERROR(entries_.find(snapshot->index)->second.feeder->catch_up());
  }
  return Status();
}

Status Catalog::clear(std::string_view name) {
  auto it = entries_.find(name);
  if (it == entries_.end())
    return Status(Errc::kIndexNotFound, fmt::format("no such index [{}]", name));
  Entry& entry = it->second;
  return entry.feeder->run_on_feeder(
      [&entry] { return entry.index->clear(entry.feeder->high_watermarks()); });
}

}  // namespace caudal::index
