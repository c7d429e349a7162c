// caudal: the one binary. Subcommands are registered in register_commands(); each lives in its
// own <name>_command.cc.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace {

void register_commands(CLI::App& app, caudal::cli::CommandContext& context) {
  caudal::cli::register_serve_command(app, context);
  caudal::cli::register_config_command(app, context);
  caudal::cli::register_version_command(app, context);
  caudal::cli::register_topics_command(app, context);
  caudal::cli::register_produce_command(app, context);
  caudal::cli::register_consume_command(app, context);
  caudal::cli::register_search_command(app, context);
  caudal::cli::register_pipeline_command(app, context);
  caudal::cli::register_simulate_command(app, context);
  caudal::cli::register_demo_command(app, context);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace caudal::cli;
  CLI::App app{
      "Caudal: take events in (HTTP, Kafka protocol), keep them in a durable partitioned log, "
      "process and serve them. One binary."};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();

  CommandContext context;
  app.add_option("--log-format", context.log.format, "Log line format: text or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, LogFormat>{{"text", LogFormat::kText}, {"json", LogFormat::kJson}}))
      ->default_str("text");
  app.add_option("--log-level", context.log.level,
                 "trace, debug, info, warn, error or off")
      ->default_str("info");

  register_commands(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return context.exit_code;
}
