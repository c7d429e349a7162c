// `caudal demo alarms`: seed 004's alarm system end to end in one process (docs/demo.md).
// Makes a fresh directory, writes the customers there, starts the server with the example's
// configuration (its data_dir, the customers table and the e-mail outbox moved into that
// directory), runs the sensor simulator against it at a pleasant rate and prints the
// dashboard's URL. Ctrl-C stops the simulator, then the server; the directory is removed
// unless --dir named it.
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/simulate_options.h"
#include "common/errc.h"
#include "common/metrics/registry.h"
#include "config/config.h"
#include "config/endpoint.h"
#include "config/errc.h"
#include "config/environment.h"
#include "demo/customers.h"
#include "demo/simulator.h"
#include "server/process_metrics.h"
#include "server/server.h"

namespace caudal::cli {
namespace {

struct DemoArgs {
  std::string config = "examples/alarms/caudal.yaml";
  std::string dir;  // empty: a new temporary directory, removed at the end
  std::string http;  // empty: the example's listen.http
  uint64_t customers = demo::kDefaultCustomerCount;
  SimulateArgs simulate = demo_pace();

  // Until Ctrl-C, at a rate a person can follow on the map, in small batches.
  static SimulateArgs demo_pace() {
    SimulateArgs args;
    args.readings = 0;
    args.rate = 2000;
    args.connections = 2;
    args.batch = 100;
    return args;
  }
};

// The process environment, with CAUDAL_OUTBOX (the example's e-mail outbox) in the demo's
// directory unless the process sets it.
class DemoEnvironment final : public config::Environment {
 public:
  explicit DemoEnvironment(std::string outbox) : outbox_(std::move(outbox)) {}
  std::optional<std::string> get(std::string_view name) const override {
    std::optional<std::string> value = process_.get(name);
    if (!value.has_value() && name == "CAUDAL_OUTBOX") return outbox_;
    return value;
  }

 private:
  config::ProcessEnvironment process_;
  std::string outbox_;
};

// The directory the demo runs in: --dir (which must not exist yet, or be empty) or a new one
// under the system's temporary folder.
Result<std::filesystem::path> fresh_directory(const std::string& wanted) {
  if (wanted.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "caudal-demo-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status(Errc::kIo, fmt::format("cannot create a directory like {}", pattern));
    }
    return std::filesystem::path(pattern);
  }
  std::error_code error;
  std::filesystem::path dir(wanted);
  if (std::filesystem::exists(dir, error) && !std::filesystem::is_empty(dir, error)) {
    return Status(Errc::kAlreadyExists,
                  fmt::format("--dir {}: the demo starts from nothing; give a new or empty "
                              "directory",
                              wanted));
  }
  std::filesystem::create_directories(dir, error);
  if (error) {
    return Status(Errc::kIo, fmt::format("cannot create {}: {}", wanted, error.message()));
  }
  return std::filesystem::absolute(dir);
}

int run_demo(DemoArgs args, const LogOptions& log) {
  if (Status s = setup_logging(log); !s.ok()) {
    fmt::print(stderr, "caudal: {}\n", s.message());
    return kExitUsage;
  }
  Result<std::filesystem::path> dir = fresh_directory(args.dir);
  if (!dir.ok()) {
    fmt::print(stderr, "caudal: {}\n", dir.status().message());
    return kExitFailure;
  }
  // Everything the demo writes stays in its directory, removed at the end unless --dir.
  auto remove_dir = [&] {
    if (!args.dir.empty()) return;
    std::error_code error;
    std::filesystem::remove_all(*dir, error);
  };
  const std::filesystem::path outbox = *dir / "outbox";
  auto loaded = config::load_config_file(args.config, DemoEnvironment(outbox.string()));
  if (!loaded.ok()) {
    fmt::print(stderr, "{}\n", loaded.status().message());
    remove_dir();
    return kExitInvalidConfig;
  }
  config::Config config = std::move(loaded).value();
  if (!args.http.empty()) {
    Result<config::Endpoint> endpoint = config::parse_endpoint(args.http);
    if (!endpoint.ok()) {
      fmt::print(stderr, "caudal: --http: {}\n", endpoint.status().message());
      remove_dir();
      return kExitUsage;
    }
    config.listen.http = *endpoint;
  }
  // The dashboard searches through the HTTP listener (/v1/search): unless the example asks for
  // it, the demo leaves the Elasticsearch listener's default port 9200 alone.
  if (!config.listen.elasticsearch_setting) config.listen.elasticsearch.reset();
  if (!config.listen.http) {
    fmt::print(stderr, "caudal: {} has no listen.http: the demo needs it\n", args.config);
    remove_dir();
    return kExitInvalidConfig;
  }
  config.data_dir = *dir / "data";
  const std::filesystem::path customers = *dir / "customers.csv";
  if (auto table = config.tables.find("customers"); table != config.tables.end()) {
    table->second.csv = customers;
  }
  fmt::print("caudal demo: writing {} customers to {}\n", args.customers, customers.string());
  if (Status s = demo::write_customers_csv(customers, args.simulate.seed, args.customers);
      !s.ok()) {
    fmt::print(stderr, "caudal: {}\n", s.message());
    remove_dir();
    return kExitFailure;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  metrics::Registry& registry = metrics::Registry::global();
  server::register_process_metrics(registry);
  auto server = server::Server::start(config, registry);
  if (!server.ok()) {
    fmt::print(stderr, "caudal: cannot start: {}\n", server.status().message());
    remove_dir();
    return server.status().code() == config::Errc::kInvalid ? kExitInvalidConfig : kExitFailure;
  }
  std::string http_address;
  for (const auto& listener : (*server)->listeners()) {
    spdlog::info("listening {} on {} ({})", listener.protocol, listener.address,
                 listener.serves);
    if (listener.protocol == "http") http_address = listener.address;
  }

  args.simulate.http = http_address;
  args.simulate.sensors = args.customers;
  Result<demo::SimulatorOptions> options = simulator_options(args.simulate);
  if (!options.ok()) {
    fmt::print(stderr, "caudal: {}\n", options.status().message());
    (*server)->stop();
    remove_dir();
    return kExitUsage;
  }
  fmt::print(
      "\n  Caudal's alarm demo is running.\n\n  Dashboard:  http://{}/ui\n  Data:       {}\n"
      "  Mailbox:    {} (one .eml per alarm)\n"
      "  Sensors:    {} posting about {:.0f} readings/s\n\n  Ctrl-C stops it.\n\n",
      http_address, dir->string(), outbox.string(), args.customers, args.simulate.rate);
  std::atomic<bool> stop{false};
  Result<demo::SimulatorReport> report = Status(Errc::kUnavailable, "not run");
  std::thread simulator([&] { report = demo::run_simulator(*options, stop, nullptr); });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("received {}, stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  stop.store(true);
  simulator.join();
  (*server)->stop();
  if (report.ok()) {
    fmt::print("caudal demo: sent {} readings and {} recoveries; {} alarms had to activate\n",
               report->truth.readings, report->truth.recoveries, report->truth.alarm_total());
  }
  remove_dir();
  spdlog::info("stopped cleanly");
  return kExitOk;
}

}  // namespace

void register_demo_command(CLI::App& app, CommandContext& context) {
  CLI::App* cmd = app.add_subcommand("demo", "Run a demo end to end in this process");
  cmd->require_subcommand(1);
  auto args = std::make_shared<DemoArgs>();
  CLI::App* alarms = cmd->add_subcommand(
      "alarms", "Seed 004's alarm system: customers, sensors, rules, live dashboard");
  alarms->add_option("-c,--config", args->config, "The example's configuration")
      ->capture_default_str();
  alarms->add_option("--dir", args->dir,
                     "Run in this new directory and keep it (default: a temporary one)");
  alarms->add_option("--http", args->http, "HTTP listener host:port (default: the config's)");
  alarms->add_option("--customers", args->customers, "Customers, one sensor each")
      ->capture_default_str();
  alarms->add_option("--rate", args->simulate.rate, "Readings per second")->capture_default_str();
  alarms->add_option("--seed", args->simulate.seed, "Same seed, same customers and readings")
      ->capture_default_str();
  alarms->add_option("--anomaly-probability", args->simulate.anomaly_probability,
                     "Chance that a reading of a quiet sensor starts an anomaly")
      ->capture_default_str();
  alarms->add_option("--recovery-probability", args->simulate.recovery_probability,
                     "Chance that a reading of an alarmed sensor is its recovery instead")
      ->capture_default_str();
  alarms->callback([args, &context] { context.exit_code = run_demo(*args, context.log); });
}

}  // namespace caudal::cli
