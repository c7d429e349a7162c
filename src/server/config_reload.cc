#include "server/config_reload.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/environment.h"
#include "http/json_writer.h"
#include "pipeline/definition.h"
#include "server/declare_topics.h"
#include "server/table_options_mapping.h"

namespace caudal::server {
namespace {

void write_names(http::JsonWriter& json, std::string_view key, const std::vector<std::string>& names) {
  json.key(key).begin_array();
  for (const std::string& name : names) json.value(name);
  json.end_array();
}

ConfigReloader::Outcome refused(const config::Config& running, const Status& error) {
  spdlog::warn("configuration reload refused, the running configuration stays: {}", error.message());
  http::JsonWriter json;
  json.begin_object().key("result").value("refused").key("file").value(running.source_file.string());
  json.key("errors").begin_array();
  // One problem per line (config::Diagnostics), so a client can show them as a list.
  std::string_view rest = error.message();
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    if (std::string_view line = rest.substr(0, end); !line.empty()) json.value(line);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  json.end_array().end_object();
  return {http::ReloadAnswer{false, json.take()}, false};
}

// Entries of a section that a reload does not change in place: edited or removed ones.
template <typename Entries>
void changed_entries(std::vector<std::string>& out, std::string_view section, const Entries& running,
                     const Entries& wanted, std::string_view what_stays) {
  for (const auto& [name, entry] : running) {
    auto it = wanted.find(name);
    if (it == wanted.end()) {
      out.push_back(fmt::format("{}.{} (removed; {})", section, name, what_stays));
    } else if (!(it->second == entry)) {
      out.push_back(fmt::format("{}.{}", section, name));
    }
  }
}

// The parts of `wanted` that only a restart applies and that differ from what runs.
std::vector<std::string> needing_restart(const config::Config& running, const config::Config& wanted) {
  std::vector<std::string> out;
  if (running.data_dir != wanted.data_dir) out.push_back("data_dir");
  if (!(running.listen == wanted.listen)) out.push_back("listen");
  if (!(running.http == wanted.http)) out.push_back("http");
  if (running.auto_create_topics != wanted.auto_create_topics) out.push_back("auto_create_topics");
  if (!(running.topic_defaults == wanted.topic_defaults)) out.push_back("topic_defaults");
  changed_entries(out, "topics", running.topics, wanted.topics, "the topic and its data stay");
  changed_entries(out, "tables", running.tables, wanted.tables, "the table stays");
  if (running.indexes != wanted.indexes) out.push_back("indexes");
  return out;
}

}  // namespace

ConfigReloader::Outcome reload_configuration(config::Config& running, ReloadTargets targets) {
  spdlog::info("reloading the configuration from {}", running.source_file.string());
  Result<config::Config> loaded = config::load_config_file(running.source_file, config::ProcessEnvironment());
  if (!loaded.ok()) return refused(running, loaded.status());
  const config::Config& wanted = *loaded;
  const std::vector<std::string> not_applied = needing_restart(running, wanted);

  // New tables first: the new pipelines may look them up.
  std::vector<std::string> added_lookups, added_tables;
  std::vector<table::LookupTableOptions> lookups;
  for (table::LookupTableOptions& options : to_catalog_options(wanted).lookup_tables) {
    if (running.tables.contains(options.name)) continue;
    added_lookups.push_back(options.name);
    lookups.push_back(std::move(options));
  }
  if (Status added = targets.tables.add_lookups(std::move(lookups)); !added.ok()) {
    return refused(running, added.with_context("tables"));
  }
  // Compiled here before anything else changes; apply() compiles again, against the same
  // catalog, so it cannot find new problems.
  if (auto compiled = pipeline::compile_pipelines(wanted, &targets.tables); !compiled.ok()) {
    targets.tables.retire_lookups(added_lookups);
    return refused(running, compiled.status());
  }
  added_tables = added_lookups;
  for (const auto& [name, table] : wanted.tables) {
    if (!table.materialized || running.tables.contains(name)) continue;
    if (auto created = targets.tables.materialized(name); !created.ok()) {
      spdlog::warn("reload: table {}: {}", name, created.status().message());
      continue;
    }
    added_tables.push_back(name);
  }
  for (const std::string& name : added_tables) running.tables[name] = wanted.tables.at(name);

  std::vector<std::string> created_topics;
  if (auto created = declare_topics(wanted, targets.log); created.ok()) {
    created_topics = std::move(created).value();
  } else {
    spdlog::warn("reload: {}", created.status().message());
  }
  for (const std::string& name : created_topics) running.topics[name] = wanted.topics.at(name);

  Result<pipeline::PipelinesChange> change = targets.pipelines.apply(wanted);
  if (!change.ok()) return refused(running, change.status());
  running.pipelines = wanted.pipelines;
  for (const auto& [name, reason] : change->failed) running.pipelines.erase(name);

  http::JsonWriter json;
  const bool partial = !change->failed.empty();
  json.begin_object().key("result").value(partial ? "partial" : "applied");
  json.key("file").value(running.source_file.string());
  json.key("pipelines").begin_object();
  write_names(json, "started", change->started);
  write_names(json, "restarted", change->restarted);
  write_names(json, "stopped", change->stopped);
  write_names(json, "unchanged", change->unchanged);
  json.key("failed").begin_array();
  for (const auto& [name, reason] : change->failed) {
    json.begin_object().key("pipeline").value(name).key("reason").value(reason).end_object();
  }
  json.end_array().end_object();
  write_names(json, "topics_created", created_topics);
  write_names(json, "tables_added", added_tables);
  write_names(json, "needs_restart", not_applied);
  json.end_object();

  spdlog::info("configuration reloaded: pipelines started [{}], restarted [{}], stopped [{}], unchanged [{}]; "
               "topics created [{}]; tables added [{}]",
               fmt::join(change->started, ", "), fmt::join(change->restarted, ", "),
               fmt::join(change->stopped, ", "), fmt::join(change->unchanged, ", "),
               fmt::join(created_topics, ", "), fmt::join(added_tables, ", "));
  for (const auto& [name, reason] : change->failed) {
    spdlog::error("reload: pipeline {} is stopped: {}", name, reason);
  }
  if (!not_applied.empty()) {
    spdlog::warn("reload: these changes need a restart and are not applied: {}", fmt::join(not_applied, ", "));
  }
  return {http::ReloadAnswer{true, json.take()}, partial};
}

}  // namespace caudal::server
