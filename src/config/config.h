// The typed model of caudal.yaml and how to load it. Every key, its type and default are
// documented in docs/configuration.md; the keys themselves are declared once, in
// root_schema.cc, listen_schema.cc, topic_schema.cc, enrich_schema.cc, http_schema.cc and
// pipeline_schema.cc.
//
// Loading never throws. A file with problems gives one kInvalid Status whose message lists
// every problem (up to Diagnostics::kMaxListed), one per line, in file order, as
// `file:line:column: key.path: expected X, found Y` (docs/configuration.md §Errors).
//
// Values that came from ${VAR} substitution are secrets: their key names are kept in the
// owning struct's `secret_keys`, and neither error messages nor render_redacted() show them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "config/endpoint.h"
#include "config/environment.h"
#include "config/node.h"

namespace caudal::config {

// listen.elasticsearch as written: an address, or `off` (no address).
struct ListenerSetting {
  std::optional<Endpoint> address;
  friend bool operator==(const ListenerSetting&, const ListenerSetting&) = default;
};

// Where the Elasticsearch listener goes when the file does not say and indexes are configured,
// as Elasticsearch's own clients and tools expect.
inline const Endpoint kDefaultElasticsearch{"127.0.0.1", 9200};

struct ListenConfig {
  std::optional<Endpoint> http, kafka, elasticsearch;  // unset: that listener is off
  // The file's listen.elasticsearch; unset when absent. The loader derives `elasticsearch` from
  // it: the address given, none for `off`, and kDefaultElasticsearch when absent and the file
  // defines indexes (without indexes there is nothing to serve, and a port taken uninvited could
  // be the one a real Elasticsearch next to Caudal needs).
  std::optional<ListenerSetting> elasticsearch_setting;
  std::set<std::string> secret_keys;

  friend bool operator==(const ListenConfig&, const ListenConfig&) = default;
};

// When a partition's appends are fsynced. `flush: always` (before acknowledging),
// `flush: interval(200ms)` (at most that long after), `flush: none` (left to the OS).
struct FlushPolicy {
  enum class Mode { kAlways, kInterval, kNone } mode = Mode::kNone;
  Duration interval{};  // kInterval only; > 0

  friend bool operator==(const FlushPolicy&, const FlushPolicy&) = default;
};

// Metadata the HTTP gateway adds to every event it appends to a topic, as Kafka record headers
// (docs/http-api.md §Enrichment). All off by default.
struct EnrichConfig {
  bool received_at = false;     // caudal.received_at: arrival time, RFC 3339 UTC with milliseconds
  bool event_id = false;        // caudal.event_id: a UUIDv7 unique to the event
  bool client_address = false;  // caudal.client_address: the sender's IP address
  bool host = false;            // caudal.host: the name of the host Caudal runs on
  std::set<std::string> secret_keys;

  friend bool operator==(const EnrichConfig&, const EnrichConfig&) = default;
};

struct TopicConfig {
  int32_t partitions = 1;                   // 1..10000
  std::optional<Duration> retention;        // unset = keep forever
  std::optional<uint64_t> retention_bytes;  // per partition, unset = unlimited
  uint64_t segment_bytes = 1ull << 30;      // 1 GiB; 4KiB..2GiB
  std::optional<Duration> segment_age;      // roll a segment older than this
  uint32_t max_message_bytes = 1u << 20;    // 1 MiB; largest batch accepted, <= segment_bytes
  FlushPolicy flush;
  EnrichConfig enrich;  // used by the HTTP gateway only
  std::set<std::string> secret_keys;

  friend bool operator==(const TopicConfig&, const TopicConfig&) = default;
};

// One Splunk HEC token: what a sender puts in `Authorization: Splunk <token>`.
struct HecTokenConfig {
  std::string token;  // put it in the environment (${HEC_TOKEN}) so it is never shown
  std::string topic;  // where events that name no index go
  std::set<std::string> secret_keys;

  friend bool operator==(const HecTokenConfig&, const HecTokenConfig&) = default;
};

// Index names (or patterns with `*`) mapped to topics, for `_bulk` and HEC.
using IndexTopics = std::map<std::string, std::string>;

struct BulkConfig {
  // An index not listed here goes to the topic of the same name.
  IndexTopics indexes;
  std::set<std::string> secret_keys;

  friend bool operator==(const BulkConfig&, const BulkConfig&) = default;
};

struct HecConfig {
  std::map<std::string, HecTokenConfig> tokens;  // by a name used in logs; none: HEC refuses all
  // An event naming an index not listed here is refused (HEC code 7, "Incorrect index").
  IndexTopics indexes;
  std::set<std::string> secret_keys;

  friend bool operator==(const HecConfig&, const HecConfig&) = default;
};

// The HTTP listener's limits and its ingest APIs (docs/http-api.md).
struct HttpConfig {
  uint64_t max_body_bytes = 64ull << 20;  // as received, and again after Content-Encoding
  uint32_t max_header_bytes = 64u << 10;
  Duration header_timeout = std::chrono::seconds(10);  // to receive a request's headers
  Duration idle_timeout = std::chrono::seconds(60);    // keep-alive connection with no request
  BulkConfig bulk;
  HecConfig hec;
  // The built dashboard's folder, served at /ui; relative to the config file's folder.
  std::optional<std::filesystem::path> dashboard;
  std::set<std::string> secret_keys;

  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

// A pipeline's source on a remote Kafka cluster (or another Caudal), read with a consumer group
// (docs/pipelines.md §Reading a remote Kafka cluster):
// `from: {kafka: {brokers: ..., group: ..., topics: [...]}}`.
struct KafkaSourceConfig {
  std::string brokers;              // bootstrap servers: "kafka1:9092,kafka2:9092"
  std::string group;                // the consumer group, whose committed offsets are the progress
  std::vector<std::string> topics;  // read together, like a `from` list of local topics
  // librdkafka properties passed through (TLS, SASL, timeouts); values from ${VAR} are secrets.
  std::map<std::string, std::string> properties;
  std::set<std::string> secret_keys;

  friend bool operator==(const KafkaSourceConfig&, const KafkaSourceConfig&) = default;
};

// `from` as a map: a source outside Caudal, named by its one key.
struct RemoteSourceConfig {
  KafkaSourceConfig kafka;
  std::set<std::string> secret_keys;

  friend bool operator==(const RemoteSourceConfig&, const RemoteSourceConfig&) = default;
};

// One stream pipeline (docs/pipelines.md). The config module checks the keys below; what
// `from`, `steps` and `to` hold is checked by the pipeline module (pipeline/definition.h),
// which knows every step and sink, so they are kept here as written, with their positions.
struct PipelineConfig {
  Node from;   // a topic name or a list of them (or the map `remote` was read from)
  std::optional<RemoteSourceConfig> remote;  // set when `from` names a remote source
  std::string start = "earliest";  // where a pipeline with no committed offsets begins
  // The order of the records of its source partitions: "arrival" (as read, partition by
  // partition) or "time" (by record timestamp across them all).
  std::string order = "arrival";
  std::optional<std::string> dead_letter;  // unset: "<pipeline>.dead_letter"
  Node steps;  // a list of one-key maps: `- filter: EXPR`, `- set: {...}`
  Node to;     // a sink or a list of sinks
  int32_t batch_size = 1024;  // events read and processed together, at most
  // Events handed to sinks and not yet acknowledged, at most, per pipeline: the bound on
  // memory when a sink is slow (backpressure, never drops).
  int32_t max_in_flight = 65536;
  Duration commit_interval = std::chrono::seconds(1);  // how often acknowledged offsets commit
  // Stateful pipelines (threshold, window, dedupe): how often keyed state and source offsets
  // are checkpointed together.
  Duration checkpoint_interval = std::chrono::seconds(1);
  std::set<std::string> secret_keys;

  // Equal when defined alike, wherever in the file: a reload restarts only the pipelines whose
  // configuration is not equal to the running one (Node compares content, not positions).
  friend bool operator==(const PipelineConfig&, const PipelineConfig&) = default;
};

// One table (docs/tables.md): a lookup table loaded from a CSV file or an SQLite database, or
// a materialized table that pipelines write. Exactly one of csv, sqlite and materialized.
struct TableConfig {
  std::optional<std::filesystem::path> csv;     // relative: against the config file's folder
  std::optional<std::filesystem::path> sqlite;  // relative: against the config file's folder
  std::optional<std::string> postgres;          // a libpq connection string
  std::optional<std::string> table;             // sqlite, postgres: the table to load, or
  std::optional<std::string> query;             // sqlite, postgres: the SELECT to load
  std::optional<std::string> key;               // lookup tables: the key column
  std::map<std::string, std::string> columns;   // column -> int, float, bool or string
  std::optional<Duration> reload_interval;      // lookup tables: check the file (read the
                                                // server) this often
  bool materialized = false;
  std::set<std::string> secret_keys;

  friend bool operator==(const TableConfig&, const TableConfig&) = default;
};

// One search index (docs/search.md): fed by a topic, searchable over the Elasticsearch API.
struct IndexConfig {
  std::string topic;                         // the topic whose records are the documents
  std::string timestamp = "@timestamp";      // the document field with the event time
  std::map<std::string, std::string> mappings;  // field -> text, keyword, long, double, date, ...
  std::optional<Duration> retention;         // segments whose newest document is older go
  std::optional<uint64_t> retention_bytes;   // the oldest segments go beyond this size
  Duration refresh_interval = std::chrono::seconds(1);  // how soon documents are searchable
  std::set<std::string> secret_keys;

  friend bool operator==(const IndexConfig&, const IndexConfig&) = default;
};

struct Config {
  std::filesystem::path source_file;  // as given
  std::filesystem::path data_dir;     // relative paths resolve against the config file's folder
  ListenConfig listen;
  HttpConfig http;
  bool auto_create_topics = true;
  TopicConfig topic_defaults;  // each topic's unset keys inherit from it
  std::map<std::string, TopicConfig>
      topics;  // names: [a-zA-Z0-9._-], 1..249 chars, not "." or ".."
  std::map<std::string, TableConfig> tables;  // names as topic names
  std::map<std::string, PipelineConfig> pipelines;  // names as topic names
  std::map<std::string, IndexConfig> indexes;  // Elasticsearch index names (lowercase, ...)
  std::set<std::string> secret_keys;
};

// Reads and validates the file. A relative data_dir is resolved against the absolute folder of
// `path`, so the result does not depend on the working directory later. Messages name the file
// as `path` was given. kNotFound when the file does not exist, kIo when it cannot be read,
// kInvalid for everything in it.
Result<Config> load_config_file(const std::filesystem::path& path, const Environment& env);

// Validates `yaml_text` as if read from `file_name`, which is used in messages and whose folder
// (as written, not made absolute) a relative data_dir is resolved against.
Result<Config> parse_config(std::string_view yaml_text, std::string_view file_name,
                            const Environment& env);

// The effective configuration (every key, defaults filled in) as YAML that parse_config reads
// back to the same Config, except that secrets are shown as *** (and so do not read back).
// For `caudal config check` and start-up logs.
std::string render_redacted(const Config& config);

// Whether `name` may name a topic: 1..249 characters from [a-zA-Z0-9._-], not "." or "..".
// The same rule as Kafka's, so any Kafka client can use every topic.
bool is_valid_topic_name(std::string_view name);

// Whether `name` may be a key of an index map (IndexTopics): an index name, or a pattern where
// `*` matches any run of characters; 1..255 characters, none of them a space, control
// character or one of \ / ? " < > | , #.
bool is_valid_index_pattern(std::string_view name);

}  // namespace caudal::config
