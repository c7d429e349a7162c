// The listener end to end over a real socket, with the log in a temp dir and the codec as the
// client: dispatch, ordering, each handler's answers and errors, long-poll, and bad input.
#include "kafka/net/kafka_server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages.h"
#include "log/record_batch_header.h"
#include "log/tests/storage_test_support.h"

namespace caudal::kafka {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using log::testing::make_batch;
using log::testing::TempDir;

// A blocking client with a receive timeout, so a missing answer fails the test instead of
// hanging it.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval timeout{5, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }

  void send_raw(ByteView bytes) { asio::write(socket_, asio::buffer(bytes.data(), bytes.size())); }

  template <Message M>
  void send(const M& request, int16_t version, int32_t correlation_id) {
    auto frame = encode_request_frame(request, version, correlation_id, "test-client");
    ASSERT_TRUE(frame.ok()) << frame.status().to_string();
    send_raw(*frame);
  }

  // The next frame's payload, or nullopt when the broker closed the connection (or said
  // nothing for 5 s).
  std::optional<Bytes> read_frame() {
    uint8_t prefix[4];
    boost::system::error_code ec;
    asio::read(socket_, asio::buffer(prefix), ec);
    if (ec) return std::nullopt;
    Bytes payload(load_be32(prefix));
    asio::read(socket_, asio::buffer(payload), ec);
    if (ec) return std::nullopt;
    return payload;
  }

  // The next response, decoded as version `version` of R; its ByteViews point into last_.
  template <Message R>
  DecodedResponse<R> receive(int16_t version) {
    auto frame = read_frame();
    EXPECT_TRUE(frame.has_value()) << "no response";
    if (!frame) return {};
    last_ = std::move(*frame);
    auto decoded = decode_response_frame<R>(last_, version);
    EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
    return decoded.ok() ? std::move(*decoded) : DecodedResponse<R>{};
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  Bytes last_;
};

class KafkaServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start(true); }

  void start(bool auto_create) {
    log::LogOptions options;
    options.data_dir = dir_.path();
    options.retention_check_interval = Duration::zero();
    auto opened = log::Log::open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    log_ = std::move(*opened);
    BrokerConfig config;
    config.auto_create_topics = auto_create;
    config.topic_defaults.partitions = 2;
    KafkaServerOptions server_options;
    server_options.max_frame_size = 1 << 20;
    auto server = KafkaServer::start(server_options, {&loop_}, config, *log_, registry_);
    ASSERT_TRUE(server.ok()) << server.status().to_string();
    server_ = std::move(*server);
    thread_ = std::thread([this] { loop_.run(); });
  }

  void TearDown() override {
    server_->stop();
    guard_.reset();
    loop_.stop();
    thread_.join();
    server_.reset();
    log_->close();
  }

  uint16_t port() const { return server_->port(); }

  void create_topic(const std::string& name, int32_t partitions = 1) {
    log::TopicSettings settings;
    settings.partitions = partitions;
    ASSERT_TRUE(log_->create_topic(name, settings).ok());
  }

  static ProduceRequest produce_request(const std::string& topic, int32_t partition,
                                        ByteView batch, int16_t acks = 1) {
    ProduceRequest request;
    request.acks = acks;
    request.timeout_ms = 1000;
    request.topics.push_back({topic, {{partition, batch}}});
    return request;
  }

  static FetchRequest fetch_request(const std::string& topic, int32_t partition, int64_t offset,
                                    int32_t max_wait_ms = 0, int32_t min_bytes = 1) {
    FetchRequest request;
    request.max_wait_ms = max_wait_ms;
    request.min_bytes = min_bytes;
    request.max_bytes = 1 << 20;
    FetchRequest::Partition p;
    p.partition = partition;
    p.fetch_offset = offset;
    p.partition_max_bytes = 1 << 20;
    request.topics.push_back({topic, {p}});
    return request;
  }

  TempDir dir_;
  metrics::Registry registry_;
  std::unique_ptr<log::Log> log_;
  asio::io_context loop_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ =
      asio::make_work_guard(loop_);
  std::thread thread_;
  std::unique_ptr<KafkaServer> server_;
};

TEST_F(KafkaServerTest, ApiVersionsAdvertisesTheHandledApisWithTheTableRanges) {
  Client client(port());
  client.send(ApiVersionsRequest{"test", "1.0"}, 3, 7);
  auto response = client.receive<ApiVersionsResponse>(3);
  EXPECT_EQ(response.correlation_id, 7);
  EXPECT_EQ(response.body.error_code, ErrorCode::kNone);
  ASSERT_EQ(response.body.api_keys.size(), handler_table().size());
  bool saw_fetch = false;
  for (const auto& entry : response.body.api_keys) {
    const ApiInfo* info = find_api(entry.api_key);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(entry.min_version, info->min_version);
    EXPECT_EQ(entry.max_version, info->max_version);
    saw_fetch |= info->key == ApiKey::kFetch;
  }
  EXPECT_TRUE(saw_fetch);
}

TEST_F(KafkaServerTest, ApiVersionsOfAnUnknownVersionAnswersError35InVersionZero) {
  Client client(port());
  // v9 header followed by a body in a layout the broker does not know.
  ByteWriter out(64);
  size_t start = begin_frame(out);
  out.write_i16(18);
  out.write_i16(9);
  out.write_i32(42);
  out.write_i16(-1);
  out.write_u8(0);
  out.write_u8(0xff);
  ASSERT_TRUE(end_frame(out, start).ok());
  client.send_raw(out.take());
  auto response = client.receive<ApiVersionsResponse>(0);
  EXPECT_EQ(response.correlation_id, 42);
  EXPECT_EQ(response.body.error_code, ErrorCode::kUnsupportedVersion);
  EXPECT_FALSE(response.body.api_keys.empty());
}

TEST_F(KafkaServerTest, MetadataListsEveryTopicAndAutoCreatesNamedOnes) {
  create_topic("existing", 3);
  Client client(port());
  MetadataRequest all;
  all.topics = std::nullopt;
  client.send(all, 1, 1);
  auto listed = client.receive<MetadataResponse>(1);
  ASSERT_EQ(listed.body.topics.size(), 1u);
  EXPECT_EQ(listed.body.topics[0].name, "existing");
  EXPECT_EQ(listed.body.topics[0].partitions.size(), 3u);
  ASSERT_EQ(listed.body.brokers.size(), 1u);
  EXPECT_EQ(listed.body.brokers[0].port, port());
  EXPECT_EQ(listed.body.brokers[0].host, "127.0.0.1");
  EXPECT_EQ(listed.body.topics[0].partitions[2].leader_id, 0);

  MetadataRequest named;
  named.topics = std::vector<MetadataRequest::Topic>{{"fresh"}, {"bad name!"}};
  client.send(named, 4, 2);
  auto created = client.receive<MetadataResponse>(4);
  ASSERT_EQ(created.body.topics.size(), 2u);
  EXPECT_EQ(created.body.topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(created.body.topics[0].partitions.size(), 2u);  // the broker's default
  EXPECT_EQ(created.body.topics[1].error_code, ErrorCode::kInvalidTopicException);
  EXPECT_TRUE(log_->describe_topic("fresh").ok());

  named.topics = std::vector<MetadataRequest::Topic>{{"not-wanted"}};
  named.allow_auto_topic_creation = false;
  client.send(named, 4, 3);
  auto refused = client.receive<MetadataResponse>(4);
  ASSERT_EQ(refused.body.topics.size(), 1u);
  EXPECT_EQ(refused.body.topics[0].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_FALSE(log_->describe_topic("not-wanted").ok());
}

TEST_F(KafkaServerTest, MetadataVersionZeroEmptyListMeansAllTopics) {
  create_topic("a");
  create_topic("b");
  Client client(port());
  client.send(MetadataRequest{}, 0, 1);
  EXPECT_EQ(client.receive<MetadataResponse>(0).body.topics.size(), 2u);
  client.send(MetadataRequest{}, 1, 2);
  EXPECT_EQ(client.receive<MetadataResponse>(1).body.topics.size(), 0u);
}

TEST_F(KafkaServerTest, ProducedBatchIsFetchedBackByteForByteWithItsOffsets) {
  create_topic("events");
  Client client(port());
  Bytes first = make_batch(3, 200, 1);
  Bytes second = make_batch(2, 100, 2);
  client.send(produce_request("events", 0, first), 7, 1);
  auto produced = client.receive<ProduceResponse>(7);
  ASSERT_EQ(produced.body.responses.size(), 1u);
  EXPECT_EQ(produced.body.responses[0].partitions[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(produced.body.responses[0].partitions[0].base_offset, 0);
  client.send(produce_request("events", 0, second, -1), 7, 2);
  auto again = client.receive<ProduceResponse>(7);
  EXPECT_EQ(again.body.responses[0].partitions[0].base_offset, 3);
  EXPECT_EQ(again.body.responses[0].partitions[0].log_start_offset, 0);

  client.send(fetch_request("events", 0, 0), 11, 3);
  auto fetched = client.receive<FetchResponse>(11);
  ASSERT_EQ(fetched.body.responses.size(), 1u);
  const auto& partition = fetched.body.responses[0].partitions[0];
  EXPECT_EQ(partition.error_code, ErrorCode::kNone);
  EXPECT_EQ(partition.high_watermark, 5);
  EXPECT_EQ(partition.last_stable_offset, 5);
  EXPECT_EQ(partition.log_start_offset, 0);
  EXPECT_EQ(partition.preferred_read_replica, -1);
  ASSERT_TRUE(partition.records.has_value());
  ASSERT_EQ(partition.records->size(), first.size() + second.size());
  // Only the base offset and the leader epoch differ from what was produced.
  Bytes expected = first;
  expected.insert(expected.end(), second.begin(), second.end());
  log::set_batch_base_offset(expected.data(), 0);
  log::set_batch_partition_leader_epoch(expected.data(), 0);
  log::set_batch_base_offset(expected.data() + first.size(), 3);
  log::set_batch_partition_leader_epoch(expected.data() + first.size(), 0);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), partition.records->begin()));

  // At the high watermark: no data, zero-length records (never null).
  client.send(fetch_request("events", 0, 5), 4, 4);
  auto empty = client.receive<FetchResponse>(4);
  ASSERT_TRUE(empty.body.responses[0].partitions[0].records.has_value());
  EXPECT_TRUE(empty.body.responses[0].partitions[0].records->empty());
  EXPECT_EQ(empty.body.responses[0].partitions[0].error_code, ErrorCode::kNone);
}

TEST_F(KafkaServerTest, ProducePerPartitionErrors) {
  create_topic("events");
  Client client(port());
  Bytes good = make_batch(1, 10, 1);
  Bytes corrupt = good;
  corrupt.back() ^= 0xff;
  ProduceRequest request;
  request.acks = 1;
  request.topics.push_back({"events", {{0, ByteView(corrupt)}, {7, ByteView(good)}}});
  request.topics.push_back({"missing", {{0, ByteView(good)}}});
  client.send(request, 7, 1);
  auto response = client.receive<ProduceResponse>(7);
  ASSERT_EQ(response.body.responses.size(), 2u);
  EXPECT_EQ(response.body.responses[0].partitions[0].error_code, ErrorCode::kCorruptMessage);
  EXPECT_EQ(response.body.responses[0].partitions[1].error_code,
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(response.body.responses[1].partitions[0].error_code,
            ErrorCode::kUnknownTopicOrPartition);

  client.send(produce_request("events", 0, good, 2), 7, 2);
  EXPECT_EQ(client.receive<ProduceResponse>(7).body.responses[0].partitions[0].error_code,
            ErrorCode::kInvalidRequiredAcks);

  Bytes zstd = good;
  zstd[log::batch_offsets::kAttributes + 1] = static_cast<uint8_t>(log::Compression::kZstd);
  log::seal_batch_crc(zstd.data(), zstd.size());
  client.send(produce_request("events", 0, zstd), 6, 3);
  EXPECT_EQ(client.receive<ProduceResponse>(6).body.responses[0].partitions[0].error_code,
            ErrorCode::kUnsupportedCompressionType);

  Bytes magic1 = good;
  magic1[log::batch_offsets::kMagic] = 1;
  client.send(produce_request("events", 0, magic1), 7, 4);
  EXPECT_EQ(client.receive<ProduceResponse>(7).body.responses[0].partitions[0].error_code,
            ErrorCode::kInvalidRecord);
  EXPECT_EQ((*log_->partition("events", log::PartitionId(0)))->high_watermark().value(), 0);
}

TEST_F(KafkaServerTest, AcksZeroGetsNoResponseAndOrderIsKept) {
  create_topic("events");
  Client client(port());
  Bytes batch = make_batch(1, 10, 1);
  // Pipelined: acks=0 produce, then a fetch that waits, then ApiVersions: answers come for 2
  // and 3 only, in that order, although ApiVersions is answered first by its handler.
  client.send(produce_request("events", 0, batch, 0), 7, 1);
  client.send(fetch_request("events", 0, 1, 300, 1), 11, 2);
  client.send(ApiVersionsRequest{}, 0, 3);
  auto fetched = client.receive<FetchResponse>(11);
  EXPECT_EQ(fetched.correlation_id, 2);
  auto versions = client.receive<ApiVersionsResponse>(0);
  EXPECT_EQ(versions.correlation_id, 3);
  EXPECT_EQ((*log_->partition("events", log::PartitionId(0)))->high_watermark().value(), 1);
}

TEST_F(KafkaServerTest, FetchWaitsForDataAndAnswersWhenItArrives) {
  create_topic("events");
  Client client(port());
  auto started = std::chrono::steady_clock::now();
  client.send(fetch_request("events", 0, 0, 5000, 1), 11, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE((*log_->partition("events", log::PartitionId(0)))->append(make_batch(2, 50, 1)).ok());
  auto fetched = client.receive<FetchResponse>(11);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LT(waited, std::chrono::seconds(3));
  EXPECT_GE(waited, std::chrono::milliseconds(100));
  EXPECT_EQ(fetched.body.responses[0].partitions[0].high_watermark, 2);
  EXPECT_FALSE(fetched.body.responses[0].partitions[0].records->empty());
}

TEST_F(KafkaServerTest, FetchAnswersEmptyAtTheDeadline) {
  create_topic("events");
  Client client(port());
  auto started = std::chrono::steady_clock::now();
  client.send(fetch_request("events", 0, 0, 200, 1), 11, 1);
  auto fetched = client.receive<FetchResponse>(11);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(190));
  EXPECT_LT(waited, std::chrono::seconds(3));
  EXPECT_TRUE(fetched.body.responses[0].partitions[0].records->empty());
}

TEST_F(KafkaServerTest, FetchErrorsAnswerAtOnce) {
  create_topic("events");
  Client client(port());
  client.send(fetch_request("events", 0, 10, 5000), 11, 1);
  auto out_of_range = client.receive<FetchResponse>(11);
  EXPECT_EQ(out_of_range.body.responses[0].partitions[0].error_code, ErrorCode::kOffsetOutOfRange);
  client.send(fetch_request("nope", 0, 0, 5000), 11, 2);
  auto unknown = client.receive<FetchResponse>(11);
  EXPECT_EQ(unknown.body.responses[0].partitions[0].error_code,
            ErrorCode::kUnknownTopicOrPartition);
}

TEST_F(KafkaServerTest, FetchLimitsGiveTheFirstWholeBatchButNoMore) {
  create_topic("events", 2);
  auto p0 = *log_->partition("events", log::PartitionId(0));
  auto p1 = *log_->partition("events", log::PartitionId(1));
  Bytes big = make_batch(1, 1000, 1);
  ASSERT_TRUE(p0->append(big).ok());
  ASSERT_TRUE(p0->append(make_batch(1, 10, 2)).ok());
  ASSERT_TRUE(p1->append(make_batch(1, 10, 3)).ok());
  Client client(port());
  FetchRequest request = fetch_request("events", 0, 0);
  request.topics[0].partitions[0].partition_max_bytes = 100;
  FetchRequest::Partition second;
  second.partition = 1;
  second.partition_max_bytes = 100;
  request.topics[0].partitions.push_back(second);
  request.max_bytes = 500;
  client.send(request, 11, 1);
  auto fetched = client.receive<FetchResponse>(11);
  const auto& partitions = fetched.body.responses[0].partitions;
  ASSERT_EQ(partitions.size(), 2u);
  EXPECT_EQ(partitions[0].records->size(), big.size());  // over both limits, but whole
  EXPECT_TRUE(partitions[1].records->empty());           // nothing left of max_bytes
  EXPECT_EQ(partitions[1].high_watermark, 1);
}

TEST_F(KafkaServerTest, ListOffsetsEarliestLatestAndByTime) {
  create_topic("events");
  auto partition = *log_->partition("events", log::PartitionId(0));
  ASSERT_TRUE(partition->append(make_batch(2, 10, 1, 1000)).ok());
  ASSERT_TRUE(partition->append(make_batch(3, 10, 2, 2000)).ok());
  Client client(port());
  ListOffsetsRequest request;
  request.topics.push_back({"events", {{0, -2}, {0, -1}, {0, 1500}, {0, 9000}, {4, -1}}});
  client.send(request, 1, 1);
  auto response = client.receive<ListOffsetsResponse>(1);
  const auto& answers = response.body.topics[0].partitions;
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[0].offset, 0);
  EXPECT_EQ(answers[1].offset, 5);
  EXPECT_EQ(answers[2].offset, 2);
  EXPECT_EQ(answers[2].timestamp, 2000);
  EXPECT_EQ(answers[3].offset, -1);
  EXPECT_EQ(answers[4].error_code, ErrorCode::kUnknownTopicOrPartition);
}

TEST_F(KafkaServerTest, OffsetForLeaderEpochHasOneEpochEndingAtTheHighWatermark) {
  create_topic("events");
  ASSERT_TRUE((*log_->partition("events", log::PartitionId(0)))->append(make_batch(4, 10, 1)).ok());
  Client client(port());
  OffsetForLeaderEpochRequest request;
  request.topics.push_back(
      {"events", {{0, -1, 0}, {0, -1, 5}, {0, -1, -1}, {0, 3, 0}, {0, -1, 0}}});
  request.topics[0].partitions[4].partition = 9;
  request.topics[0].partitions.push_back({0, 0, 0});
  client.send(request, 3, 1);
  auto response = client.receive<OffsetForLeaderEpochResponse>(3);
  const auto& answers = response.body.topics[0].partitions;
  ASSERT_EQ(answers.size(), 6u);
  EXPECT_EQ(answers[0].leader_epoch, 0);
  EXPECT_EQ(answers[0].end_offset, 4);
  EXPECT_EQ(answers[1].end_offset, 4);  // a later epoch: the last one there is
  EXPECT_EQ(answers[2].leader_epoch, -1);
  EXPECT_EQ(answers[2].end_offset, -1);
  EXPECT_EQ(answers[3].error_code, ErrorCode::kUnknownLeaderEpoch);
  EXPECT_EQ(answers[4].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(answers[5].error_code, ErrorCode::kNone);
  EXPECT_EQ(answers[5].end_offset, 4);
}

TEST_F(KafkaServerTest, CreateAndDeleteTopics) {
  Client client(port());
  CreateTopicsRequest create;
  create.topics.push_back({"t1", 4, 1, {}, {{"retention.ms", "60000"}}});
  create.topics.push_back({"t2", -1, 3, {}, {}});
  create.topics.push_back({"t3", 1, -1, {}, {{"compression.type", "lz4"}}});
  create.topics.push_back({"t4", 0, -1, {}, {}});
  create.topics.push_back({"t5", 1, -1, {}, {}});
  create.validate_only = false;
  client.send(create, 4, 1);
  auto created = client.receive<CreateTopicsResponse>(4);
  ASSERT_EQ(created.body.topics.size(), 5u);
  EXPECT_EQ(created.body.topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(created.body.topics[1].error_code, ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(created.body.topics[2].error_code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(created.body.topics[3].error_code, ErrorCode::kInvalidPartitions);
  EXPECT_EQ(created.body.topics[4].error_code, ErrorCode::kNone);
  auto t1 = log_->describe_topic("t1");
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->partitions.size(), 4u);
  EXPECT_EQ(t1->settings.retention, Duration(std::chrono::milliseconds(60000)));

  CreateTopicsRequest again;
  again.topics.push_back({"t1", 1, 1, {}, {}});
  again.topics.push_back({"t9", 1, 1, {}, {}});
  again.validate_only = true;
  client.send(again, 4, 2);
  auto validated = client.receive<CreateTopicsResponse>(4);
  EXPECT_EQ(validated.body.topics[0].error_code, ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(validated.body.topics[1].error_code, ErrorCode::kNone);
  EXPECT_FALSE(log_->describe_topic("t9").ok());

  client.send(DeleteTopicsRequest{{"t1", "missing"}, 1000}, 3, 3);
  auto deleted = client.receive<DeleteTopicsResponse>(3);
  ASSERT_EQ(deleted.body.responses.size(), 2u);
  EXPECT_EQ(deleted.body.responses[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(deleted.body.responses[1].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(log_->list_topics(), std::vector<std::string>{"t5"});
}

TEST_F(KafkaServerTest, OversizedFrameClosesOnlyThatConnection) {
  Client good(port());
  Client bad(port());
  uint8_t prefix[4];
  store_be32(prefix, 64u << 20);  // over the 1 MiB maximum of this server
  bad.send_raw(prefix);
  EXPECT_FALSE(bad.read_frame().has_value());
  good.send(ApiVersionsRequest{}, 0, 1);
  EXPECT_EQ(good.receive<ApiVersionsResponse>(0).body.error_code, ErrorCode::kNone);
}

TEST_F(KafkaServerTest, MalformedBodyUnservedApiAndUnservedVersionClose) {
  {
    Client client(port());
    ByteWriter out(32);
    size_t start = begin_frame(out);
    out.write_i16(3);  // Metadata v1 whose topic count promises more than is there
    out.write_i16(1);
    out.write_i32(1);
    out.write_i16(-1);
    out.write_i32(1000);
    ASSERT_TRUE(end_frame(out, start).ok());
    client.send_raw(out.take());
    EXPECT_FALSE(client.read_frame().has_value());
  }
  {
    Client client(port());
    ByteWriter out(32);
    size_t start = begin_frame(out);
    out.write_i16(3);  // Metadata v7: not advertised, Metadata goes to v6
    out.write_i16(7);
    out.write_i32(1);
    out.write_i16(-1);
    out.write_i32(-1);
    out.write_u8(1);
    ASSERT_TRUE(end_frame(out, start).ok());
    client.send_raw(out.take());
    EXPECT_FALSE(client.read_frame().has_value());
  }
  {
    Client client(port());
    ByteWriter out(32);
    size_t start = begin_frame(out);
    out.write_i16(1000);  // no such API
    out.write_i16(0);
    out.write_i32(1);
    out.write_i16(-1);
    ASSERT_TRUE(end_frame(out, start).ok());
    client.send_raw(out.take());
    EXPECT_FALSE(client.read_frame().has_value());
  }
  {
    Client client(port());
    client.send(SaslHandshakeRequest{"PLAIN"}, 1, 1);  // in the codec, not answered by a handler
    EXPECT_FALSE(client.read_frame().has_value());
  }
  EXPECT_EQ(registry_
                .counter("caudal_kafka_connections_closed_for_errors_total",
                         "Kafka connections closed because of a malformed or unsupported request")
                .get()
                .value(),
            4u);
}

}  // namespace
}  // namespace caudal::kafka
