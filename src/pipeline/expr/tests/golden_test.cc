// Golden tests of the expression language: one case per file in golden/*.case, each an event,
// an expression and what must come out (a value as JSON, a load-time error or a run-time
// error). A mismatch prints the case, both sides and where they first differ.
//
// Case file format: sections introduced by "--- <name>" lines; text before the first section
// is a comment. Sections:
//   event          the event as JSON (default {})
//   now            processing time for now(), ISO-8601 (default 2024-01-01T00:00:00Z)
//   expression     the expression text (may span lines)
//   result         the expected value, as JSON (timestamps as ISO-8601 strings)
//   compile error  the expected Status message of Expression::compile
//   eval error     the expected Status message of the evaluation
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {
namespace {

namespace fs = std::filesystem;

fs::path golden_dir() {
  const char* source = std::getenv("CAUDAL_SOURCE_DIR");
  return fs::path(source != nullptr ? source : CAUDAL_SOURCE_DIR_FALLBACK) / "src" / "pipeline" /
         "expr" / "tests" / "golden";
}

std::map<std::string, std::string> read_sections(const fs::path& file) {
  std::ifstream in(file);
  std::map<std::string, std::string> sections;
  std::string line;
  std::string current;
  while (std::getline(in, line)) {
    if (line.rfind("--- ", 0) == 0) {
      current = line.substr(4);
      sections[current];
      continue;
    }
    if (current.empty()) continue;
    std::string& text = sections[current];
    if (!text.empty()) text += '\n';
    text += line;
  }
  for (auto& [name, text] : sections) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  }
  return sections;
}

// "" when equal, else a description of the first difference.
std::string difference(const std::string& expected, const std::string& actual) {
  if (expected == actual) return {};
  size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  std::ostringstream out;
  out << "\n  - expected: " << expected << "\n  + actual:   " << actual
      << "\n    first difference at character " << at + 1;
  return out.str();
}

// What running the case gives, in the same shape as its expectation.
std::pair<std::string, std::string> run_case(const std::map<std::string, std::string>& sections) {
  auto section = [&](const std::string& name, std::string fallback) {
    auto it = sections.find(name);
    return it == sections.end() ? fallback : it->second;
  };
  auto compiled = Expression::compile(section("expression", ""));
  if (!compiled.ok()) return {"compile error", compiled.status().message()};
  EventBatch batch;
  auto now = parse_iso8601(section("now", "2024-01-01T00:00:00Z"));
  if (!now.ok()) return {"bad case", "now: " + now.status().message()};
  batch.set_processing_time(*now);
  auto index = batch.append_json(section("event", "{}"), SourcePosition{});
  if (!index.ok()) return {"bad case", "event: " + index.status().message()};
  auto value = compiled->evaluate(batch, *index);
  if (!value.ok()) return {"eval error", value.status().message()};
  std::string json;
  write_json(*value, json);
  return {"result", json};
}

TEST(ExpressionGoldenTest, EveryCase) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() == ".case") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 60u) << "golden cases in " << golden_dir();
  for (const fs::path& file : files) {
    auto sections = read_sections(file);
    std::string expected_kind;
    for (const char* kind : {"result", "compile error", "eval error"}) {
      if (sections.count(kind) != 0) expected_kind = kind;
    }
    ASSERT_FALSE(expected_kind.empty())
        << file.filename() << ": needs a 'result', 'compile error' or 'eval error' section";
    auto [kind, actual] = run_case(sections);
    EXPECT_EQ(kind, expected_kind) << file.filename() << ": expected a " << expected_kind
                                   << ", got a " << kind << ": " << actual;
    if (kind == expected_kind) {
      EXPECT_EQ(difference(sections[expected_kind], actual), "") << file.filename();
    }
  }
}

}  // namespace
}  // namespace caudal::pipeline
