#include <chrono>

#include "config/schemas.h"

namespace caudal::config {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = kKiB * kKiB;

MapKeys index_keys() {
  return MapKeys{
      .expected = "expected a map of index names to topic names",
      .expected_key =
          "expected an index name or a pattern with * of 1 to 255 characters, "
          "without spaces or any of \\ / ? \" < > | , #",
      .valid_key = is_valid_index_pattern,
  };
}

const ObjectSchema<BulkConfig>& bulk_schema() {
  static const ObjectSchema<BulkConfig> schema = [] {
    ObjectSchema<BulkConfig> s;
    s.scalar_map("indexes", &BulkConfig::indexes, index_keys(), topic_name_type(),
                 "Elasticsearch index name or pattern -> topic; other indexes go to the topic "
                 "of the same name");
    return s;
  }();
  return schema;
}

const ObjectSchema<HecTokenConfig>& hec_token_schema() {
  static const ObjectSchema<HecTokenConfig> schema = [] {
    ObjectSchema<HecTokenConfig> s;
    s.scalar("token", &HecTokenConfig::token, text_type("a token"),
             "the secret a sender gives as Authorization: Splunk <token>", Presence::kRequired);
    s.scalar("topic", &HecTokenConfig::topic, topic_name_type(),
             "the topic of events that name no index", Presence::kRequired);
    return s;
  }();
  return schema;
}

// Two names for one token would make the name in logs and metrics a guess.
void check_unique_tokens(const Node& object, const std::string& path, const HecConfig& hec,
                         Diagnostics& diags) {
  std::map<std::string, std::string> first_name_of;
  for (const auto& [name, token] : hec.tokens) {
    auto [first, inserted] = first_name_of.emplace(token.token, name);
    if (inserted) continue;
    const Node::Entry* tokens = find_entry(object, "tokens");
    const Node::Entry* entry = tokens != nullptr ? find_entry(tokens->value, name) : nullptr;
    diags.error(entry != nullptr ? position_of(entry->value, "token") : object.position,
                child_path(child_path(child_path(path, "tokens"), name), "token"),
                fmt::format("expected a token no other entry uses, found the token of {}",
                            child_path(child_path(path, "tokens"), first->second)));
  }
}

const ObjectSchema<HecConfig>& hec_schema() {
  static const ObjectSchema<HecConfig> schema = [] {
    ObjectSchema<HecConfig> s;
    s.named_map("tokens", &HecConfig::tokens,
                NamedMap<HecConfig, HecTokenConfig>{
                    .values = &hec_token_schema(),
                    .expected = "expected a map of token names to token settings",
                    .expected_key = "expected a token name of 1 to 249 characters from a-z, "
                                    "A-Z, 0-9, '.', '_' and '-'",
                    .valid_key = is_valid_topic_name,
                    .initial = [](const HecConfig&) { return HecTokenConfig{}; },
                },
                "the tokens HEC accepts, by name; none refuses every HEC request");
    s.scalar_map("indexes", &HecConfig::indexes, index_keys(), topic_name_type(),
                 "HEC index name or pattern -> topic; events naming another index are refused");
    s.check(check_unique_tokens);
    return s;
  }();
  return schema;
}

}  // namespace

bool is_valid_index_pattern(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
    if (std::string_view("\\/?\"<>|,#").find(c) != std::string_view::npos) return false;
  }
  return true;
}

const ObjectSchema<HttpConfig>& http_schema() {
  static const ObjectSchema<HttpConfig> schema = [] {
    ObjectSchema<HttpConfig> s;
    s.scalar("max_body_bytes", &HttpConfig::max_body_bytes, size_type(kKiB, 1024 * kMiB),
             "largest request body, as received and after Content-Encoding; larger gets 413");
    s.scalar("max_header_bytes", &HttpConfig::max_header_bytes, size32_type(kKiB, kMiB),
             "largest request header block; larger gets 431");
    s.scalar("header_timeout", &HttpConfig::header_timeout,
             duration_type(std::chrono::milliseconds(1)),
             "time a new connection has to send its first request's headers");
    s.scalar("idle_timeout", &HttpConfig::idle_timeout, duration_type(std::chrono::milliseconds(1)),
             "time a keep-alive connection may stay silent between requests");
    s.object("bulk", &HttpConfig::bulk, bulk_schema(),
             "the Elasticsearch _bulk and _doc ingest APIs");
    s.object("hec", &HttpConfig::hec, hec_schema(), "the Splunk HTTP Event Collector API");
    s.optional("dashboard", &HttpConfig::dashboard, path_type(),
               "folder of the built dashboard (web/dist), served at /ui; unset: no dashboard");
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
