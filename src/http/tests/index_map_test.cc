#include "http/ingest/index_map.h"

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

TEST(GlobMatchTest, StarMatchesAnyRun) {
  EXPECT_TRUE(glob_match("logs-*", "logs-2024.01.31"));
  EXPECT_TRUE(glob_match("logs-*", "logs-"));
  EXPECT_FALSE(glob_match("logs-*", "logs"));
  EXPECT_TRUE(glob_match("*-eu-*", "web-eu-1"));
  EXPECT_FALSE(glob_match("*-eu-*", "web-us-1"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbZZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(glob_match("exact", "exact"));
  EXPECT_FALSE(glob_match("exact", "exact2"));
}

TEST(IndexMapTest, ExactBeatsPatternsAndLongerPatternsBeatShorter) {
  IndexMap map({{"logs-*", "logs"},
                {"logs-audit-*", "audit"},
                {"logs-audit-2024", "audit2024"},
                {"*", "everything"}});
  EXPECT_EQ(map.lookup("logs-audit-2024"), "audit2024");
  EXPECT_EQ(map.lookup("logs-audit-2025"), "audit");
  EXPECT_EQ(map.lookup("logs-web"), "logs");
  EXPECT_EQ(map.lookup("metrics"), "everything");
}

TEST(IndexMapTest, NoMatchIsNullopt) {
  IndexMap map(std::map<std::string, std::string>{{"main", "logs"}});
  EXPECT_EQ(map.lookup("main"), "logs");
  EXPECT_EQ(map.lookup("mainx"), std::nullopt);
  EXPECT_TRUE(IndexMap().empty());
  EXPECT_EQ(IndexMap().lookup("x"), std::nullopt);
}

}  // namespace
}  // namespace caudal::http
