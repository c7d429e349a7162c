// Golden tests of the pipeline language: each folder under golden/ is one case, run through
// the same code as `caudal pipeline test` (compile_pipeline + dry_run, lookups from real
// tables):
//
//   pipeline.yaml             a whole caudal.yaml with exactly one pipeline
//   input.ndjson              the events, one per line (a line that is not JSON is fine);
//                             `#` lines are dry-run directives (source topic, partition,
//                             record timestamp, processing time, ticks: dry_run.h)
//   expected/<sink>.ndjson    what each sink that gets records gets, by SinkSpec::label()
//                             ("OUT", "stdout", "table.state"); keyed records as
//                             {"key":K,"value":EVENT}
//   expected/dead_letter.ndjson  the dead-letter envelopes
//   expected/error.txt        instead of the above: the load-time error, file named
//                             "pipeline.yaml"
//   other files               tables the case's config reads (customers.csv, ...)
//
// A sink with no records has no file. now() is 2024-01-01T00:00:00Z. On a mismatch the test
// prints both sides line by line. CAUDAL_UPDATE_GOLDEN=1 rewrites the expected files (review
// the diff).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/metrics/registry.h"
#include "config/config.h"
#include "pipeline/definition.h"
#include "pipeline/dry_run.h"
#include "server/table_options_mapping.h"
#include "table/catalog.h"

namespace caudal::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = int64_t{1704067200} * 1'000'000'000;  // 2024-01-01T00:00:00Z

fs::path golden_dir() { return fs::path(CAUDAL_SOURCE_ROOT) / "src/pipeline/tests/golden"; }

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

bool updating() {
  const char* update = std::getenv("CAUDAL_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(golden_dir())) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// "-" and "+" lines where the two texts differ, for the failure message.
std::string line_diff(const std::string& expected, const std::string& actual) {
  auto split = [](const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
  };
  const std::vector<std::string> a = split(expected);
  const std::vector<std::string> b = split(actual);
  std::string out;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string* x = i < a.size() ? &a[i] : nullptr;
    const std::string* y = i < b.size() ? &b[i] : nullptr;
    if (x != nullptr && y != nullptr && *x == *y) {
      out += fmt::format("  {:>3} {}\n", i + 1, *x);
      continue;
    }
    if (x != nullptr) out += fmt::format("- {:>3} {}\n", i + 1, *x);
    if (y != nullptr) out += fmt::format("+ {:>3} {}\n", i + 1, *y);
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// The outcome of a case as files: name -> content.
std::map<std::string, std::string> run_case(const fs::path& dir) {
  std::map<std::string, std::string> files;
  const std::string prefix = (dir / "").string();
  auto error = [&](const Status& status) {
    std::string message = status.message();
    for (size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    files["error.txt"] = message + "\n";
    return files;
  };
  Result<config::Config> loaded =
      config::load_config_file(dir / "pipeline.yaml", config::MapEnvironment());
  if (!loaded.ok()) return error(loaded.status());
  if (loaded->pipelines.size() != 1) {
    ADD_FAILURE() << dir << ": pipeline.yaml must declare exactly one pipeline";
    return files;
  }
  metrics::Registry registry;
  table::CatalogOptions options = server::to_catalog_options(*loaded);
  options.store_path.reset();
  options.materialized_tables.clear();
  Result<std::unique_ptr<table::Catalog>> catalog = table::Catalog::open(std::move(options), registry);
  if (!catalog.ok()) return error(catalog.status());
  Result<std::unique_ptr<PipelineDefinition>> definition =
      compile_pipeline(*loaded, loaded->pipelines.begin()->first, catalog->get());
  if (!definition.ok()) return error(definition.status());
  std::ifstream input(dir / "input.ndjson");
  const DryRunOutput output = dry_run(**definition, input, kNow);
  if (!output.error.empty()) files["error.txt"] = "input.ndjson: " + output.error + "\n";
  for (const CapturedSink& sink : output.sinks) {
    if (!sink.records.empty()) files[sink.label + ".ndjson"] += joined(sink.records);
  }
  if (!output.dead_letters.records.empty()) files["dead_letter.ndjson"] = joined(output.dead_letters.records);
  return files;
}

class PipelineGoldenTest : public testing::TestWithParam<std::string> {};

TEST_P(PipelineGoldenTest, OutputMatchesExpected) {
  const fs::path dir = golden_dir() / GetParam();
  const std::map<std::string, std::string> actual = run_case(dir);
  const fs::path expected_dir = dir / "expected";
  if (updating()) {
    fs::remove_all(expected_dir);
    for (const auto& [name, content] : actual) write_text(expected_dir / name, content);
    return;
  }
  std::map<std::string, std::string> expected;
  if (fs::exists(expected_dir)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(expected_dir)) {
      expected[entry.path().filename().string()] = read_text(entry.path());
    }
  }
  for (const auto& [name, content] : expected) {
    auto it = actual.find(name);
    if (it == actual.end()) {
      ADD_FAILURE() << GetParam() << ": expected/" << name << " is expected but nothing was produced:\n"
                    << line_diff(content, "");
    } else if (it->second != content) {
      ADD_FAILURE() << GetParam() << ": expected/" << name << " differs (- expected, + actual):\n"
                    << line_diff(content, it->second);
    }
  }
  for (const auto& [name, content] : actual) {
    if (!expected.contains(name)) {
      ADD_FAILURE() << GetParam() << ": produced " << name << " with no expected file:\n"
                    << line_diff("", content);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PipelineGoldenTest, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& case_info) {
                           std::string name = case_info.param;
                           std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name;
                         });

TEST(PipelineGoldenCorpus, HasEnoughCases) { EXPECT_GE(case_names().size(), 60u); }

}  // namespace
}  // namespace caudal::pipeline
