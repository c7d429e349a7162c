// A librdkafka producer/consumer benchmark (no perf tool is packaged with Debian's librdkafka).
// One run measures one case against one broker address, or against librdkafka's in-memory mock
// cluster (--mock: the client's ceiling on this machine, no disk):
//   throughput  produce as fast as the client can for --duration seconds, wait for every
//               delivery report, then consume the topic from the beginning
//   --latency   produce at --rate msg/s for --duration seconds while a consumer in the same
//               process reads; each message carries its send time, so the consumer computes
//               produce-to-consume latency (p50/p99/p99.9)
// Prints one `key=value` line per measurement for bench/kafka/run.sh to tabulate.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string brokers;
  bool mock = false;
  std::string topic = "bench";
  size_t size = 100;
  std::string acks = "1";
  int partitions = 1;
  double duration = 3.0;
  bool latency = false;
  int rate = 50000;
  std::string linger_ms = "5";
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "kafka_bench: %s\n", message.c_str());
  std::exit(2);
}

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    die(std::string(key) + ": " + err);
  }
}

rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (rk == nullptr) die(std::string("rd_kafka_new: ") + err);
  return rk;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- producing ----

struct DeliveryCounts {
  std::atomic<uint64_t> acked{0};
  std::atomic<uint64_t> failed{0};
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* counts = static_cast<DeliveryCounts*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    counts->acked.fetch_add(1, std::memory_order_relaxed);
  } else if (counts->failed.fetch_add(1, std::memory_order_relaxed) == 0) {
    std::fprintf(stderr, "kafka_bench: delivery failed: %s\n", rd_kafka_err2str(message->err));
  }
}

rd_kafka_t* make_producer(const Options& o, DeliveryCounts* counts) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", o.brokers);
  set(conf, "acks", o.acks);
  set(conf, "linger.ms", o.linger_ms);
  set(conf, "batch.num.messages", "10000");
  set(conf, "batch.size", "1000000");
  set(conf, "queue.buffering.max.messages", "1000000");
  set(conf, "queue.buffering.max.kbytes", "1048576");
  set(conf, "compression.codec", "none");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, counts);
  return make_client(RD_KAFKA_PRODUCER, conf);
}

// Queues one message, serving delivery reports while the queue is full.
void produce_one(rd_kafka_t* rk, const Options& o, void* payload) {
  while (true) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(o.topic.c_str()), RD_KAFKA_V_VALUE(payload, o.size),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) die(std::string("produce: ") + rd_kafka_err2str(err));
    rd_kafka_poll(rk, 1);
  }
}

void run_produce(const Options& o) {
  DeliveryCounts counts;
  rd_kafka_t* rk = make_producer(o, &counts);
  std::vector<char> payload(o.size, 'x');
  uint64_t sent = 0;
  auto start = Clock::now();
  while (seconds_since(start) < o.duration) {
    for (int i = 0; i < 1000; ++i) produce_one(rk, o, payload.data());
    sent += 1000;
    rd_kafka_poll(rk, 0);
  }
  if (rd_kafka_flush(rk, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR) die("flush timed out");
  double seconds = seconds_since(start);
  rd_kafka_destroy(rk);
  uint64_t acked = counts.acked.load();
  std::printf("produce msgs=%llu failed=%llu seconds=%.3f msg_per_s=%.0f mb_per_s=%.1f\n",
              static_cast<unsigned long long>(acked),
              static_cast<unsigned long long>(counts.failed.load()), seconds, acked / seconds,
              acked * o.size / seconds / 1e6);
  if (acked != sent) die("not every message was acknowledged");
}

// ---- consuming ----

// A simple (group-less) consumer of every partition of the topic from the beginning, through
// one queue: librdkafka's legacy consumer API, which needs no group.id.
class Consumer {
 public:
  Consumer(const Options& o, bool low_latency) : partitions_(o.partitions) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", o.brokers);
    set(conf, "enable.partition.eof", "false");
    set(conf, "fetch.max.bytes", "52428800");
    set(conf, "fetch.message.max.bytes", "8388608");
    set(conf, "queued.min.messages", "1000000");
    // The mock cluster answers an empty fetch only at its max wait (Caudal answers when data
    // arrives), so the latency runs keep it short.
    set(conf, "fetch.wait.max.ms", low_latency ? "5" : "500");
    // The mock cluster keeps only the newest few MB of a partition: start from what is there.
    set(conf, "auto.offset.reset", "earliest");
    rk_ = make_client(RD_KAFKA_CONSUMER, conf);
    queue_ = rd_kafka_queue_new(rk_);
    topic_ = rd_kafka_topic_new(rk_, o.topic.c_str(), nullptr);
    for (int p = 0; p < partitions_; ++p) {
      if (rd_kafka_consume_start_queue(topic_, p, RD_KAFKA_OFFSET_BEGINNING, queue_) != 0) {
        die("consume_start failed");
      }
    }
  }
  ~Consumer() {
    for (int p = 0; p < partitions_; ++p) rd_kafka_consume_stop(topic_, p);
    rd_kafka_topic_destroy(topic_);
    rd_kafka_queue_destroy(queue_);
    rd_kafka_destroy(rk_);
  }
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Messages stored in the topic now (high minus low watermark over its partitions).
  uint64_t stored(const std::string& topic) {
    uint64_t total = 0;
    for (int p = 0; p < partitions_; ++p) {
      int64_t low = 0;
      int64_t high = 0;
      if (rd_kafka_query_watermark_offsets(rk_, topic.c_str(), p, &low, &high, 10000) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        die("cannot query the watermarks");
      }
      total += static_cast<uint64_t>(high - low);
    }
    return total;
  }

  // Calls `f` for the next message if one arrives within `timeout_ms`; returns 1 if one did.
  // The latency run takes messages one at a time: a batch call waits for a full batch (or its
  // timeout), which at 50 k msg/s would add ~20 ms to every message's measured latency.
  template <typename F>
  size_t poll_one(int timeout_ms, F&& f) {
    rd_kafka_message_t* message = rd_kafka_consume_queue(queue_, timeout_ms);
    if (message == nullptr) return 0;
    size_t good = message->err == RD_KAFKA_RESP_ERR_NO_ERROR ? 1 : 0;
    if (good) f(*message);
    rd_kafka_message_destroy(message);
    return good;
  }

  // Calls `f` for each message that arrives within `timeout_ms`; returns how many did.
  template <typename F>
  size_t poll(int timeout_ms, F&& f) {
    rd_kafka_message_t* batch[1024];
    ssize_t n = rd_kafka_consume_batch_queue(queue_, timeout_ms, batch, 1024);
    size_t good = 0;
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        f(*batch[i]);
        ++good;
      }
      rd_kafka_message_destroy(batch[i]);
    }
    return good;
  }

 private:
  int partitions_;
  rd_kafka_t* rk_;
  rd_kafka_queue_t* queue_;
  rd_kafka_topic_t* topic_;
};

// Consumes what the topic holds: every message produced, except on the mock cluster, which keeps
// only the newest few MB of each partition.
void run_consume(const Options& o) {
  Consumer consumer(o, false);
  uint64_t expected = consumer.stored(o.topic);
  uint64_t got = 0;
  auto start = Clock::now();
  auto last_progress = start;
  while (got < expected && seconds_since(last_progress) < 10) {
    size_t n = consumer.poll(100, [](const rd_kafka_message_t&) {});
    if (n > 0) {
      got += n;
      last_progress = Clock::now();
    }
  }
  double seconds = std::chrono::duration<double>(last_progress - start).count();
  std::printf("consume msgs=%llu seconds=%.3f msg_per_s=%.0f mb_per_s=%.1f\n",
              static_cast<unsigned long long>(got), seconds, got / seconds,
              got * o.size / seconds / 1e6);
  if (got != expected) die("the consumer did not get every message");
}

// ---- latency ----

void run_latency(const Options& o) {
  Consumer consumer(o, true);
  DeliveryCounts counts;
  rd_kafka_t* producer = make_producer(o, &counts);
  // Let the consumer's first (empty) fetch reach the broker before timing starts.
  for (int i = 0; i < 10; ++i) consumer.poll(100, [](const rd_kafka_message_t&) {});
  // One message through first, so connections and metadata are in place before timing starts;
  // the consumer skips it.
  {
    int64_t zero = 0;
    std::vector<char> warmup(std::max<size_t>(o.size, sizeof(int64_t)), 'x');
    std::memcpy(warmup.data(), &zero, sizeof(zero));
    produce_one(producer, o, warmup.data());
    rd_kafka_flush(producer, 10000);
  }
  std::atomic<uint64_t> sent{0};
  std::atomic<bool> sending{true};
  std::thread sender([&] {
    std::vector<char> payload(std::max<size_t>(o.size, sizeof(int64_t)), 'x');
    auto start = Clock::now();
    auto tick = std::chrono::microseconds(1000);
    uint64_t per_tick = static_cast<uint64_t>(o.rate) / 1000;
    for (auto next = start; seconds_since(start) < o.duration; next += tick) {
      std::this_thread::sleep_until(next);
      for (uint64_t i = 0; i < per_tick; ++i) {
        int64_t now = Clock::now().time_since_epoch().count();
        std::memcpy(payload.data(), &now, sizeof(now));
        produce_one(producer, o, payload.data());
      }
      sent += per_tick;
      rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 60000);
    sending = false;
  });
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(o.rate * o.duration) + 1000);
  auto last_progress = Clock::now();
  while ((sending || latencies.size() < sent) && seconds_since(last_progress) < 10) {
    size_t n = consumer.poll_one(100, [&](const rd_kafka_message_t& m) {
      if (m.len < sizeof(int64_t)) return;
      int64_t then;
      std::memcpy(&then, m.payload, sizeof(then));
      if (then == 0) return;  // the warm-up message
      latencies.push_back(Clock::now().time_since_epoch().count() - then);
    });
    if (n > 0) last_progress = Clock::now();
  }
  sender.join();
  rd_kafka_destroy(producer);
  if (latencies.empty()) die("no message arrived");
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    size_t i = std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()));
    return latencies[i] / 1e6;
  };
  std::printf("latency msgs=%zu sent=%llu rate=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
              latencies.size(), static_cast<unsigned long long>(sent.load()), o.rate, pct(0.5),
              pct(0.99), pct(0.999));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--brokers")
      o.brokers = value();
    else if (arg == "--mock")
      o.mock = true;
    else if (arg == "--topic")
      o.topic = value();
    else if (arg == "--size")
      o.size = std::stoul(value());
    else if (arg == "--acks")
      o.acks = value();
    else if (arg == "--partitions")
      o.partitions = std::stoi(value());
    else if (arg == "--duration")
      o.duration = std::stod(value());
    else if (arg == "--latency")
      o.latency = true;
    else if (arg == "--rate")
      o.rate = std::stoi(value());
    else if (arg == "--linger-ms")
      o.linger_ms = value();
    else
      die("unknown argument " + arg);
  }
  if (o.brokers.empty() != o.mock) die("give exactly one of --brokers ADDR and --mock");
  if (o.size == 0 || o.partitions <= 0 || o.duration <= 0 || o.rate < 1000) {
    die("--size, --partitions and --duration must be positive, --rate at least 1000");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  rd_kafka_t* mock_owner = nullptr;
  rd_kafka_mock_cluster_t* mock = nullptr;
  if (o.mock) {
    // One in-memory broker on loopback, owned by a client handle of its own; the producer and
    // consumer then use it as they would any broker.
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "log_level", "3");  // it has no bootstrap servers, and says so at level 4
    mock_owner = make_client(RD_KAFKA_PRODUCER, conf);
    mock = rd_kafka_mock_cluster_new(mock_owner, 1);
    if (mock == nullptr) die("cannot create the mock cluster");
    o.brokers = rd_kafka_mock_cluster_bootstraps(mock);
    if (rd_kafka_mock_topic_create(mock, o.topic.c_str(), o.partitions, 1) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      die("cannot create the mock topic");
    }
  }
  if (o.latency) {
    run_latency(o);
  } else {
    run_produce(o);
    run_consume(o);
  }
  if (mock != nullptr) {
    rd_kafka_mock_cluster_destroy(mock);
    rd_kafka_destroy(mock_owner);
  }
  return 0;
}
