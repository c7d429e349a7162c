// Kafka Produce load at the protocol level: pre-encoded Produce requests (v7, one record batch
// of --batch records of --size bytes each, built once per partition) sent back to back on one
// connection with up to --in-flight requests outstanding, every response decoded and checked.
//
// Why beside kafka_bench (librdkafka): a librdkafka producer spends about a core building
// batches of 100-byte messages, so on a 2-core machine it measures the client as much as the
// broker (the mock cluster, which does no I/O, gives the same rate). redis-benchmark, the
// Redis peer of run.sh, pipelines pre-built commands; this does the same for Kafka, so the two
// servers are compared under the same kind of load. The records are stored for real: the
// topic holds --batch records per acknowledged request afterwards.
//
//   kafka_pipelined_produce --brokers HOST:PORT --topic T [--partitions N] [--size 100]
//                           [--batch 1000] [--in-flight 16] [--acks 1] [--duration 3]
// Prints: produce msgs=... seconds=... msg_per_s=... mb_per_s=...
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "common/byte_reader.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/messages/produce.h"
#include "log/record_batch_builder.h"

namespace {

using namespace caudal;
using Clock = std::chrono::steady_clock;

constexpr int16_t kProduceVersion = 7;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "kafka_pipelined_produce: %s\n", message.c_str());
  std::exit(1);
}

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "9092";
  std::string topic = "bench";
  int partitions = 1;
  size_t size = 100;
  int batch = 1000;
  int in_flight = 16;
  int16_t acks = 1;
  double duration = 3;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) die(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--brokers") {
      const size_t colon = value.rfind(':');
      if (colon == std::string::npos) die("--brokers wants HOST:PORT");
      o.host = value.substr(0, colon);
      o.port = value.substr(colon + 1);
    } else if (arg == "--topic") {
      o.topic = value;
    } else if (arg == "--partitions") {
      o.partitions = std::atoi(value.c_str());
    } else if (arg == "--size") {
      o.size = std::strtoull(value.c_str(), nullptr, 10);
    } else if (arg == "--batch") {
      o.batch = std::atoi(value.c_str());
    } else if (arg == "--in-flight") {
      o.in_flight = std::atoi(value.c_str());
    } else if (arg == "--acks") {
      o.acks = static_cast<int16_t>(std::atoi(value.c_str()));
    } else if (arg == "--duration") {
      o.duration = std::atof(value.c_str());
    } else {
      die("unknown option " + arg);
    }
  }
  if (o.partitions < 1 || o.batch < 1 || o.in_flight < 1 || o.acks == 0) {
    die("--partitions, --batch and --in-flight must be positive, --acks 1 or -1");
  }
  return o;
}

int connect_to(const Options& o) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(o.host.c_str(), o.port.c_str(), &hints, &found) != 0 || found == nullptr) {
    die("cannot resolve " + o.host);
  }
  const int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    die("cannot connect to " + o.host + ":" + o.port);
  }
  ::freeaddrinfo(found);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) die("the broker closed the connection while we were sending");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void read_all(int fd, uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n <= 0) die("the broker closed the connection before answering");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// One Produce request per partition, each carrying one batch of `batch` records.
std::vector<Bytes> build_requests(const Options& o) {
  std::vector<Bytes> frames;
  const std::string payload(o.size, 'x');
  const ByteView value(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  log::RecordBatchBuilder builder;
  for (int p = 0; p < o.partitions; ++p) {
    builder.reset();
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    for (int i = 0; i < o.batch; ++i) builder.append(now_ms, std::nullopt, value);
    Result<ByteView> batch = builder.build();
    if (!batch.ok()) die(batch.status().to_string());
    kafka::ProduceRequest request;
    request.acks = o.acks;
    request.timeout_ms = 30000;
    request.topics.push_back({o.topic, {{p, *batch}}});
    Result<Bytes> frame = kafka::encode_request_frame(request, kProduceVersion, 0, "pipelined");
    if (!frame.ok()) die(frame.status().to_string());
    frames.push_back(std::move(*frame));
  }
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<Bytes> frames = build_requests(o);
  const int fd = connect_to(o);
  std::deque<int32_t> outstanding;  // correlation ids in send order
  int32_t next_id = 1;
  uint64_t acked_records = 0;
  std::vector<uint8_t> response;
  size_t next_partition = 0;

  auto send_one = [&] {
    Bytes& frame = frames[next_partition];
    next_partition = (next_partition + 1) % frames.size();
    // The correlation id follows the size prefix, API key and version.
    const int32_t id = next_id++;
    const uint32_t wire = htonl(static_cast<uint32_t>(id));
    std::memcpy(frame.data() + 8, &wire, sizeof wire);
    send_all(fd, frame.data(), frame.size());
    outstanding.push_back(id);
  };
  auto receive_one = [&] {
    uint8_t prefix[4];
    read_all(fd, prefix, sizeof prefix);
    uint32_t size = 0;
    std::memcpy(&size, prefix, sizeof size);
    size = ntohl(size);
    response.resize(size);
    read_all(fd, response.data(), size);
    auto decoded = kafka::decode_response_frame<kafka::ProduceResponse>(
        ByteView(response.data(), response.size()), kProduceVersion);
    if (!decoded.ok()) die("cannot decode a Produce response: " + decoded.status().to_string());
    if (decoded->correlation_id != outstanding.front()) die("responses out of order");
    outstanding.pop_front();
    for (const auto& topic : decoded->body.responses) {
      for (const auto& partition : topic.partitions) {
        if (partition.error_code != kafka::ErrorCode::kNone) {
          die("the broker refused a batch: error code " +
              std::to_string(static_cast<int>(partition.error_code)));
        }
        acked_records += static_cast<uint64_t>(o.batch);
      }
    }
  };

  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(o.duration));
  for (int i = 0; i < o.in_flight; ++i) send_one();
  while (Clock::now() < stop) {
    receive_one();
    send_one();
  }
  while (!outstanding.empty()) receive_one();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  std::printf("produce msgs=%llu seconds=%.3f msg_per_s=%.0f mb_per_s=%.1f\n",
              static_cast<unsigned long long>(acked_records), seconds,
              static_cast<double>(acked_records) / seconds,
              static_cast<double>(acked_records * o.size) / seconds / 1e6);
  return 0;
}
