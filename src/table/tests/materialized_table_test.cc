#include "table/materialized_table.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "table/errc.h"
#include "table/materialized_store.h"
#include "table/tests/temp_dir.h"

namespace caudal::table {
namespace {

class MaterializedTableTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    table_ = nullptr;
    store_.reset();
    auto store = MaterializedStore::open(dir_.path() / "tables", registry_);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto table = store_->table("sensor_state");
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    table_ = *table;
  }

  std::optional<StoredRow> get(std::string_view key) {
    auto row = table_->get(key);
    EXPECT_TRUE(row.ok()) << row.status().to_string();
    return row.ok() ? *row : std::nullopt;
  }

  std::vector<std::string> keys(const ScanPage& page) {
    std::vector<std::string> out;
    for (const StoredRow& row : page.rows) out.push_back(row.key);
    return out;
  }

  TempDir dir_;
  metrics::Registry registry_;
  std::unique_ptr<MaterializedStore> store_;
  MaterializedTable* table_ = nullptr;
};

TEST_F(MaterializedTableTest, PutGetRemoveAndCount) {
  const std::vector<TablePut> puts = {{"s1", R"({"state":"motion"})", 10},
                                      {"s2", R"({"state":"smoke"})", 11}};
  auto applied = table_->put(puts, Durability::kSync);
  ASSERT_TRUE(applied.ok()) << applied.status().to_string();
  EXPECT_EQ(*applied, 2u);
  EXPECT_EQ(table_->count(), 2u);
  EXPECT_EQ(get("s1"), (StoredRow{"s1", R"({"state":"motion"})", 10}));
  EXPECT_EQ(get("nope"), std::nullopt);

  auto removed = table_->remove("s1", Durability::kSync);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(*table_->remove("s1", Durability::kSync));
  EXPECT_EQ(get("s1"), std::nullopt);
  EXPECT_EQ(table_->count(), 1u);
  EXPECT_NE(registry_.render().find("caudal_table_puts_total{table=\"sensor_state\"} 2"),
            std::string::npos);
  EXPECT_NE(registry_.render().find("caudal_table_rows{table=\"sensor_state\"} 1"),
            std::string::npos);
}

TEST_F(MaterializedTableTest, OlderVersionsNeverOverwriteNewerOnes) {
  ASSERT_TRUE(
      table_->put(std::vector<TablePut>{{"s1", R"({"v":5})", 5}}, Durability::kNoSync).ok());
  auto older = table_->put(std::vector<TablePut>{{"s1", R"({"v":4})", 4}}, Durability::kNoSync);
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(*older, 0u);
  EXPECT_EQ(get("s1")->json, R"({"v":5})");

  // Within one batch too: the newest wins whatever its place.
  auto batch = table_->put(
      std::vector<TablePut>{
          {"s2", R"({"v":9})", 9}, {"s2", R"({"v":7})", 7}, {"s1", R"({"v":6})", 6}},
      Durability::kNoSync);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(*batch, 2u);
  EXPECT_EQ(get("s2")->json, R"({"v":9})");
  EXPECT_EQ(get("s1")->json, R"({"v":6})");
  EXPECT_EQ(table_->count(), 2u);
}

TEST_F(MaterializedTableTest, ReplayingTheSameEventsLeavesTheSameState) {
  std::vector<TablePut> events;
  std::vector<std::string> docs;
  for (int i = 0; i < 100; ++i) docs.push_back(fmt::format(R"({{"n":{}}})", i));
  for (int i = 0; i < 100; ++i) {
    events.push_back({i % 2 == 0 ? "even" : "odd", docs[i], static_cast<uint64_t>(i)});
  }
  ASSERT_TRUE(table_->put(events, Durability::kSync).ok());
  auto first = table_->scan("", "", 10);
  ASSERT_TRUE(first.ok());
  // A restart replays from an earlier checkpoint: part of the events, then all of them.
  ASSERT_TRUE(table_->put(std::span(events).subspan(40), Durability::kSync).ok());
  ASSERT_TRUE(table_->put(events, Durability::kSync).ok());
  auto second = table_->scan("", "", 10);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->rows, second->rows);
  EXPECT_EQ(get("even")->json, R"({"n":98})");
  EXPECT_EQ(get("odd")->version, 99u);
  EXPECT_EQ(table_->count(), 2u);
}

TEST_F(MaterializedTableTest, ScansPagesInKeyOrder) {
  std::vector<TablePut> puts;
  for (const char* key : {"b2", "a1", "b1", "c", "b3", "b"}) puts.push_back({key, "{}", 1});
  ASSERT_TRUE(table_->put(puts, Durability::kNoSync).ok());

  auto all = table_->scan("", "", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(keys(*all), (std::vector<std::string>{"a1", "b", "b1", "b2", "b3", "c"}));
  EXPECT_EQ(all->next, std::nullopt);

  auto page1 = table_->scan("b", "", 2);
  ASSERT_TRUE(page1.ok());
  EXPECT_EQ(keys(*page1), (std::vector<std::string>{"b", "b1"}));
  ASSERT_EQ(page1->next, "b1");
  auto page2 = table_->scan("b", *page1->next, 2);
  EXPECT_EQ(keys(*page2), (std::vector<std::string>{"b2", "b3"}));
  // Exactly full, and nothing after it: no next page.
  EXPECT_EQ(page2->next, std::nullopt);
  auto page3 = table_->scan("b", "b3", 2);
  EXPECT_TRUE(page3->rows.empty());
  EXPECT_EQ(page3->next, std::nullopt);

  EXPECT_TRUE(table_->scan("d", "", 10)->rows.empty());
}

TEST_F(MaterializedTableTest, TablesDoNotSeeEachOther) {
  auto other = store_->table("sensor");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->put(std::vector<TablePut>{{"_state", "1", 1}}, Durability::kSync).ok());
  ASSERT_TRUE(table_->put(std::vector<TablePut>{{"x", "2", 1}}, Durability::kSync).ok());
  EXPECT_EQ(keys(*(*other)->scan("", "", 10)), (std::vector<std::string>{"_state"}));
  EXPECT_EQ(keys(*table_->scan("", "", 10)), (std::vector<std::string>{"x"}));
  EXPECT_EQ(store_->names(), (std::vector<std::string>{"sensor", "sensor_state"}));
  EXPECT_EQ(store_->find("missing"), nullptr);
  EXPECT_FALSE(store_->table("").ok());
}

TEST_F(MaterializedTableTest, SurvivesReopen) {
  ASSERT_TRUE(table_
                  ->put(std::vector<TablePut>{{"s1", R"({"a":1})", 3}, {"s2", "[]", 4}},
                        Durability::kNoSync)
                  .ok());
  ASSERT_TRUE(store_->sync().ok());
  ASSERT_TRUE(store_->table("empty").ok());
  reopen();
  EXPECT_EQ(store_->names(), (std::vector<std::string>{"empty", "sensor_state"}));
  EXPECT_EQ(table_->count(), 2u);
  EXPECT_EQ(get("s1"), (StoredRow{"s1", R"({"a":1})", 3}));
  // The version guard survives too.
  EXPECT_EQ(*table_->put(std::vector<TablePut>{{"s2", "null", 3}}, Durability::kSync), 0u);
}

TEST_F(MaterializedTableTest, RefusesOversizedKeysWhole) {
  const std::string big(70 * 1024, 'k');
  auto result =
      table_->put(std::vector<TablePut>{{"ok", "1", 1}, {big, "1", 1}}, Durability::kSync);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Errc::kInvalidOptions);
  EXPECT_EQ(get("ok"), std::nullopt);
}

TEST_F(MaterializedTableTest, SecondStoreOnTheSamePathFails) {
  auto second = MaterializedStore::open(dir_.path() / "tables", registry_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Errc::kStorage);
}

}  // namespace
}  // namespace caudal::table
