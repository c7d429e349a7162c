// Golden tests for rejected configurations: each data/invalid/NN_name.yaml is parsed as
// "caudal.yaml" and the whole error message must equal NN_name.expected. An optional
// NN_name.env holds NAME=value lines for ${VAR} substitution.
//
// To rewrite the .expected files after a deliberate change to messages, run the test with
// CAUDAL_UPDATE_GOLDEN=1 and review the diff.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"
#include "config/errc.h"

namespace caudal::config {
namespace {

namespace fs = std::filesystem;

fs::path invalid_dir() {
  return fs::path(CAUDAL_SOURCE_ROOT) / "src/config/tests/data/invalid";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(invalid_dir())) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

MapEnvironment read_env(const fs::path& path) {
  MapEnvironment::Variables vars;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) vars.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return MapEnvironment(std::move(vars));
}

class InvalidConfigTest : public testing::TestWithParam<std::string> {};

TEST_P(InvalidConfigTest, MessageMatchesGolden) {
  const fs::path base = invalid_dir() / GetParam();
  const MapEnvironment env = read_env(fs::path(base).replace_extension(".env"));
  const Result<Config> result =
      parse_config(read_text(fs::path(base).replace_extension(".yaml")), "caudal.yaml", env);
  ASSERT_FALSE(result.ok()) << GetParam() << " was accepted";
  EXPECT_EQ(result.status().code(), make_error_code(Errc::kInvalid));

  const fs::path expected_path = fs::path(base).replace_extension(".expected");
  if (std::getenv("CAUDAL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << result.status().message() << "\n";
  }
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing";
  std::string expected = read_text(expected_path);
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(result.status().message(), expected);
}

INSTANTIATE_TEST_SUITE_P(Golden, InvalidConfigTest, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) {
                                 return std::isalnum(static_cast<unsigned char>(c)) == 0;
                               },
                               '_');
                           return name;
                         });

// The issue asks for at least a dozen malformed configurations; keep it that way.
TEST(InvalidConfigCorpus, HasEnoughCases) {
  EXPECT_GE(case_names().size(), 12u);
}

}  // namespace
}  // namespace caudal::config
