// `caudal simulate customers|alarms`: the seed-004 demo's data, for any Caudal listening
// anywhere (docs/demo.md). Deterministic from --seed.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/simulate_options.h"
#include "demo/customers.h"
#include "demo/simulator.h"

namespace caudal::cli {
namespace {

struct CustomersArgs {
  std::string out = "customers.csv";
  uint64_t count = demo::kDefaultCustomerCount;
  uint64_t seed = 1;
};

int run_customers(const CustomersArgs& args) {
  if (Status s = demo::write_customers_csv(args.out, args.seed, args.count); !s.ok()) {
    fmt::print(stderr, "caudal: {}\n", s.message());
    return kExitFailure;
  }
  fmt::print("wrote {} customers (seed {}) to {}\n", args.count, args.seed, args.out);
  return kExitOk;
}

int run_alarms(const SimulateArgs& args) {
  Result<demo::SimulatorOptions> options = simulator_options(args);
  if (!options.ok()) {
    fmt::print(stderr, "caudal: {}\n", options.status().message());
    return kExitUsage;
  }
  // SIGINT/SIGTERM end the run cleanly: the truth then covers what Caudal acknowledged.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop{false};
  std::thread waiter([&] {
    int number = 0;
    sigwait(&signals, &number);
    stop.store(true);
  });
  Result<demo::SimulatorReport> report =
      demo::run_simulator(*options, stop, print_simulator_progress);
  if (!stop.exchange(true)) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!report.ok()) {
    fmt::print(stderr, "caudal: {}\n", report.status().message());
    return kExitFailure;
  }
  return finish_simulation(args, *report);
}

}  // namespace

void register_simulate_command(CLI::App& app, CommandContext& context) {
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Generate the alarm demo's data: customers, or sensors posting readings");
  cmd->require_subcommand(1);

  auto customers = std::make_shared<CustomersArgs>();
  CLI::App* c = cmd->add_subcommand("customers", "Write synthetic customers as CSV");
  c->add_option("-o,--out", customers->out, "CSV file to write")->capture_default_str();
  c->add_option("-n,--count", customers->count, "Customers (ids 1..count)")
      ->capture_default_str();
  c->add_option("--seed", customers->seed, "Same seed, same customers")->capture_default_str();
  c->callback([customers, &context] { context.exit_code = run_customers(*customers); });

  auto alarms = std::make_shared<SimulateArgs>();
  CLI::App* a = cmd->add_subcommand(
      "alarms", "Sensors post readings to ENTRY and recoveries to OK over HTTP");
  add_simulate_options(*a, *alarms);
  a->callback([alarms, &context] { context.exit_code = run_alarms(*alarms); });
}

}  // namespace caudal::cli
