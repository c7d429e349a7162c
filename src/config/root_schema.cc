#include "config/schemas.h"

namespace caudal::config {

bool is_valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const ObjectSchema<Config>& root_schema() {
  static const ObjectSchema<Config> schema = [] {
    ObjectSchema<Config> s;
    s.scalar("data_dir", &Config::data_dir, path_type(),
             "the folder where Caudal keeps topics and state", Presence::kRequired);
    s.object("listen", &Config::listen, listen_schema(), "addresses Caudal listens on");
    s.object("http", &Config::http, http_schema(),
             "limits of the HTTP listener and its Elasticsearch and Splunk HEC ingest APIs");
    s.scalar("auto_create_topics", &Config::auto_create_topics, boolean_type(),
             "create a topic with the topic defaults when a client first uses it");
    // Declared before `topics`: each topic starts from the defaults read here.
    s.object("topic_defaults", &Config::topic_defaults, topic_schema(),
             "settings every topic starts from");
    s.named_map("topics", &Config::topics,
                NamedMap<Config, TopicConfig>{
                    .values = &topic_schema(),
                    .expected = "expected a map of topic names to topic settings",
                    .expected_key = "expected a topic name of 1 to 249 characters from a-z, A-Z, "
                                    "0-9, '.', '_' and '-' (not '.' or '..')",
                    .valid_key = is_valid_topic_name,
                    .initial = [](const Config& config) { return config.topic_defaults; },
                },
                "the topics to create at start-up, each with its settings");
    s.named_map("tables", &Config::tables,
                NamedMap<Config, TableConfig>{
                    .values = &table_schema(),
                    .expected = "expected a map of table names to tables",
                    .expected_key = "expected a table name of 1 to 249 characters from a-z, A-Z, "
                                    "0-9, '.', '_' and '-' (not '.' or '..')",
                    .valid_key = is_valid_topic_name,
                    .initial = [](const Config&) { return TableConfig{}; },
                },
                "lookup tables (CSV, SQLite) and materialized tables (docs/tables.md)");
    s.named_map("pipelines", &Config::pipelines,
                NamedMap<Config, PipelineConfig>{
                    .values = &pipeline_schema(),
                    .expected = "expected a map of pipeline names to pipelines",
                    .expected_key = "expected a pipeline name of 1 to 249 characters from a-z, "
                                    "A-Z, 0-9, '.', '_' and '-' (not '.' or '..')",
                    .valid_key = is_valid_topic_name,
                    .initial = [](const Config&) { return PipelineConfig{}; },
                },
                "stream pipelines: sources, steps and sinks (docs/pipelines.md)");
    s.named_map("indexes", &Config::indexes,
                NamedMap<Config, IndexConfig>{
                    .values = &index_schema(),
                    .expected = "expected a map of index names to indexes",
                    .expected_key = "expected an index name: 1 to 255 characters, lowercase, "
                                    "not starting with '-', '_' or '+', without spaces or "
                                    "\\ / * ? \" < > | , # :",
                    .valid_key = is_valid_index_name,
                    .initial = [](const Config&) { return IndexConfig{}; },
                },
                "search indexes fed by topics, served by the Elasticsearch API (docs/search.md)");
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
