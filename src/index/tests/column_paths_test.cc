// The column paths of a search (sorting by a number through the columns' run summaries, range
// and numeric term filters as column scans, terms counted by ordinal, constant scores) checked
// against answers computed directly from the documents: several segments larger than a
// column run, values missing in some documents, ties, and documents replaced by later ones.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "index/index.h"
#include "index/search.h"

namespace caudal::index {
namespace {

struct ModelDoc {
  std::string id;
  std::optional<int64_t> n;  // long, many ties, missing in about one document of nine
  std::optional<double> x;   // double, missing in about one of five, close values
  int64_t g = 0;             // long, a step every 1,000 documents: runs wholly in or out
  int64_t t = 0;             // date, mostly increasing
  std::string host;
};

class ColumnPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("caudal-column-paths-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    IndexOptions options;
    options.name = "web";
    options.dir = dir_;
    options.timestamp_field = "t";
    index_ = std::move(Index::open(options)).value();
    uint64_t state = 12345;
    auto next = [&state](uint64_t bound) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return (state >> 33) % bound;
    };
    int64_t offset = 0;
    // Segments of 2,500, 3,100 and 700 documents; every 50th document carries an id that a
    // document of a later segment replaces.
    for (size_t size : {2500u, 3100u, 700u}) {
      for (size_t i = 0; i < size; ++i, ++offset) {
        ModelDoc doc;
        const bool replacing = offset >= 2500 && offset % 50 == 7;
        doc.id = replacing ? fmt::format("k{}", (offset - 2500) / 50 * 50)
                 : offset % 50 == 0 ? fmt::format("k{}", offset)
                                    : fmt::format("0-{}", offset);
        if (next(9) != 0) doc.n = static_cast<int64_t>(next(300));
        if (next(5) != 0) doc.x = static_cast<double>(next(1000)) / 8.0;
        doc.g = offset / 1000;
        doc.t = 1'700'000'000'000 + offset * 1000 + (next(10) == 0 ? -5000 : 0);
        doc.host = fmt::format("web-{}", next(7));
        std::string json =
            fmt::format(R"({{"t":{},"host":"{}","g":{})", doc.t, doc.host, doc.g);
        if (doc.n) json += fmt::format(R"(,"n":{})", *doc.n);
        if (doc.x) json += fmt::format(R"(,"x":{:.3f})", *doc.x);
        json += "}";
        const bool keyed = doc.id[0] == 'k';
        index_->add(0, offset, 0, keyed ? std::optional<std::string_view>(doc.id) : std::nullopt,
                    json);
        if (keyed) {
          std::erase_if(docs_, [&](const ModelDoc& d) { return d.id == doc.id; });
        }
        docs_.push_back(std::move(doc));
      }
      EXPECT_TRUE(index_->refresh().ok());
    }
  }
  void TearDown() override {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }

  Json search(const std::string& body) {
    auto json = parse_json(body);
    EXPECT_TRUE(json.ok()) << body;
    auto result = run_search({index_->snapshot()}, *json, {}, SearchLimits{}, 0, false);
    EXPECT_TRUE(result.ok()) << body << ": " << result.status().message();
    return result.ok() ? std::move(*result) : Json::object();
  }

  static std::vector<std::string> ids(const Json& response) {
    std::vector<std::string> out;
    for (const Json& hit : response.find("hits")->find("hits")->items()) {
      out.push_back(hit.find("_id")->as_string());
    }
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Index> index_;
  std::vector<ModelDoc> docs_;  // live documents in index order
};

TEST_F(ColumnPathsTest, SortByNumberIsTheOrderOfTheValues) {
  using Value = std::optional<double>;
  const std::map<std::string, std::function<Value(const ModelDoc&)>> fields = {
      {"n", [](const ModelDoc& d) { return d.n ? Value(static_cast<double>(*d.n)) : Value(); }},
      {"x", [](const ModelDoc& d) { return d.x; }},
      {"t", [](const ModelDoc& d) { return Value(static_cast<double>(d.t)); }},
      {"g", [](const ModelDoc& d) { return Value(static_cast<double>(d.g)); }},
  };
  for (const auto& [field, value_of] : fields) {
    for (const char* order : {"asc", "desc"}) {
      for (bool missing_first : {false, true}) {
        for (size_t size : {1u, 10u, 333u, 7000u}) {
          // Index order already breaks ties, so a stable sort by value is the expected order.
          std::vector<ModelDoc> expected = docs_;
          std::stable_sort(expected.begin(), expected.end(), [&](const ModelDoc& a,
                                                                 const ModelDoc& b) {
            const Value va = value_of(a), vb = value_of(b);
            if (!va || !vb) return missing_first ? !va && vb : va && !vb;
            return std::string_view(order) == "asc" ? *va < *vb : *va > *vb;
          });
          expected.resize(std::min(expected.size(), size));
          std::vector<std::string> want;
          for (const ModelDoc& d : expected) want.push_back(d.id);
          const Json response = search(fmt::format(
              R"({{"size":{},"_source":false,"sort":[{{"{}":{{"order":"{}"{}}}}}]}})", size, field,
              order,
              missing_first ? R"(,"missing":"_first")" : ""));
          EXPECT_EQ(ids(response), want) << field << " " << order << " " << size;
        }
      }
    }
  }
}

TEST_F(ColumnPathsTest, SortValuesAndFilteredSortsAreThoseOfTheDocuments) {
  const Json response =
      search(R"({"size":3,"query":{"range":{"n":{"lt":100}}},"sort":[{"x":"desc"}]})");
  std::vector<ModelDoc> expected;
  for (const ModelDoc& d : docs_) {
    if (d.n && *d.n < 100 && d.x) expected.push_back(d);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const ModelDoc& a, const ModelDoc& b) { return *a.x > *b.x; });
  const auto& hits = response.find("hits")->find("hits")->items();
  ASSERT_EQ(hits.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(hits[i].find("_id")->as_string(), expected[i].id);
    EXPECT_DOUBLE_EQ(hits[i].find("sort")->items()[0].as_double(), *expected[i].x);
  }
  const Json by_time = search(R"({"size":1,"sort":[{"t":"desc"}]})");
  EXPECT_TRUE(by_time.find("hits")->find("hits")->items()[0].find("sort")->items()[0].is_int());
}

TEST_F(ColumnPathsTest, RangesAndNumericTermsCountTheDocumentsWithin) {
  struct Case {
    std::string body;
    std::function<bool(const ModelDoc&)> holds;
  };
  const int64_t t0 = 1'700'000'000'000;
  const std::vector<Case> cases = {
      {R"({"range":{"n":{"gte":100}}})", [](const ModelDoc& d) { return d.n && *d.n >= 100; }},
      {R"({"range":{"n":{"gt":100,"lte":150}}})",
       [](const ModelDoc& d) { return d.n && *d.n > 100 && *d.n <= 150; }},
      {R"({"range":{"n":{"lt":0}}})", [](const ModelDoc&) { return false; }},
      {R"({"range":{"x":{"gte":100.125,"lt":5000}}})",
       [](const ModelDoc& d) { return d.x && *d.x >= 100.125 && *d.x < 5000; }},
      // Whole runs inside, whole runs outside, and the runs at both edges.
      {fmt::format(R"({{"range":{{"t":{{"gte":{},"lt":{}}}}}}})", t0 + 1'000'000, t0 + 4'500'500),
       [&](const ModelDoc& d) { return d.t >= t0 + 1'000'000 && d.t < t0 + 4'500'500; }},
      {R"({"range":{"g":{"gte":3}}})", [](const ModelDoc& d) { return d.g >= 3; }},
      {R"({"range":{"g":{"gt":1,"lte":4}}})", [](const ModelDoc& d) { return d.g > 1 && d.g <= 4; }},
      {R"({"term":{"g":2}})", [](const ModelDoc& d) { return d.g == 2; }},
      {R"({"term":{"n":42}})", [](const ModelDoc& d) { return d.n && *d.n == 42; }},
      {R"({"term":{"n":0}})", [](const ModelDoc& d) { return d.n && *d.n == 0; }},
  };
  for (const Case& c : cases) {
    const int64_t expected = std::count_if(docs_.begin(), docs_.end(), c.holds);
    const Json response = search(R"({"size":0,"track_total_hits":true,"query":)" + c.body + "}");
    EXPECT_EQ(response.find("hits")->find("total")->find("value")->as_int(), expected) << c.body;
  }
}

TEST_F(ColumnPathsTest, TermsCountByValueUnderAFilterWithSubAggregations) {
  const Json response = search(
      R"({"size":0,"query":{"range":{"n":{"gte":150}}},
          "aggs":{"hosts":{"terms":{"field":"host","size":3},"aggs":{"x":{"sum":{"field":"x"}}}}}})");
  std::map<std::string, std::pair<int64_t, double>> expected;
  for (const ModelDoc& d : docs_) {
    if (!d.n || *d.n < 150) continue;
    ++expected[d.host].first;
    expected[d.host].second += d.x.value_or(0);
  }
  std::vector<std::pair<std::string, std::pair<int64_t, double>>> top(expected.begin(),
                                                                       expected.end());
  std::stable_sort(top.begin(), top.end(),
                   [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  const auto& buckets = response.find("aggregations")->find("hosts")->find("buckets")->items();
  ASSERT_EQ(buckets.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(buckets[i].find("key")->as_string(), top[i].first);
    EXPECT_EQ(buckets[i].find("doc_count")->as_int(), top[i].second.first);
    EXPECT_NEAR(buckets[i].find("x")->find("value")->as_double(), top[i].second.second, 1e-6);
  }
}

TEST_F(ColumnPathsTest, FiltersScoreTheirBoostWithoutScoringEachDocument) {
  const Json range = search(R"({"size":2,"query":{"range":{"n":{"gte":10,"boost":2.5}}}})");
  EXPECT_DOUBLE_EQ(range.find("hits")->find("max_score")->as_double(), 2.5);
  for (const Json& hit : range.find("hits")->find("hits")->items()) {
    EXPECT_DOUBLE_EQ(hit.find("_score")->as_double(), 2.5);
  }
  const Json filtered = search(R"({"size":1,"query":{"bool":{"filter":{"term":{"n":5}}}}})");
  EXPECT_DOUBLE_EQ(filtered.find("hits")->find("max_score")->as_double(), 0.0);
  const Json term = search(R"({"size":1,"query":{"term":{"n":{"value":5,"boost":3}}}})");
  EXPECT_DOUBLE_EQ(term.find("hits")->find("max_score")->as_double(), 3.0);
}

}  // namespace
}  // namespace caudal::index
