// Each subcommand registers itself on the root CLI11 app and reports its exit code through
// `exit_code`. The list of subcommands is main.cc's register_commands().
#pragma once

#include <CLI/App.hpp>

#include "cli/logging.h"

namespace caudal::cli {

struct CommandContext {
  LogOptions log;
  int exit_code = 0;
};

void register_serve_command(CLI::App& app, CommandContext& context);
void register_config_command(CLI::App& app, CommandContext& context);
void register_version_command(CLI::App& app, CommandContext& context);
void register_topics_command(CLI::App& app, CommandContext& context);
void register_produce_command(CLI::App& app, CommandContext& context);
void register_consume_command(CLI::App& app, CommandContext& context);
void register_search_command(CLI::App& app, CommandContext& context);
void register_pipeline_command(CLI::App& app, CommandContext& context);
void register_simulate_command(CLI::App& app, CommandContext& context);
void register_demo_command(CLI::App& app, CommandContext& context);

}  // namespace caudal::cli
