// The schema helper on a section of its own, as a later issue would add one, and a check that
// docs/configuration.md documents every key the real schemas declare.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "config/document.h"
#include "config/errc.h"
#include "config/schemas.h"

namespace caudal::config {
namespace {

struct Sink {
  std::string url;
  int32_t retries = 3;
  std::optional<Duration> timeout;
  std::set<std::string> secret_keys;
};

const ObjectSchema<Sink>& sink_schema() {
  static const ObjectSchema<Sink> schema = [] {
    ObjectSchema<Sink> s;
    s.scalar("url", &Sink::url,
             ValueType<std::string>{"expected a URL",
                                    [](std::string_view text) -> Result<std::string> {
                                      if (!text.starts_with("http"))
                                        return Status(Errc::kInvalid, "expected a URL");
                                      return std::string(text);
                                    },
                                    [](const std::string& url) { return url; }},
             "where to send", Presence::kRequired);
    s.scalar("retries", &Sink::retries, integer_type(0, 10), "attempts");
    s.optional("timeout", &Sink::timeout, duration_type(Duration(1)), "per attempt");
    s.check([](const Node& object, const std::string& path, const Sink& sink, Diagnostics& diags) {
      if (sink.retries > 0 && !sink.timeout.has_value()) {
        diags.error(position_of(object, "retries"), child_path(path, "retries"),
                    "expected a timeout when retrying");
      }
    });
    return s;
  }();
  return schema;
}

std::string errors_of(std::string_view yaml, Sink& sink) {
  Diagnostics diags("sinks.yaml");
  std::optional<Node> root =
      parse_document(yaml, MapEnvironment(MapEnvironment::Variables{{"TOKEN", "s3cret"}}), diags);
  if (root.has_value()) sink_schema().parse(*root, "sink", sink, diags);
  return diags.to_status().message();
}

TEST(SchemaTest, ReadsDeclaredKeysAndKeepsDefaults) {
  Sink sink;
  EXPECT_EQ(errors_of("url: https://example.com/${TOKEN}\ntimeout: 5s\n", sink), "");
  EXPECT_EQ(sink.url, "https://example.com/s3cret");
  EXPECT_EQ(sink.retries, 3);
  EXPECT_EQ(sink.timeout, std::chrono::seconds(5));
  EXPECT_EQ(sink.secret_keys, std::set<std::string>{"url"});
}

TEST(SchemaTest, ReportsEveryKindOfProblemUniformly) {
  Sink sink;
  EXPECT_EQ(errors_of("retrys: 2\nretries: 11\ntimeout: [1s]\nretries: 1\nbody: x\n", sink),
            "sinks.yaml:1:1: sink.retrys: unknown key, did you mean 'retries'?\n"
            "sinks.yaml:1:1: sink.url: required key is missing (where to send)\n"
            "sinks.yaml:2:10: sink.retries: expected an integer from 0 to 10, found '11'\n"
            "sinks.yaml:3:10: sink.timeout: expected a duration such as 500ms, 30s or 8d, found "
            "a list\n"
            "sinks.yaml:4:1: sink.retries: duplicate key, first given at line 2\n"
            "sinks.yaml:5:1: sink.body: unknown key, expected one of: url, retries, timeout");
}

TEST(SchemaTest, ChecksRunOnlyWhenTheKeysThemselvesAreValid) {
  Sink sink;
  EXPECT_EQ(errors_of("url: http://x\nretries: 2\n", sink),
            "sinks.yaml:2:10: sink.retries: expected a timeout when retrying");
  Sink other;
  EXPECT_EQ(errors_of("url: ftp://x\nretries: 2\n", other),
            "sinks.yaml:1:6: sink.url: expected a URL, found 'ftp://x'");
}

TEST(SchemaTest, SecretsAreHiddenInErrors) {
  Sink sink;
  EXPECT_EQ(errors_of("url: ${TOKEN}\ntimeout: 1s\n", sink),
            "sinks.yaml:1:6: sink.url: expected a URL, found '***' (written as '${TOKEN}')");
}

TEST(SchemaTest, EmitsKeysInDeclarationOrderAndSkipsUnsetOptionals) {
  Sink sink;
  sink.url = "http://x";
  sink.secret_keys = {"url"};
  const Node tree = sink_schema().emit(sink);
  ASSERT_EQ(tree.entries.size(), 2u);
  EXPECT_EQ(tree.entries[0].key, "url");
  EXPECT_TRUE(tree.entries[0].value.secret);
  EXPECT_EQ(tree.entries[1].key, "retries");
  EXPECT_EQ(tree.entries[1].value.text, "3");
}

void collect_keys(const SchemaInfo& schema, std::vector<std::string>& keys) {
  for (const SchemaInfo::Field& field : schema.fields()) {
    keys.push_back(field.name);
    if (field.children != nullptr) collect_keys(*field.children, keys);
  }
}

TEST(SchemaDocsTest, ConfigurationReferenceNamesEveryKey) {
  const std::filesystem::path docs =
      std::filesystem::path(CAUDAL_SOURCE_ROOT) / "docs/configuration.md";
  std::ifstream in(docs);
  ASSERT_TRUE(in.is_open()) << docs;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> keys;
  collect_keys(root_schema(), keys);
  EXPECT_GE(keys.size(), 15u);
  for (const std::string& key : keys) {
    EXPECT_NE(text.find("`" + key + "`"), std::string::npos) << key << " is not documented";
  }
}

}  // namespace
}  // namespace caudal::config
