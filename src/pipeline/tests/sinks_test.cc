// The topic, table and stdout sinks against their real targets: a log partition, a materialized
// table, a stream.
#include <cstdio>
#include <filesystem>
#include <future>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "log/partitioner.h"
#include "log/log.h"
#include "log/record_batch_reader.h"
#include "common/metrics/registry.h"
#include "pipeline/sinks/stdout_sink.h"
#include "pipeline/sinks/table_sink.h"
#include "pipeline/sinks/topic_sink.h"
#include "table/catalog.h"

namespace caudal::pipeline {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<SinkBatch> batch_of(const std::vector<std::pair<std::optional<std::string>, std::string>>& records) {
  auto batch = std::make_shared<SinkBatch>();
  int64_t timestamp = 1000;
  for (const auto& [key, value] : records) {
    const size_t begin = batch->buffer().size();
    batch->buffer().append(value);
    batch->finish_record(begin, key, timestamp++);
  }
  return batch;
}

Status write_and_wait(Sink& sink, std::shared_ptr<const SinkBatch> batch) {
  std::promise<Status> done;
  sink.write(std::move(batch), [&done](const Status& status) { done.set_value(status); });
  return done.get_future().get();
}

// Every record of a partition as "key=value" (or "value"), with its timestamp checked.
std::vector<std::string> records_of(log::Partition& partition) {
  std::vector<std::string> out;
  auto read = partition.read(log::Offset(0), 1 << 20);
  EXPECT_TRUE(read.ok());
  ByteView bytes(read->bytes);
  log::RecordBatchReader reader;
  while (!bytes.empty()) {
    const size_t size = log::kBatchLengthPrefix + load_be32(bytes.data() + log::batch_offsets::kBatchLength);
    EXPECT_TRUE(reader.reset(bytes.subspan(0, size)).ok());
    bytes = bytes.subspan(size);
    for (;;) {
      auto record = reader.next();
      if (!record.ok() || *record == nullptr) break;
      const auto text = [](ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); };
      EXPECT_GE((*record)->timestamp_ms, 1000);
      out.push_back(((*record)->key ? text(*(*record)->key) + "=" : "") + text(*(*record)->value));
    }
  }
  return out;
}

class SinksTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("caudal-sinks-{}-{}", ::getpid(),
                       testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    log::LogOptions options;
    options.data_dir = dir_;
    options.retention_check_interval = Duration(0);
    log_ = std::move(log::Log::open(options)).value();
    log::TopicSettings settings;
    settings.partitions = 2;
    ASSERT_TRUE(log_->create_topic("OUT", settings).ok());
    for (int32_t p = 0; p < 2; ++p) partitions_.push_back(*log_->partition("OUT", log::PartitionId(p)));
  }
  void TearDown() override {
    partitions_.clear();
    log_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<log::Log> log_;
  std::vector<std::shared_ptr<log::Partition>> partitions_;
};

TEST_F(SinksTest, TopicSinkPartitionsByKeyAsKafkaDoes) {
  TopicSink sink("OUT", partitions_);
  std::vector<std::pair<std::optional<std::string>, std::string>> records;
  for (int i = 0; i < 20; ++i) records.emplace_back(fmt::format("k{}", i), fmt::format("{{\"i\":{}}}", i));
  ASSERT_TRUE(write_and_wait(sink, batch_of(records)).ok());
  for (int32_t p = 0; p < 2; ++p) {
    std::vector<std::string> expected;
    for (int i = 0; i < 20; ++i) {
      if (log::partition_for_key(fmt::format("k{}", i), 2) == p) {
        expected.push_back(fmt::format("k{}={{\"i\":{}}}", i, i));
      }
    }
    EXPECT_EQ(records_of(*partitions_[p]), expected) << "partition " << p;
  }
}

TEST_F(SinksTest, TopicSinkSendsUnkeyedBatchesToThePartitionsInTurn) {
  TopicSink sink("OUT", partitions_);
  ASSERT_TRUE(write_and_wait(sink, batch_of({{std::nullopt, "{\"a\":1}"}, {std::nullopt, "{\"a\":2}"}})).ok());
  ASSERT_TRUE(write_and_wait(sink, batch_of({{std::nullopt, "{\"b\":1}"}})).ok());
  EXPECT_EQ(records_of(*partitions_[0]), (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"}));
  EXPECT_EQ(records_of(*partitions_[1]), (std::vector<std::string>{"{\"b\":1}"}));
}

TEST_F(SinksTest, TopicSinkReportsAClosedPartition) {
  TopicSink sink("OUT", partitions_);
  log_->close();
  const Status status = write_and_wait(sink, batch_of({{std::nullopt, "{}"}}));
  EXPECT_FALSE(status.ok());
}

TEST(StdoutSinkTest, WritesOneLinePerRecord) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  StdoutSink sink(file);
  ASSERT_TRUE(write_and_wait(sink, batch_of({{std::nullopt, "{\"a\":1}"}, {"k", "{\"b\":2}"}})).ok());
  std::rewind(file);
  char buffer[64] = {};
  const size_t read = std::fread(buffer, 1, sizeof(buffer) - 1, file);
  std::fclose(file);
  EXPECT_EQ(std::string(buffer, read), "{\"a\":1}\n{\"b\":2}\n");
}

// Batches written while the sink's thread syncs go out together in the next write, in the order
// written: every one is acknowledged, and a key written twice keeps its later value.
TEST_F(SinksTest, TableSinkAcknowledgesEveryBatchAndKeepsTheLatestRowPerKey) {
  metrics::Registry registry;
  table::CatalogOptions options;
  options.store_path = dir_ / "tables";
  auto catalog = table::Catalog::open(std::move(options), registry);
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  auto table = (*catalog)->materialized("sensor_state");
  ASSERT_TRUE(table.ok());
  std::vector<std::promise<Status>> done(200);
  {
    TableSink sink(**table);
    for (size_t i = 0; i < done.size(); ++i) {
      auto batch = std::make_shared<SinkBatch>();
      const std::string value = fmt::format("{{\"i\":{}}}", i);
      batch->buffer().append(value);
      batch->finish_record(0, fmt::format("s{}", i % 7), static_cast<int64_t>(1000 + i));
      sink.write(std::move(batch), [&done, i](const Status& status) { done[i].set_value(status); });
    }
    for (std::promise<Status>& d : done) EXPECT_TRUE(d.get_future().get().ok());
  }
  for (size_t k = 0; k < 7; ++k) {
    const size_t last = (done.size() - 1 - k) / 7 * 7 + k;  // the last batch of key s<k>
    auto row = (*table)->get(fmt::format("s{}", k));
    ASSERT_TRUE(row.ok());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->json, fmt::format("{{\"i\":{}}}", last)) << "s" << k;
    EXPECT_EQ((*row)->version, 1000 + last);
  }
}

}  // namespace
}  // namespace caudal::pipeline
