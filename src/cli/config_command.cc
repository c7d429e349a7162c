#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/pipeline_check.h"
#include "config/config.h"

namespace caudal::cli {

void register_config_command(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("config", "Work with configuration files");
  group->require_subcommand(1);

  struct Options {
    std::string file;
    bool print = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* check = group->add_subcommand(
      "check", "Validate a configuration file and report every error with file:line:column");
  check->add_option("-c,--config", options->file, "Configuration file")->required();
  check->add_flag("--print", options->print,
                  "Print the effective configuration (defaults applied, secrets redacted)");
  check->callback([options, &context] {
    auto loaded = config::load_config_file(options->file, config::ProcessEnvironment());
    if (!loaded.ok()) {
      fmt::print(stderr, "{}\n", loaded.status().message());
      context.exit_code = kExitInvalidConfig;
      return;
    }
    // Pipelines are checked by the pipeline module, which knows every step and sink.
    metrics::Registry registry;
    auto tables = open_lookup_tables(*loaded, registry);
    Status pipelines = tables.ok() ? pipeline::compile_pipelines(*loaded, tables->get()).status()
                                   : tables.status();
    if (!pipelines.ok()) {
      fmt::print(stderr, "{}\n", pipelines.message());
      context.exit_code = kExitInvalidConfig;
      return;
    }
    if (options->print) {
      fmt::print("{}", config::render_redacted(*loaded));
    }
    fmt::print("{}: valid ({} topics)\n", options->file, loaded->topics.size());
    context.exit_code = kExitOk;
  });
}

}  // namespace caudal::cli
