#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/errc.h"
#include "http/handlers/tables.h"
#include "http/routes.h"
#include "http/tests/route_call.h"

namespace caudal::http {
namespace {

// Tables held in maps: enough to pin down what the routes answer.
class FakeTables final : public TableQueries {
 public:
  std::map<std::string, std::map<std::string, std::string>, std::less<>> tables;
  mutable size_t last_limit = 0;

  std::vector<Summary> list() const override {
    std::vector<Summary> out;
    for (const auto& [name, rows] : tables) {
      out.push_back({name, name == "customers" ? "lookup" : "materialized", rows.size(),
                     name == "customers" ? "csv customers.csv" : ""});
    }
    return out;
  }
  Result<std::optional<Row>> get(std::string_view table, std::string_view key) const override {
    auto t = tables.find(table);
    if (t == tables.end()) return Status(caudal::Errc::kNotFound, "no table 'x'");
    auto r = t->second.find(std::string(key));
    if (r == t->second.end()) return std::optional<Row>();
    return std::optional<Row>(Row{r->first, r->second, std::nullopt});
  }
  Result<Page> scan(std::string_view table, std::string_view prefix, std::string_view after,
                    size_t limit) const override {
    last_limit = limit;
    auto t = tables.find(table);
    if (t == tables.end()) {
      return Status(caudal::Errc::kNotFound, fmt::format("no table named '{}'", table));
    }
    Page page;
    for (const auto& [key, json] : t->second) {
      if (!key.starts_with(prefix) || key <= after) continue;
      if (page.rows.size() == limit) {
        page.next = page.rows.back().key;
        break;
      }
      page.rows.push_back({key, json, 7});
    }
    return page;
  }
};

class TablesRouteTest : public ::testing::Test {
 protected:
  TablesRouteTest() {
    tables_.tables["customers"] = {{"1", R"({"id":1,"name":"Ada"})"},
                                   {"2", R"({"id":2,"name":"Bo"})"}};
    tables_.tables["sensor_state"] = {{"a/1", R"({"s":"ok"})"}, {"a/2", "{}"}, {"b", "[]"}};
  }

  Response get(const std::string& target, const TableQueries* tables) {
    RouteContext context;
    context.tables = tables;
    return get_through_routes(context, target);
  }
  Response get(const std::string& target) { return get(target, &tables_); }

  FakeTables tables_;
};

TEST_F(TablesRouteTest, ListsTables) {
  Response r = get("/v1/tables");
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_EQ(
      r.body(),
      R"({"tables":[{"name":"customers","kind":"lookup","rows":2,"source":"csv customers.csv"},)"
      R"({"name":"sensor_state","kind":"materialized","rows":3}]})");
}

TEST_F(TablesRouteTest, GetsOneRowAsItsDocument) {
  Response r = get("/v1/tables/customers/2");
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_EQ(r.body(), R"({"id":2,"name":"Bo"})");
  EXPECT_EQ(r[boost::beast::http::field::content_type], "application/json");
  // A key with a slash travels percent-encoded.
  EXPECT_EQ(get("/v1/tables/sensor_state/a%2F1").body(), R"({"s":"ok"})");
}

TEST_F(TablesRouteTest, MissingTableOrKeyIs404SayingWhich) {
  Response key = get("/v1/tables/customers/9");
  EXPECT_EQ(key.result(), StatusCode::not_found);
  EXPECT_EQ(key.body(), R"({"error":{"status":404,"type":"unknown_key",)"
                        R"("reason":"table 'customers' has no row with key '9'"}})");
  Response table = get("/v1/tables/nope?limit=5");
  EXPECT_EQ(table.result(), StatusCode::not_found);
  EXPECT_EQ(table.body(), R"({"error":{"status":404,"type":"unknown_table",)"
                          R"("reason":"no table named 'nope'"}})");
}

TEST_F(TablesRouteTest, ScansPagesWithPrefixAndCursor) {
  Response first = get("/v1/tables/sensor_state?prefix=a%2F&limit=1");
  EXPECT_EQ(first.result(), StatusCode::ok);
  EXPECT_EQ(first.body(), R"({"table":"sensor_state","rows":[{"key":"a/1","version":7,)"
                          R"("value":{"s":"ok"}}],"next":"a/1"})");
  Response second = get("/v1/tables/sensor_state?prefix=a/&limit=1&after=a/1");
  EXPECT_EQ(second.body(), R"({"table":"sensor_state","rows":[{"key":"a/2","version":7,)"
                           R"("value":{}}],"next":null})");
  get("/v1/tables/customers");
  EXPECT_EQ(tables_.last_limit, kDefaultTableScanLimit);
  get("/v1/tables/customers?limit=10000");
  EXPECT_EQ(tables_.last_limit, 10000u);
}

TEST_F(TablesRouteTest, BadLimitIs400) {
  for (const char* limit : {"0", "10001", "abc", "5x", "-1", ""}) {
    Response r = get(std::string("/v1/tables/customers?limit=") + limit);
    EXPECT_EQ(r.result(), StatusCode::bad_request) << limit;
    EXPECT_NE(r.body().find("limit must be a whole number from 1 to 10000"), std::string::npos)
        << r.body();
  }
}

TEST_F(TablesRouteTest, NoTablesIs503) {
  EXPECT_EQ(get("/v1/tables", nullptr).result(), StatusCode::service_unavailable);
  EXPECT_EQ(get("/v1/tables/x/y", nullptr).result(), StatusCode::service_unavailable);
}

}  // namespace
}  // namespace caudal::http
