// Idempotent producers through the handlers: InitProducerId hands out ids that survive a
// restart, a retried Produce batch is stored once and answered with its original offset, and
// sequence errors reach the client as Kafka's codes. The handlers are called directly with a
// RequestContext whose Responder captures the response frame.
#include <fstream>
#include <future>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "common/errc.h"
#include "common/fault_injecting_file_system.h"
#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/idempotence/producer_id_allocator.h"
#include "kafka/protocol/messages.h"
#include "log/errc.h"
#include "log/tests/storage_test_support.h"

namespace caudal::kafka {
namespace {

using log::testing::make_batch;
using log::testing::make_producer_batch;
using log::testing::TempDir;

class IdempotentProduceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.data_dir = dir_.path() / "data";
    options.retention_check_interval = Duration::zero();
    auto opened = log::Log::open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    log_ = std::move(*opened);
    log::TopicSettings settings;
    settings.flush = log::FlushPolicy::always();
    ASSERT_TRUE(log_->create_topic("events", settings).ok());
    auto ids = ProducerIdAllocator::open(PosixFileSystem::instance(), id_file());
    ASSERT_TRUE(ids.ok()) << ids.status().to_string();
    config_.producer_ids = std::move(*ids);
  }

  std::filesystem::path id_file() const { return dir_.path() / "producer-ids"; }

  // Runs `handler` on `request` and returns the decoded response.
  template <Message Response, Message Request>
  Response call(Handler handler, const Request& request, int16_t version) {
    auto frame = encode_request_frame(request, version, 7, "test");
    EXPECT_TRUE(frame.ok());
    auto payload = std::make_shared<const Bytes>(frame->begin() + 4, frame->end());
    auto incoming = decode_request_header(*payload);
    EXPECT_TRUE(incoming.ok()) << incoming.status().to_string();
    std::promise<Bytes> answered;
    Responder responder([&](std::optional<Bytes> answer) { answered.set_value(*answer); });
    ConnectionInfo connection;
    RequestContext context{*log_,   config_,   connection,          io_.get_executor(),
                           payload, *incoming, std::move(responder)};
    Status handled = handler(context);
    EXPECT_TRUE(handled.ok()) << handled.to_string();
    Bytes response_frame = answered.get_future().get();
    auto decoded = decode_response_frame<Response>(ByteView(response_frame).subspan(4), version);
    EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
    kept_.push_back(std::move(response_frame));
    return decoded.ok() ? decoded->body : Response{};
  }

  InitProducerIdResponse init_producer_id(std::optional<std::string> transactional_id = {}) {
    InitProducerIdRequest request;
    request.transactional_id = std::move(transactional_id);
    request.transaction_timeout_ms = 60000;
    return call<InitProducerIdResponse>(&handle_init_producer_id, request, 1);
  }

  ProduceResponse::Partition produce(ByteView batch) {
    ProduceRequest request;
    request.acks = -1;
    request.timeout_ms = 1000;
    request.topics.push_back({"events", {{0, batch}}});
    ProduceResponse response = call<ProduceResponse>(&handle_produce, request, 7);
    EXPECT_EQ(response.responses.size(), 1u);
    return response.responses.empty() ? ProduceResponse::Partition{}
                                      : response.responses[0].partitions[0];
  }

  int64_t high_watermark() const {
    return (*log_->partition("events", log::PartitionId(0)))->high_watermark().value();
  }

  TempDir dir_;
  std::unique_ptr<log::Log> log_;
  BrokerConfig config_;
  boost::asio::io_context io_;
  std::vector<Bytes> kept_;
};

TEST_F(IdempotentProduceTest, TheSameBatchSentTwiceGetsTheSameBaseOffsetAndIsStoredOnce) {
  ASSERT_EQ(produce(make_batch(4, 32, 1)).error_code, ErrorCode::kNone);  // offsets 0..3
  InitProducerIdResponse producer = init_producer_id();
  ASSERT_EQ(producer.error_code, ErrorCode::kNone);
  EXPECT_EQ(producer.producer_epoch, 0);
  Bytes batch = make_producer_batch(producer.producer_id, 0, 0, 3, 2);

  auto first = produce(batch);
  EXPECT_EQ(first.error_code, ErrorCode::kNone);
  EXPECT_EQ(first.base_offset, 4);
  auto retry = produce(batch);
  EXPECT_EQ(retry.error_code, ErrorCode::kNone);
  EXPECT_EQ(retry.base_offset, 4);
  EXPECT_EQ(high_watermark(), 7);

  auto next = produce(make_producer_batch(producer.producer_id, 0, 3, 2, 3));
  EXPECT_EQ(next.error_code, ErrorCode::kNone);
  EXPECT_EQ(next.base_offset, 7);
  EXPECT_EQ(high_watermark(), 9);
}

TEST_F(IdempotentProduceTest, SequenceErrorsGetKafkasCodesAndStoreNothing) {
  InitProducerIdResponse producer = init_producer_id();
  ASSERT_EQ(produce(make_producer_batch(producer.producer_id, 1, 0, 2, 1)).error_code,
            ErrorCode::kNone);
  EXPECT_EQ(produce(make_producer_batch(producer.producer_id, 1, 5, 1, 2)).error_code,
            ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(produce(make_producer_batch(producer.producer_id, 0, 2, 1, 3)).error_code,
            ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(high_watermark(), 2);
  EXPECT_EQ(to_error_code(Status(log::Errc::kOutOfOrderSequence, "x"), ApiKey::kProduce, 3),
            ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(to_error_code(Status(log::Errc::kInvalidProducerEpoch, "x"), ApiKey::kProduce, 3),
            ErrorCode::kInvalidProducerEpoch);
}

TEST_F(IdempotentProduceTest, EveryCallGetsANewIdAndTransactionsAreRefused) {
  InitProducerIdResponse a = init_producer_id();
  InitProducerIdResponse b = init_producer_id();
  EXPECT_EQ(a.error_code, ErrorCode::kNone);
  EXPECT_NE(a.producer_id, b.producer_id);
  EXPECT_GE(a.producer_id, 0);
  EXPECT_EQ(init_producer_id("txn-1").error_code, ErrorCode::kCoordinatorNotAvailable);
  config_.producer_ids.reset();
  EXPECT_EQ(init_producer_id().error_code, ErrorCode::kCoordinatorNotAvailable);
}

TEST(ProducerIdAllocator, IdsAreNeverReusedAfterARestartOrACrash) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "producer-ids";
  std::vector<int64_t> first_run;
  {
    auto ids = ProducerIdAllocator::open(PosixFileSystem::instance(), file);
    ASSERT_TRUE(ids.ok());
    for (int i = 0; i < 3; ++i) first_run.push_back(*(*ids)->allocate());
  }
  EXPECT_EQ(first_run, (std::vector<int64_t>{0, 1, 2}));
  // The process is gone (a crash looks the same: nothing is written at exit); the rest of the
  // reserved block is skipped.
  auto ids = ProducerIdAllocator::open(PosixFileSystem::instance(), file);
  ASSERT_TRUE(ids.ok());
  for (int64_t i = 0; i < ProducerIdAllocator::kBlockSize + 5; ++i) {
    auto id = (*ids)->allocate();
    ASSERT_TRUE(id.ok());
    ASSERT_EQ(*id, ProducerIdAllocator::kBlockSize + i);
  }
}

TEST(ProducerIdAllocator, AFailedReservationHandsOutNothingAndIsRetried) {
  TempDir dir;
  FaultInjectingFileSystem fs(PosixFileSystem::instance());
  auto ids = ProducerIdAllocator::open(fs, dir.path() / "producer-ids");
  ASSERT_TRUE(ids.ok());
  fs.set_sync_error(std::make_error_code(std::errc::io_error));
  auto failed = (*ids)->allocate();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("cannot reserve producer ids"), std::string::npos);
  fs.set_sync_error({});
  EXPECT_EQ(*(*ids)->allocate(), 0);
}

TEST(ProducerIdAllocator, AnUnreadableFileRefusesToOpen) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "producer-ids";
  std::ofstream(file) << "reserved_end=12x\n";
  auto ids = ProducerIdAllocator::open(PosixFileSystem::instance(), file);
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), caudal::Errc::kMalformed);
  EXPECT_NE(ids.status().message().find(file.string()), std::string::npos);
}

}  // namespace
}  // namespace caudal::kafka
