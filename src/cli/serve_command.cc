#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/metrics/registry.h"
#include "config/config.h"
#include "config/errc.h"
#include "server/process_metrics.h"
#include "server/server.h"

namespace caudal::cli {
namespace {

// Blocks SIGINT, SIGTERM and SIGHUP in this thread before any other thread starts, so every
// thread inherits the mask and the signals are only ever taken by the sigwait below.
sigset_t block_handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int run_serve(const std::string& file, const LogOptions& log) {
  if (Status s = setup_logging(log); !s.ok()) {
    fmt::print(stderr, "caudal: {}\n", s.message());
    return kExitUsage;
  }
  auto loaded = config::load_config_file(file, config::ProcessEnvironment());
  if (!loaded.ok()) {
    fmt::print(stderr, "{}\n", loaded.status().message());
    return kExitInvalidConfig;
  }
  sigset_t handled_signals = block_handled_signals();

  metrics::Registry& registry = metrics::Registry::global();
  server::register_process_metrics(registry);
  auto server = server::Server::start(*loaded, registry);
  if (!server.ok() && server.status().code() == config::Errc::kInvalid) {
    // A pipeline the pipeline module refused: a configuration error like any other.
    fmt::print(stderr, "{}\n", server.status().message());
    return kExitInvalidConfig;
  }
  if (!server.ok()) {
    spdlog::error("cannot start: {}", server.status().message());
    return kExitFailure;
  }
  for (const auto& listener : (*server)->listeners()) {
    spdlog::info("listening {} on {} ({})", listener.protocol, listener.address,
                 listener.serves);
  }
  spdlog::info("caudal {} running with {}; Ctrl-C stops it, SIGHUP reloads the file", CAUDAL_VERSION,
               file);

  int signal_number = 0;
  while (sigwait(&handled_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    // The reloader logs the result; SIGHUP only asks for it.
    spdlog::info("received SIGHUP, reloading {}", file);
    (*server)->request_reload(nullptr);
  }
  spdlog::info("received {}, stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->stop();
  spdlog::info("stopped cleanly");
  return kExitOk;
}

}  // namespace

void register_serve_command(CLI::App& app, CommandContext& context) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run everything the configuration file names, in this process, until Ctrl-C");
  cmd->add_option("-c,--config", *file, "Configuration file (caudal.yaml)")->required();
  cmd->callback([file, &context] { context.exit_code = run_serve(*file, context.log); });
}

}  // namespace caudal::cli
