// Equality of configuration sections, as a reload uses it to tell changed pipelines, topics and
// tables from unchanged ones.
#include <gtest/gtest.h>

#include "config/config.h"

namespace caudal::config {
namespace {

Config parse_ok(std::string_view text, const Environment& env = MapEnvironment()) {
  Result<Config> result = parse_config(text, "caudal.yaml", env);
  EXPECT_TRUE(result.ok()) << result.status().to_string();
  return result.ok() ? *result : Config();
}

constexpr std::string_view kBase = R"(data_dir: d
pipelines:
  a:
    from: IN
    steps:
      - set: {v: 1}
    to: {topic: OUT, key: id}
  b:
    from: [IN, OK]
    to: {topic: B}
)";

TEST(ConfigEqualityTest, APipelineMovedOrReformattedIsUnchanged) {
  const Config before = parse_ok(kBase);
  const Config after = parse_ok(R"(data_dir: d
# b first now, written in another style, with a comment
pipelines:
  b: {from: [IN, "OK"], to: {topic: B}}
  a:
    from: 'IN'
    steps: [{set: {v: 1}}]
    to:
      topic: OUT
      key: id
)");
  EXPECT_EQ(before.pipelines.at("a"), after.pipelines.at("a"));
  EXPECT_EQ(before.pipelines.at("b"), after.pipelines.at("b"));
}

TEST(ConfigEqualityTest, AnyChangedValueOrKeyIsAChange) {
  const Config before = parse_ok(kBase);
  for (std::string_view changed : {
           "      - set: {v: 2}\n",            // a value
           "      - set: {w: 1}\n",            // a key
           "      - set: {v: 1}\n      - remove: x\n",  // a step more
       }) {
    std::string text(kBase);
    text.replace(text.find("      - set: {v: 1}\n"), 20, changed);
    const Config after = parse_ok(text);
    EXPECT_NE(before.pipelines.at("a"), after.pipelines.at("a")) << changed;
    EXPECT_EQ(before.pipelines.at("b"), after.pipelines.at("b")) << changed;
  }
  std::string batch(kBase);
  batch.replace(batch.find("    to: {topic: OUT"), 0, "    batch_size: 10\n");
  EXPECT_NE(before.pipelines.at("a"), parse_ok(batch).pipelines.at("a")) << "a setting with a default";
}

TEST(ConfigEqualityTest, AValueFromTheEnvironmentComparesByWhatItHolds) {
  constexpr std::string_view kFromEnv = R"(data_dir: d
pipelines:
  a:
    from: ${SOURCE}
    to: {topic: OUT}
)";
  const Config one = parse_ok(kFromEnv, MapEnvironment(MapEnvironment::Variables{{"SOURCE", "IN"}}));
  const Config same = parse_ok("data_dir: d\npipelines:\n  a: {from: IN, to: {topic: OUT}}\n");
  const Config other = parse_ok(kFromEnv, MapEnvironment(MapEnvironment::Variables{{"SOURCE", "ENTRY"}}));
  EXPECT_EQ(one.pipelines.at("a").from, same.pipelines.at("a").from);
  EXPECT_NE(one.pipelines.at("a").from, other.pipelines.at("a").from);
}

TEST(ConfigEqualityTest, TopicsAndTablesCompareEveryKey) {
  const Config before = parse_ok("data_dir: d\ntopics:\n  T: {partitions: 2}\ntables:\n  c: {csv: c.csv, key: id}\n");
  const Config same = parse_ok("data_dir: d\ntopics: {T: {partitions: 2}}\ntables: {c: {key: id, csv: c.csv}}\n");
  const Config other = parse_ok("data_dir: d\ntopics:\n  T: {partitions: 3}\ntables:\n  c: {csv: c.csv, key: name}\n");
  EXPECT_EQ(before.topics.at("T"), same.topics.at("T"));
  EXPECT_EQ(before.tables.at("c"), same.tables.at("c"));
  EXPECT_NE(before.topics.at("T"), other.topics.at("T"));
  EXPECT_NE(before.tables.at("c"), other.tables.at("c"));
}

}  // namespace
}  // namespace caudal::config
