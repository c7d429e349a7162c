#include "table/lookup_table.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "table/catalog.h"
#include "table/errc.h"
#include "table/tests/temp_dir.h"

namespace caudal::table {
namespace {

class LookupTableTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<LookupTable>> open_csv(std::string_view text, std::string key = "id",
                                                DeclaredTypes types = {}) {
    LookupTableOptions options;
    options.name = "customers";
    options.source = CsvSource{dir_.write("customers.csv", text)};
    options.key_column = std::move(key);
    options.column_types = std::move(types);
    return LookupTable::open(std::move(options), registry_);
  }

  std::string file(const std::string& name) const { return (dir_.path() / name).string(); }

  TempDir dir_;
  metrics::Registry registry_;
};

TEST_F(LookupTableTest, InfersColumnTypesAndRendersRowsAsJson) {
  auto table = open_csv(
      "id,name,score,vip,zip,note\n"
      "1,Ada,2.5,true,007,\n"
      "2,\"Doe, \"\"JD\"\"\",3,FALSE,12345,\"\"\n");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto snapshot = (*table)->snapshot();
  ASSERT_EQ(snapshot->columns().size(), 6u);
  EXPECT_EQ(snapshot->columns()[0], (Column{"id", ColumnType::kInt}));
  EXPECT_EQ(snapshot->columns()[1], (Column{"name", ColumnType::kString}));
  EXPECT_EQ(snapshot->columns()[2], (Column{"score", ColumnType::kFloat}));
  EXPECT_EQ(snapshot->columns()[3], (Column{"vip", ColumnType::kBool}));
  // A leading zero keeps a column text: "007" is an id, not 7.
  EXPECT_EQ(snapshot->columns()[4], (Column{"zip", ColumnType::kString}));
  EXPECT_EQ(snapshot->columns()[5], (Column{"note", ColumnType::kString}));

  const LookupRow* ada = snapshot->find(int64_t{1});
  ASSERT_NE(ada, nullptr);
  EXPECT_EQ(ada->json(), R"({"id":1,"name":"Ada","score":2.5,"vip":true,"zip":"007","note":null})");
  const LookupRow* jd = snapshot->find("2");
  ASSERT_NE(jd, nullptr);
  EXPECT_EQ(jd->json(),
            R"({"id":2,"name":"Doe, \"JD\"","score":3.0,"vip":false,"zip":"12345","note":""})");
  EXPECT_EQ(std::get<double>(jd->value(*snapshot->column_index("score"))), 3.0);
  EXPECT_EQ(jd->key(), "2");
}

TEST_F(LookupTableTest, FindsByTextOrIntWhateverTheKeyType) {
  auto table = open_csv("code,city\nA1,Oslo\n42,Rome\n", "code");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto snapshot = (*table)->snapshot();
  EXPECT_EQ(snapshot->columns()[0].type, ColumnType::kString);
  ASSERT_NE(snapshot->find("A1"), nullptr);
  ASSERT_NE(snapshot->find(int64_t{42}), nullptr);
  EXPECT_EQ(snapshot->find(int64_t{42})->key(), "42");
  EXPECT_EQ(snapshot->find("a1"), nullptr);
  EXPECT_EQ(snapshot->find(int64_t{43}), nullptr);

  auto ints = open_csv("id,city\n-5,Oslo\n9000000000,Rome\n");
  ASSERT_TRUE(ints.ok());
  auto by_int = (*ints)->snapshot();
  EXPECT_NE(by_int->find("-5"), nullptr);
  EXPECT_NE(by_int->find(int64_t{9000000000}), nullptr);
  EXPECT_EQ(by_int->find("09000000000"), nullptr);
  EXPECT_EQ(by_int->find("x"), nullptr);
}

TEST_F(LookupTableTest, FindsEveryRowOfALargeTable) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 5000; ++i) csv += fmt::format("{},n{}\n", i * 7, i);
  auto table = open_csv(csv);
  ASSERT_TRUE(table.ok());
  auto snapshot = (*table)->snapshot();
  EXPECT_EQ(snapshot->size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const LookupRow* row = snapshot->find(int64_t{i * 7});
    ASSERT_NE(row, nullptr) << i;
    EXPECT_EQ(std::get<std::string>(row->value(1)), fmt::format("n{}", i));
    EXPECT_EQ(snapshot->find(int64_t{i * 7 + 1}), nullptr);
  }
}

TEST_F(LookupTableTest, DeclaredTypesWinAndBadCellsNameTheirLine) {
  auto table = open_csv("id,zip,flag\n1,007,1\n", "id",
                        {{"zip", ColumnType::kInt}, {"id", ColumnType::kString}});
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), Errc::kMalformedSource);
  EXPECT_EQ(table.status().message(),
            file("customers.csv") + ":2: column 'zip' is declared int but holds \"007\"");

  auto ok = open_csv("id,zip,flag\n1,007,1\n", "id", {{"id", ColumnType::kString}});
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ((*ok)->snapshot()->find("1")->json(), R"({"id":"1","zip":"007","flag":1})");

  auto not_bool = open_csv("id,flag\n1,1\n", "id", {{"flag", ColumnType::kBool}});
  ASSERT_FALSE(not_bool.ok()) << "1 is not a boolean in CSV";
  EXPECT_EQ(not_bool.status().message(),
            file("customers.csv") + ":2: column 'flag' is declared bool but holds \"1\"");

  auto missing = open_csv("id\n1\n", "id", {{"nope", ColumnType::kInt}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Errc::kInvalidOptions);
}

TEST_F(LookupTableTest, BadRowsNameTheirLine) {
  auto short_row = open_csv("id,name\n1,a\n\"2\nx\",b\n3\n");
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.status().message(),
            file("customers.csv") + ":5: 1 fields, but the header names 2 columns");

  auto empty_key = open_csv("id,name\n1,a\n,b\n");
  ASSERT_FALSE(empty_key.ok());
  EXPECT_EQ(empty_key.status().message(),
            "table 'customers': " + file("customers.csv") + ":3: the key column 'id' is empty");

  auto no_key = open_csv("id,name\n1,a\n", "customer_id");
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.status().code(), Errc::kInvalidOptions);
  EXPECT_NE(no_key.status().message().find("no key column 'customer_id' (columns: id, name)"),
            std::string::npos)
      << no_key.status().message();

  auto twice = open_csv("id,id\n1,2\n");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), file("customers.csv") + ":1: header names column 'id' twice");

  auto empty = open_csv("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), Errc::kMalformedSource);

  LookupTableOptions options{
      .name = "x", .source = CsvSource{dir_.path() / "absent.csv"}, .key_column = "id"};
  auto absent = LookupTable::open(options, registry_);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), Errc::kSourceUnavailable);
}

TEST_F(LookupTableTest, DuplicateKeysLastOneWins) {
  auto table = open_csv("id,v\n1,first\n2,other\n1,second\n");
  ASSERT_TRUE(table.ok());
  auto snapshot = (*table)->snapshot();
  EXPECT_EQ(snapshot->size(), 2u);
  EXPECT_EQ(snapshot->duplicate_keys(), 1u);
  EXPECT_EQ(std::get<std::string>(snapshot->find(int64_t{1})->value(1)), "second");
}

TEST_F(LookupTableTest, ScansInKeyOrderWithPrefixAndPaging) {
  auto table = open_csv("k,v\nb2,1\na1,2\nb1,3\nc,4\nb3,5\n", "k");
  ASSERT_TRUE(table.ok());
  auto snapshot = (*table)->snapshot();
  auto keys = [](const std::vector<const LookupRow*>& rows) {
    std::vector<std::string> out;
    for (const LookupRow* r : rows) out.emplace_back(r->key());
    return out;
  };
  EXPECT_EQ(keys(snapshot->scan("", "", 10)),
            (std::vector<std::string>{"a1", "b1", "b2", "b3", "c"}));
  EXPECT_EQ(keys(snapshot->scan("b", "", 2)), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(keys(snapshot->scan("b", "b2", 2)), (std::vector<std::string>{"b3"}));
  EXPECT_EQ(keys(snapshot->scan("", "b3", 10)), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(snapshot->scan("d", "", 10).empty());
}

TEST_F(LookupTableTest, ReloadSwapsAndReadersKeepTheirSnapshot) {
  auto table = open_csv("id,v\n1,old\n");
  ASSERT_TRUE(table.ok());
  auto before = (*table)->snapshot();
  dir_.write("customers.csv", "id,v\n1,new\n2,added\n");
  ASSERT_TRUE((*table)->reload().ok());
  auto after = (*table)->snapshot();
  EXPECT_EQ(std::get<std::string>(before->find(int64_t{1})->value(1)), "old");
  EXPECT_EQ(before->find(int64_t{2}), nullptr);
  EXPECT_EQ(std::get<std::string>(after->find(int64_t{1})->value(1)), "new");
  EXPECT_NE(after->find(int64_t{2}), nullptr);
  EXPECT_NE(registry_.render().find("caudal_table_reloads_total{table=\"customers\"} 1"),
            std::string::npos);
  EXPECT_NE(registry_.render().find("caudal_table_rows{table=\"customers\"} 2"), std::string::npos);
}

TEST_F(LookupTableTest, FailedReloadKeepsTheOldDataAndReportsIt) {
  auto table = open_csv("id,v\n1,good\n");
  ASSERT_TRUE(table.ok());
  dir_.write("customers.csv", "id,v\n1,\"broken\n");
  Status status = (*table)->reload();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Errc::kMalformedSource);
  EXPECT_EQ((*table)->last_reload_error(), status);
  EXPECT_EQ(std::get<std::string>((*table)->snapshot()->find(int64_t{1})->value(1)), "good");
  EXPECT_NE(registry_.render().find("caudal_table_reload_errors_total{table=\"customers\"} 1"),
            std::string::npos);

  dir_.write("customers.csv", "id,v\n1,fixed\n");
  ASSERT_TRUE((*table)->reload().ok());
  EXPECT_TRUE((*table)->last_reload_error().ok());
  EXPECT_EQ(std::get<std::string>((*table)->snapshot()->find(int64_t{1})->value(1)), "fixed");
}

TEST_F(LookupTableTest, ReloadIfChangedFollowsTheFileTime) {
  auto table = open_csv("id,v\n1,a\n");
  ASSERT_TRUE(table.ok());
  auto unchanged = (*table)->reload_if_changed();
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(*unchanged);

  const auto path = dir_.path() / "customers.csv";
  dir_.write("customers.csv", "id,v\n1,b\n");
  std::filesystem::last_write_time(
      path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  auto changed = (*table)->reload_if_changed();
  ASSERT_TRUE(changed.ok()) << changed.status().to_string();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(std::get<std::string>((*table)->snapshot()->find(int64_t{1})->value(1)), "b");

  // A broken file is reported once, then left alone until it changes again.
  dir_.write("customers.csv", "id,v\n1,\"");
  std::filesystem::last_write_time(
      path, std::filesystem::last_write_time(path) + std::chrono::seconds(10));
  EXPECT_FALSE((*table)->reload_if_changed().ok());
  auto again = (*table)->reload_if_changed();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(std::get<std::string>((*table)->snapshot()->find(int64_t{1})->value(1)), "b");
}

TEST_F(LookupTableTest, RecordsLookupsInBulk) {
  auto table = open_csv("id\n1\n");
  ASSERT_TRUE(table.ok());
  (*table)->record_lookups(10, 3);
  const std::string text = registry_.render();
  EXPECT_NE(text.find("caudal_table_lookups_total{table=\"customers\"} 10"), std::string::npos);
  EXPECT_NE(text.find("caudal_table_lookup_misses_total{table=\"customers\"} 3"),
            std::string::npos);
}

TEST_F(LookupTableTest, CatalogReloadsChangedFilesEveryInterval) {
  CatalogOptions options;
  options.lookup_tables.push_back(
      LookupTableOptions{.name = "sites",
                         .source = CsvSource{dir_.write("sites.csv", "id,v\n1,a\n")},
                         .key_column = "id",
                         .reload_interval = std::chrono::milliseconds(10)});
  options.store_path = dir_.path() / "state" / "tables";
  options.materialized_tables = {"sensor_state"};
  auto catalog = Catalog::open(std::move(options), registry_);
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();

  auto list = (*catalog)->list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "sensor_state");
  EXPECT_EQ(list[0].kind, TableKind::kMaterialized);
  EXPECT_EQ(list[1].name, "sites");
  EXPECT_EQ(list[1].rows, 1u);
  EXPECT_FALSE((*catalog)->materialized("sites").ok()) << "a lookup table is read-only";

  const auto path = dir_.path() / "sites.csv";
  dir_.write("sites.csv", "id,v\n1,a\n2,b\n");
  std::filesystem::last_write_time(
      path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  LookupTable* sites = (*catalog)->lookup("sites");
  ASSERT_NE(sites, nullptr);
  for (int i = 0; i < 500 && sites->snapshot()->size() != 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(sites->snapshot()->size(), 2u);
  (*catalog)->stop();
}

TEST_F(LookupTableTest, CatalogRefusesANameUsedTwice) {
  CatalogOptions options;
  for (int i = 0; i < 2; ++i) {
    options.lookup_tables.push_back(
        LookupTableOptions{.name = "sites",
                           .source = CsvSource{dir_.write("sites.csv", "id\n1\n")},
                           .key_column = "id"});
  }
  auto catalog = Catalog::open(std::move(options), registry_);
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().message(), "table 'sites' is declared twice");
}

TEST_F(LookupTableTest, CatalogAddsTablesWhileRunningAndRetiresThemOnRequest) {
  CatalogOptions options;
  options.store_path = dir_.path() / "state" / "tables";
  options.materialized_tables = {"sensor_state"};
  auto catalog = Catalog::open(std::move(options), registry_);
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();

  // All or nothing: one table that cannot load adds none.
  std::vector<LookupTableOptions> bad;
  bad.push_back(LookupTableOptions{.name = "zones", .source = CsvSource{dir_.write("zones.csv", "id\n1\n")},
                                   .key_column = "id"});
  bad.push_back(LookupTableOptions{.name = "gone", .source = CsvSource{dir_.path() / "missing.csv"},
                                   .key_column = "id"});
  Status refused = (*catalog)->add_lookups(std::move(bad));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("missing.csv"), std::string::npos) << refused.message();
  EXPECT_EQ((*catalog)->lookup("zones"), nullptr);

  // A name a materialized table has is refused too.
  std::vector<LookupTableOptions> clash;
  clash.push_back(LookupTableOptions{.name = "sensor_state",
                                     .source = CsvSource{dir_.write("s.csv", "id\n1\n")},
                                     .key_column = "id"});
  EXPECT_FALSE((*catalog)->add_lookups(std::move(clash)).ok());

  // Added tables are found, listed and reloaded on their interval like the first ones.
  std::vector<LookupTableOptions> good;
  good.push_back(LookupTableOptions{.name = "zones",
                                    .source = CsvSource{dir_.write("zones.csv", "id,v\n1,a\n")},
                                    .key_column = "id",
                                    .reload_interval = std::chrono::milliseconds(10)});
  ASSERT_TRUE((*catalog)->add_lookups(std::move(good)).ok());
  LookupTable* zones = (*catalog)->lookup("zones");
  ASSERT_NE(zones, nullptr);
  EXPECT_EQ((*catalog)->list().size(), 2u);
  const auto path = dir_.path() / "zones.csv";
  dir_.write("zones.csv", "id,v\n1,a\n2,b\n");
  std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  for (int i = 0; i < 500 && zones->snapshot()->size() != 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(zones->snapshot()->size(), 2u);

  // Retired: gone from the catalog, still valid for whoever holds it.
  (*catalog)->retire_lookups({"zones"});
  EXPECT_EQ((*catalog)->lookup("zones"), nullptr);
  EXPECT_EQ((*catalog)->list().size(), 1u);
  EXPECT_EQ(zones->snapshot()->size(), 2u);
  (*catalog)->stop();
}

}  // namespace
}  // namespace caudal::table
