// Golden query tests: each tests/golden/NNN_name.json holds one request (method, path with
// its query string, optional body) against the golden dataset (golden_dataset.h) and the
// whole expected response, written from Elasticsearch's documented semantics. The documents
// go the real way: appended to topics of a real log, indexed by the feeders, searched through
// index::api::EsApi. "took" is not compared; numbers are compared to 9 significant digits.
//
// After a deliberate change, CAUDAL_UPDATE_GOLDEN=1 rewrites the expected responses; review
// the diff. CAUDAL_GOLDEN_DUMP=dir writes the dataset there as NDJSON, for checking
// expectations with other tools.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/metrics/registry.h"
#include "golden_dataset.h"
#include "index/api/es_api.h"
#include "index/catalog.h"
#include "log/log.h"
#include "log/record_batch_builder.h"

namespace caudal::index {
namespace {

const std::filesystem::path kCases =
    std::filesystem::path(CAUDAL_SOURCE_ROOT) / "src/index/tests/golden";

// Index name, topic, documents.
struct Dataset {
  std::string index;
  std::string topic;
  std::vector<golden::GoldenDoc> docs;
};

std::vector<Dataset> datasets() {
  return {{"web", "weblogs", golden::web_logs()},
          {"social-tweets", "tweets", golden::tweets()},
          {"social-news", "news", golden::news()}};
}

class Environment {
 public:
  Environment() {
    dir_ = std::filesystem::temp_directory_path() / fmt::format("caudal-golden-{}", ::getpid());
    std::filesystem::remove_all(dir_);
    log::LogOptions options;
    options.data_dir = dir_;
    log_ = std::move(log::Log::open(options)).value();
    std::vector<IndexDefinition> definitions;
    const char* dump = std::getenv("CAUDAL_GOLDEN_DUMP");
    for (const Dataset& set : datasets()) {
      log::TopicSettings settings;
      CAUDAL_CHECK(log_->create_topic(set.topic, settings).ok(), "create topic");
      auto partition = std::move(log_->partition(set.topic, log::PartitionId(0))).value();
      std::ofstream out;
      if (dump != nullptr) out.open(std::filesystem::path(dump) / (set.index + ".ndjson"));
      for (size_t first = 0; first < set.docs.size(); first += 100) {
        log::RecordBatchBuilder builder;
        for (size_t i = first; i < std::min(set.docs.size(), first + 100); ++i) {
          const golden::GoldenDoc& doc = set.docs[i];
          std::optional<ByteView> key;
          if (doc.id) key = as_bytes(*doc.id);
          builder.append(1'700'000'000'000, key, as_bytes(doc.json));
          if (out.is_open()) out << (doc.id ? *doc.id : "") << '\t' << doc.json << '\n';
        }
        auto batch = builder.build();
        CAUDAL_CHECK(batch.ok() && partition->append(*batch).ok(), "append");
      }
      IndexDefinition definition;
      definition.options.name = set.index;
      definition.options.timestamp_field = "@timestamp";
      definition.feeder.topic = set.topic;
      definitions.push_back(std::move(definition));
    }
    catalog_ =
        std::move(Catalog::open(dir_ / "index", std::move(definitions), *log_, registry_)).value();
    CAUDAL_CHECK(catalog_->refresh("*").ok(), "refresh");
    // "now" is fixed so that date math in the cases is reproducible.
    clock_ = std::make_unique<ManualClock>(std::chrono::system_clock::time_point(
        std::chrono::milliseconds(1'709'337'600'000)));  // 2024-03-02T00:00:00Z
    api_ = std::make_unique<api::EsApi>(*catalog_, SearchLimits{}, *clock_);
  }
  ~Environment() {
    catalog_.reset();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  api::EsResponse call(const std::string& method, const std::string& path,
                       const std::string& body) {
    const size_t question = path.find('?');
    std::string route = path.substr(0, question);
    UriParams params;
    if (question != std::string::npos) {
      std::string_view query = std::string_view(path).substr(question + 1);
      while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const size_t eq = pair.find('=');
        params[std::string(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
      }
    }
    // "/{indices}/_endpoint" or "/_endpoint"
    std::string indices, endpoint = route;
    if (route.size() > 1 && route[1] != '_') {
      const size_t slash = route.find('/', 1);
      indices = route.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
      endpoint = slash == std::string::npos ? "" : route.substr(slash);
    }
    if (endpoint == "/_search") return api_->search(indices, body, params, false);
    if (endpoint == "/_count") return api_->search(indices, body, params, true);
    if (endpoint == "/_mapping") return api_->mapping(indices, params);
    if (endpoint.starts_with("/_cat/indices")) {
      if (endpoint.size() > 14) indices = endpoint.substr(14);
      return api_->cat_indices(indices, params);
    }
    if (endpoint.empty() && method == "GET") return api_->get_index(indices, params);
    return api::EsResponse{599, "unsupported path in golden case: " + path};
  }

 private:
  std::filesystem::path dir_;
  metrics::Registry registry_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<api::EsApi> api_;
};

Environment& environment() {
  static Environment* env = new Environment();
  return *env;
}

// Drops "took" and rounds numbers, so the comparison is about what Elasticsearch specifies.
Json normalize(const Json& value) {
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, child] : value.members()) {
      if (key != "took") out.set(key, normalize(child));
    }
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& child : value.items()) out.push(normalize(child));
    return out;
  }
  if (value.kind() == Json::Kind::kDouble && value.as_double() != 0) {
    const double v = value.as_double();
    const double scale = std::pow(10.0, 8 - std::floor(std::log10(std::fabs(v))));
    return Json::number(std::round(v * scale) / scale);
  }
  return value;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ResponseMatches) {
  const std::filesystem::path file = kCases / (GetParam() + ".json");
  std::ifstream in(file);
  ASSERT_TRUE(in.is_open()) << file;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto spec = parse_json(text);
  ASSERT_TRUE(spec.ok()) << file << ": " << spec.status().message();
  const Json* method = spec->find("method");
  const Json* path = spec->find("path");
  ASSERT_TRUE(method && path) << file << ": needs method and path";
  const Json* body = spec->find("body");
  const api::EsResponse response = environment().call(method->as_string(), path->as_string(),
                                                      body == nullptr     ? std::string()
                                                      : body->is_string() ? body->as_string()
                                                                          : body->dump());
  Json actual = Json::object();
  actual.set("status", Json::integer(response.status));
  if (response.content_type.starts_with("application/json")) {
    auto parsed = parse_json(response.body);
    ASSERT_TRUE(parsed.ok()) << response.body;
    actual.set("body", normalize(*parsed));
  } else {
    actual.set("text", Json::string(response.body));
  }
  if (std::getenv("CAUDAL_UPDATE_GOLDEN") != nullptr) {
    Json updated = Json::object();
    for (const auto& [key, value] : spec->members()) {
      if (key != "expected") updated.set(key, value);
    }
    updated.set("expected", actual);
    std::ofstream(file) << updated.dump(true) << '\n';
    return;
  }
  const Json* expected = spec->find("expected");
  ASSERT_NE(expected, nullptr) << file << ": no expected response";
  EXPECT_EQ(normalize(*expected).dump(true), actual.dump(true)) << file;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kCases)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(case_names()),
                         [](const auto& param_info) { return param_info.param; });

TEST(GoldenSuiteTest, HasEnoughCases) {
  EXPECT_GE(case_names().size(), 80u);
}

}  // namespace
}  // namespace caudal::index
