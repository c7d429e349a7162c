#include "server/data_dir.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "common/errc.h"

namespace caudal::server {
namespace {

std::filesystem::path temp_dir() {
  char pattern[] = "/tmp/caudal_datadir_XXXXXX";
  return mkdtemp(pattern);
}

TEST(DataDirTest, CreatesAndLocks) {
  auto root = temp_dir();
  auto path = root / "nested" / "data";
  {
    auto dir = DataDir::open(path);
    ASSERT_TRUE(dir.ok()) << dir.status().to_string();
    EXPECT_TRUE(std::filesystem::is_directory(path));
    EXPECT_GT((*dir)->free_bytes().value(), 0u);

    auto second = DataDir::open(path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), make_error_code(Errc::kUnavailable));
    EXPECT_EQ(second.status().message(),
              "data directory " + path.string() + " is in use by another Caudal process");
  }
  // Released with the object.
  EXPECT_TRUE(DataDir::open(path).ok());
  std::filesystem::remove_all(root);
}

TEST(DataDirTest, UncreatableDirectoryIsAnError) {
  auto root = temp_dir();
  std::filesystem::path file = root / "file";
  FILE* f = fopen(file.c_str(), "w");
  fclose(f);
  auto dir = DataDir::open(file / "data");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("cannot create data directory"), std::string::npos);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace caudal::server
