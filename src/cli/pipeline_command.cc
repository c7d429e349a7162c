// `caudal pipeline test|list`: for people writing pipelines. `test` runs one pipeline of a
// configuration over sample events (NDJSON on stdin or from --input) without a log or a
// server: lookups read the real tables, and each sink's records are printed instead of
// written, then the dead-lettered events with their reasons (pipeline/dry_run.h).
#include <chrono>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/pipeline_check.h"
#include "config/config.h"
#include "pipeline/dry_run.h"

namespace caudal::cli {
namespace {

void print_text(const pipeline::DryRunOutput& output) {
  auto section = [](const pipeline::CapturedSink& sink) {
    fmt::print("== {} ({} {})\n", sink.label, sink.records.size(),
               sink.records.size() == 1 ? "record" : "records");
    for (const std::string& record : sink.records) fmt::print("{}\n", record);
  };
  for (const pipeline::CapturedSink& sink : output.sinks) section(sink);
  section(output.dead_letters);
}

void print_json(const pipeline::DryRunOutput& output) {
  auto lines = [](const pipeline::CapturedSink& sink) {
    for (const std::string& record : sink.records) {
      fmt::print("{{\"sink\":\"{}\",\"record\":{}}}\n", sink.label, record);
    }
  };
  for (const pipeline::CapturedSink& sink : output.sinks) lines(sink);
  lines(output.dead_letters);
}

struct TestOptions {
  std::string file;
  std::string pipeline;
  std::string input;
  std::string format = "text";
};

// A configuration and its lookup tables, loaded for the commands below.
struct LoadedConfig {
  config::Config config;
  std::unique_ptr<table::Catalog> tables;
};

Result<LoadedConfig> load_with_tables(const std::string& file, metrics::Registry& registry) {
  CAUDAL_ASSIGN_OR_RETURN(config::Config config,
                          config::load_config_file(file, config::ProcessEnvironment()));
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<table::Catalog> tables,
                          open_lookup_tables(config, registry));
  return LoadedConfig{std::move(config), std::move(tables)};
}

int run_test(const TestOptions& options) {
  metrics::Registry registry;
  auto loaded = load_with_tables(options.file, registry);
  if (!loaded.ok()) {
    fmt::print(stderr, "{}\n", loaded.status().message());
    return kExitInvalidConfig;
  }
  auto definition =
      pipeline::compile_pipeline(loaded->config, options.pipeline, loaded->tables.get());
  if (!definition.ok()) {
    fmt::print(stderr, "{}\n", definition.status().message());
    return kExitInvalidConfig;
  }
  std::ifstream file;
  if (!options.input.empty()) {
    file.open(options.input);
    if (!file.is_open()) {
      fmt::print(stderr, "caudal pipeline test: cannot read {}\n", options.input);
      return kExitFailure;
    }
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const pipeline::DryRunOutput output =
      pipeline::dry_run(**definition, options.input.empty() ? std::cin : file, now);
  if (options.format == "json") {
    print_json(output);
  } else {
    print_text(output);
  }
  return kExitOk;
}

int run_list(const std::string& file) {
  metrics::Registry registry;
  auto loaded = load_with_tables(file, registry);
  if (!loaded.ok()) {
    fmt::print(stderr, "{}\n", loaded.status().message());
    return kExitInvalidConfig;
  }
  auto definitions = pipeline::compile_pipelines(loaded->config, loaded->tables.get());
  if (!definitions.ok()) {
    fmt::print(stderr, "{}\n", definitions.status().message());
    return kExitInvalidConfig;
  }
  for (const auto& definition : *definitions) {
    std::string sinks;
    for (const pipeline::SinkSpec& sink : definition->sinks) {
      sinks += sinks.empty() ? sink.label() : ", " + sink.label();
    }
    std::string steps;
    for (const std::string& step : definition->step_names) steps += steps.empty() ? step : " | " + step;
    fmt::print("{}: {} -> {} -> {} (dead letters: {})\n", definition->name,
               fmt::join(definition->sources, ", "), steps.empty() ? "no steps" : steps, sinks,
               definition->dead_letter_topic);
  }
  return kExitOk;
}

}  // namespace

void register_pipeline_command(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("pipeline", "Try out and inspect pipelines");
  group->require_subcommand(1);

  auto test_options = std::make_shared<TestOptions>();
  CLI::App* test = group->add_subcommand(
      "test", "Run a pipeline over sample events (NDJSON) and print what each sink would get");
  test->add_option("-c,--config", test_options->file, "Configuration file")->required();
  test->add_option("-p,--pipeline", test_options->pipeline, "The pipeline to run")->required();
  test->add_option("-i,--input", test_options->input, "NDJSON file of events (default: stdin)");
  test->add_option("--format", test_options->format, "Output: text (per sink) or json (one line per record)")
      ->check(CLI::IsMember({"text", "json"}));
  test->callback([test_options, &context] { context.exit_code = run_test(*test_options); });

  auto list_file = std::make_shared<std::string>();
  CLI::App* list = group->add_subcommand("list", "List a configuration's pipelines, compiled");
  list->add_option("-c,--config", *list_file, "Configuration file")->required();
  list->callback([list_file, &context] { context.exit_code = run_list(*list_file); });
}

}  // namespace caudal::cli
