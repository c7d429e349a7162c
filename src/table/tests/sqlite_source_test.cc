#include <gtest/gtest.h>
#include <sqlite3.h>

#include "table/errc.h"
#include "table/lookup_table.h"
#include "table/tests/temp_dir.h"

namespace caudal::table {
namespace {

class SqliteSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() / "sites.db";
    exec(
        "CREATE TABLE sites (id INTEGER PRIMARY KEY, name TEXT, lat REAL, zone TEXT);"
        "INSERT INTO sites VALUES (1, 'Oslo', 59.9, 'North'), (2, 'Rome', 41.9, NULL),"
        " (3, 'Lima', -12, 'SouthAmerica');"
        "CREATE TABLE \"odd \"\"name\"\"\" (k TEXT, v INTEGER); INSERT INTO \"odd \"\"name\"\"\" "
        "VALUES ('a', 1);");
  }

  void exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  Result<std::unique_ptr<LookupTable>> open(SqliteSource source, std::string key,
                                            DeclaredTypes types = {}) {
    source.path = path_;
    return LookupTable::open(LookupTableOptions{.name = "sites",
                                                .source = std::move(source),
                                                .key_column = std::move(key),
                                                .column_types = std::move(types)},
                             registry_);
  }

  TempDir dir_;
  std::filesystem::path path_;
  metrics::Registry registry_;
};

TEST_F(SqliteSourceTest, ReadsATable) {
  auto table = open(SqliteSource{.table = "sites"}, "id");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto snapshot = (*table)->snapshot();
  EXPECT_EQ(snapshot->size(), 3u);
  EXPECT_EQ(snapshot->columns()[0], (Column{"id", ColumnType::kInt}));
  EXPECT_EQ(snapshot->columns()[2], (Column{"lat", ColumnType::kFloat}));
  EXPECT_EQ(snapshot->find(int64_t{2})->json(), R"({"id":2,"name":"Rome","lat":41.9,"zone":null})");
  EXPECT_EQ(snapshot->find("3")->json(),
            R"({"id":3,"name":"Lima","lat":-12.0,"zone":"SouthAmerica"})");
}

TEST_F(SqliteSourceTest, QuotesTableNames) {
  auto table = open(SqliteSource{.table = "odd \"name\""}, "k");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ((*table)->snapshot()->find("a")->json(), R"({"k":"a","v":1})");
}

TEST_F(SqliteSourceTest, ReadsAQueryWithDeclaredTypes) {
  auto table = open(SqliteSource{.query = "SELECT name || '-' || id AS code, lat > 0 AS north "
                                          "FROM sites"},
                    "code", {{"north", ColumnType::kBool}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ((*table)->snapshot()->find("Oslo-1")->json(), R"({"code":"Oslo-1","north":true})");
  EXPECT_EQ((*table)->snapshot()->find("Lima-3")->json(), R"({"code":"Lima-3","north":false})");
}

TEST_F(SqliteSourceTest, ErrorsSayWhatAndWhere) {
  auto bad_sql = open(SqliteSource{.query = "SELEC nonsense"}, "id");
  ASSERT_FALSE(bad_sql.ok());
  EXPECT_EQ(bad_sql.status().code(), Errc::kMalformedSource);
  EXPECT_NE(bad_sql.status().message().find("sites.db query: near \"SELEC\""), std::string::npos)
      << bad_sql.status().message();

  auto no_table = open(SqliteSource{.table = "nope"}, "id");
  ASSERT_FALSE(no_table.ok());
  EXPECT_NE(no_table.status().message().find("table 'nope': no such table"), std::string::npos)
      << no_table.status().message();

  auto bad_type = open(SqliteSource{.table = "sites"}, "id", {{"name", ColumnType::kInt}});
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find(
                "sites.db table 'sites' row 1: column 'name' is declared int but holds \"Oslo\""),
            std::string::npos)
      << bad_type.status().message();

  auto null_key = open(SqliteSource{.table = "sites"}, "zone");
  ASSERT_FALSE(null_key.ok());
  EXPECT_NE(null_key.status().message().find("row 2: the key column 'zone' is empty"),
            std::string::npos)
      << null_key.status().message();

  LookupTableOptions missing{
      .name = "x",
      .source = SqliteSource{.path = dir_.path() / "absent.db", .table = "t"},
      .key_column = "id"};
  auto absent = LookupTable::open(missing, registry_);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), Errc::kSourceUnavailable);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "absent.db")) << "never created";
}

TEST_F(SqliteSourceTest, ReloadSeesNewRows) {
  auto table = open(SqliteSource{.table = "sites"}, "id");
  ASSERT_TRUE(table.ok());
  exec("INSERT INTO sites VALUES (4, 'Nuuk', 64.2, 'North');");
  ASSERT_TRUE((*table)->reload().ok());
  EXPECT_EQ((*table)->snapshot()->size(), 4u);
  EXPECT_NE((*table)->snapshot()->find(int64_t{4}), nullptr);
}

}  // namespace
}  // namespace caudal::table
