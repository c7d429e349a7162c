#include "server/table_queries.h"

#include <fstream>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "common/errc.h"
#include "http/routes.h"

namespace caudal::server {
namespace {

class TableQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "caudal-tq-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    std::ofstream(dir_ / "customers.csv") << "id,name\n3,Cy\n1,Ada\n2,Bo\n";
    table::CatalogOptions options;
    options.lookup_tables.push_back(
        table::LookupTableOptions{.name = "customers",
                                  .source = table::CsvSource{dir_ / "customers.csv"},
                                  .key_column = "id"});
    options.store_path = dir_ / "state" / "tables";
    auto catalog = table::Catalog::open(std::move(options), registry_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();
    catalog_ = std::move(catalog).value();
    auto state = catalog_->materialized("sensor_state");
    ASSERT_TRUE(state.ok());
    // Filled through the table API, as the pipeline's table sink fills it.
    ASSERT_TRUE((*state)
                    ->put(std::vector<table::TablePut>{{"s-1", R"({"state":"motion"})", 4},
                                                       {"s-2", R"({"state":"normal"})", 5}},
                          table::Durability::kSync)
                    .ok());
    queries_ = std::make_unique<CatalogQueries>(*catalog_);
  }
  void TearDown() override {
    queries_.reset();
    catalog_.reset();
    std::filesystem::remove_all(dir_);
  }

  // GET `target` through the real route table.
  http::Response get(const std::string& target) {
    http::RouteContext context;
    context.tables = queries_.get();
    const http::Router router(http::build_routes(context));
    http::Request request(http::Verb::get, target, 11);
    http::Router::Match match = router.match(http::Verb::get, target);
    EXPECT_NE(match.route, nullptr) << target;
    const std::string client = "127.0.0.1";
    boost::asio::io_context loop;
    http::Response response;
    match.route->handler(
        http::Incoming{request, match.params, client, loop.get_executor()},
        http::Responder([&response](http::Response r) { response = std::move(r); }));
    return response;
  }

  std::filesystem::path dir_;
  metrics::Registry registry_;
  std::unique_ptr<table::Catalog> catalog_;
  std::unique_ptr<CatalogQueries> queries_;
};

TEST_F(TableQueriesTest, ListsBothKinds) {
  auto list = queries_->list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "customers");
  EXPECT_EQ(list[0].kind, "lookup");
  EXPECT_EQ(list[0].rows, 3u);
  EXPECT_EQ(list[0].source, "csv " + (dir_ / "customers.csv").string());
  EXPECT_EQ(list[1].name, "sensor_state");
  EXPECT_EQ(list[1].kind, "materialized");
  EXPECT_EQ(list[1].rows, 2u);
}

TEST_F(TableQueriesTest, GetsFromEitherKind) {
  auto ada = queries_->get("customers", "1");
  ASSERT_TRUE(ada.ok());
  EXPECT_EQ((*ada)->json, R"({"id":1,"name":"Ada"})");
  auto sensor = queries_->get("sensor_state", "s-2");
  ASSERT_TRUE(sensor.ok());
  EXPECT_EQ((*sensor)->json, R"({"state":"normal"})");
  EXPECT_EQ((*sensor)->version, 5u);
  EXPECT_FALSE(queries_->get("customers", "9")->has_value());
  auto unknown = queries_->get("nope", "1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), caudal::Errc::kNotFound);
  EXPECT_EQ(unknown.status().message(), "no table named 'nope'");
  EXPECT_NE(registry_.render().find("caudal_table_lookup_misses_total{table=\"customers\"} 1"),
            std::string::npos);
}

TEST_F(TableQueriesTest, PagesALookupTable) {
  auto first = queries_->scan("customers", "", "", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->rows.size(), 2u);
  EXPECT_EQ(first->rows[0].key, "1");
  EXPECT_EQ(first->rows[1].key, "2");
  ASSERT_EQ(first->next, "2");
  auto second = queries_->scan("customers", "", *first->next, 2);
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_EQ(second->rows[0].key, "3");
  EXPECT_EQ(second->next, std::nullopt);
  EXPECT_EQ(queries_->scan("nope", "", "", 2).status().code(), caudal::Errc::kNotFound);
}

TEST_F(TableQueriesTest, ServesAMaterializedTableOverTheRoutes) {
  http::Response row = get("/v1/tables/sensor_state/s-1");
  EXPECT_EQ(row.result(), http::StatusCode::ok);
  EXPECT_EQ(row.body(), R"({"state":"motion"})");
  http::Response page = get("/v1/tables/sensor_state?prefix=s-&limit=1");
  EXPECT_EQ(page.body(), R"({"table":"sensor_state","rows":[{"key":"s-1","version":4,)"
                         R"("value":{"state":"motion"}}],"next":"s-1"})");
  http::Response missing = get("/v1/tables/sensor_state/s-9");
  EXPECT_EQ(missing.result(), http::StatusCode::not_found);
  http::Response list = get("/v1/tables");
  EXPECT_NE(list.body().find(R"({"name":"sensor_state","kind":"materialized","rows":2})"),
            std::string::npos)
      << list.body();
}

}  // namespace
}  // namespace caudal::server
