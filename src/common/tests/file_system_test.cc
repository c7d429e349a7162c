#include "common/file_system.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "common/fault_injecting_file_system.h"

namespace caudal {
namespace {

class FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "caudal-fs-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PosixFileSystem& fs_ = PosixFileSystem::instance();
  std::filesystem::path dir_;
};

TEST_F(FileSystemTest, WriteReadTruncateAndSize) {
  auto file = fs_.open(dir_ / "a.bin", OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  ASSERT_TRUE((*file)->write_at(0, as_bytes("hello world")).ok());
  ASSERT_TRUE((*file)->write_at(6, as_bytes("there")).ok());
  ASSERT_TRUE((*file)->sync().ok());
  EXPECT_EQ((*file)->size().value(), 11u);

  Bytes out(32);
  auto n = (*file)->read_at(0, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(as_chars(ByteView(out).first(*n)), "hello there");

  ASSERT_TRUE((*file)->truncate(5).ok());
  EXPECT_EQ((*file)->size().value(), 5u);
  EXPECT_EQ((*file)->read_at(3, out).value(), 2u);
  EXPECT_GE((*file)->native_handle(), 0);
}

TEST_F(FileSystemTest, GatherWriteWritesPartsBackToBack) {
  auto file = fs_.open(dir_ / "g.bin", OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok());
  const ByteView parts[] = {as_bytes("head"), as_bytes(""), as_bytes("-body-"), as_bytes("tail")};
  ASSERT_TRUE((*file)->write_gather_at(2, parts).ok());
  Bytes out(32);
  auto n = (*file)->read_at(2, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(as_chars(ByteView(out).first(*n)), "head-body-tail");

  FaultInjectingFileSystem faulty(fs_);
  auto limited = faulty.open(dir_ / "h.bin", OpenMode::kReadWrite);
  faulty.set_write_budget(6);
  EXPECT_EQ((*limited)->write_gather_at(0, parts).code(), std::errc::no_space_on_device);
  EXPECT_EQ((*limited)->size().value(), 6u);
}

TEST_F(FileSystemTest, ErrorsCarryErrnoAndPath) {
  auto missing = fs_.open(dir_ / "nope", OpenMode::kRead);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), std::errc::no_such_file_or_directory);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);

  ASSERT_TRUE(fs_.open(dir_ / "x", OpenMode::kCreateExclusive).ok());
  auto again = fs_.open(dir_ / "x", OpenMode::kCreateExclusive);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), std::errc::file_exists);

  auto st = fs_.stat(dir_ / "nope");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), std::errc::no_such_file_or_directory);
}

TEST_F(FileSystemTest, DirectoriesListRenameRemove) {
  ASSERT_TRUE(fs_.create_directories(dir_ / "a" / "b").ok());
  ASSERT_TRUE(fs_.create_directories(dir_ / "a" / "b").ok());
  ASSERT_TRUE(fs_.open(dir_ / "a" / "z", OpenMode::kReadWrite).ok());
  ASSERT_TRUE(fs_.open(dir_ / "a" / "c", OpenMode::kReadWrite).ok());
  EXPECT_EQ(fs_.list_directory(dir_ / "a").value(), (std::vector<std::string>{"b", "c", "z"}));
  EXPECT_TRUE(fs_.stat(dir_ / "a" / "b").value().is_directory);

  ASSERT_TRUE(fs_.rename(dir_ / "a" / "z", dir_ / "a" / "y").ok());
  ASSERT_TRUE(fs_.remove_file(dir_ / "a" / "c").ok());
  ASSERT_TRUE(fs_.sync_directory(dir_ / "a").ok());
  EXPECT_EQ(fs_.list_directory(dir_ / "a").value(), (std::vector<std::string>{"b", "y"}));

  ASSERT_TRUE(fs_.remove_all(dir_ / "a").ok());
  EXPECT_FALSE(fs_.exists(dir_ / "a"));
  EXPECT_TRUE(fs_.remove_all(dir_ / "a").ok());
}

TEST_F(FileSystemTest, AtomicWriteReplacesWholeContent) {
  ASSERT_TRUE(write_file_atomically(fs_, dir_ / "state", as_bytes("first version")).ok());
  ASSERT_TRUE(write_file_atomically(fs_, dir_ / "state", as_bytes("v2")).ok());
  auto content = read_whole_file(fs_, dir_ / "state");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(as_chars(*content), "v2");
  EXPECT_FALSE(fs_.exists(dir_ / "state.tmp"));
}

TEST_F(FileSystemTest, FaultInjectionFillsTheDiskAndFailsSyncs) {
  FaultInjectingFileSystem faulty(fs_);
  auto file = faulty.open(dir_ / "f", OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok());

  faulty.set_write_budget(4);
  Status full = (*file)->write_at(0, as_bytes("abcdefgh"));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.code(), std::errc::no_space_on_device);
  // Like a real full disk, the prefix that fit was written.
  EXPECT_EQ((*file)->size().value(), 4u);
  EXPECT_FALSE((*file)->write_at(4, as_bytes("x")).ok());

  faulty.set_write_budget(std::nullopt);
  EXPECT_TRUE((*file)->write_at(4, as_bytes("efgh")).ok());
  EXPECT_EQ(faulty.bytes_written(), 8u);

  faulty.set_sync_error(std::make_error_code(std::errc::io_error));
  EXPECT_EQ((*file)->sync().code(), std::errc::io_error);
  EXPECT_EQ(faulty.sync_directory(dir_).code(), std::errc::io_error);
  Status atomic = write_file_atomically(faulty, dir_ / "meta", as_bytes("m"));
  EXPECT_EQ(atomic.code(), std::errc::io_error);
  faulty.set_sync_error({});
  EXPECT_TRUE((*file)->sync().ok());
  EXPECT_EQ(faulty.sync_count(), 4u);
}

}  // namespace
}  // namespace caudal
