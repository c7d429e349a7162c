#include "pipeline/definition.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/schema.h"
#include "pipeline/connectors/kafka/rdkafka_config.h"
#include "pipeline/connectors/options.h"
#include "pipeline/connectors/registry.h"
#include "pipeline/errc.h"
#include "pipeline/step_options.h"
#include "pipeline/step_registry.h"

namespace caudal::pipeline {
namespace {

using config::Node;

std::vector<std::string_view> step_names_list() {
  std::vector<std::string_view> names;
  for (const StepDescriptor& descriptor : step_registry()) names.push_back(descriptor.name);
  return names;
}

bool topic_name(const Node& node, const std::string& path, config::Diagnostics& diags) {
  if (node.invalid) return false;
  if (node.kind != Node::Kind::kScalar || !config::is_valid_topic_name(node.text)) {
    diags.error(node.position, path,
                fmt::format("expected a topic name of 1 to 249 characters from a-z, A-Z, 0-9, "
                            "'.', '_' and '-', found {}",
                            node.describe()));
    return false;
  }
  return true;
}

void compile_sources(const Node& from, const std::string& path, PipelineDefinition& out,
                     config::Diagnostics& diags) {
  if (from.kind == Node::Kind::kList) {
    if (from.items.empty()) diags.error(from.position, path, "expected at least one topic, found an empty list");
    for (size_t i = 0; i < from.items.size(); ++i) {
      const std::string item_path = fmt::format("{}[{}]", path, i);
      if (!topic_name(from.items[i], item_path, diags)) continue;
      if (std::find(out.sources.begin(), out.sources.end(), from.items[i].text) != out.sources.end()) {
        diags.error(from.items[i].position, item_path, fmt::format("topic '{}' is listed twice", from.items[i].text));
        continue;
      }
      out.sources.push_back(from.items[i].text);
    }
    return;
  }
  if (topic_name(from, path, diags)) out.sources.push_back(from.text);
}

void compile_steps(const Node& steps, const std::string& path, PipelineDefinition& out,
                   StepBuildContext& context, config::Diagnostics& diags) {
  if (steps.kind == Node::Kind::kNull || steps.invalid) return;
  if (steps.kind != Node::Kind::kList) {
    diags.error(steps.position, path, fmt::format("expected a list of steps, found {}", steps.describe()));
    return;
  }
  for (size_t i = 0; i < steps.items.size(); ++i) {
    const Node& item = steps.items[i];
    const std::string item_path = fmt::format("{}[{}]", path, i);
    if (item.invalid) continue;
    if (item.kind != Node::Kind::kMap || item.entries.size() != 1) {
      diags.error(item.position, item_path,
                  fmt::format("expected a step: a map with one key naming it ({}), found {}",
                              join_names(step_names_list()),
                              item.kind == Node::Kind::kMap ? fmt::format("a map with {} keys", item.entries.size())
                                                            : item.describe()));
      continue;
    }
    const Node::Entry& entry = item.entries[0];
    const std::string step_path = config::child_path(item_path, entry.key);
    const StepDescriptor* descriptor = find_step(entry.key);
    if (descriptor == nullptr) {
      const std::vector<std::string_view> names = step_names_list();
      const std::optional<std::string_view> close = config::closest_name(entry.key, names);
      diags.error(entry.key_position, step_path,
                  close.has_value() ? fmt::format("unknown step, did you mean '{}'?", *close)
                                    : fmt::format("unknown step, expected one of: {}", join_names(names)));
      continue;
    }
    StepArgs args{entry.value, step_path, diags, context};
    std::unique_ptr<Step> step = descriptor->build(args);
    if (step == nullptr) continue;
    out.step_names.emplace_back(descriptor->name);
    out.steps.push_back(std::move(step));
  }
}

// A connector entry of `to:`: {webhook: {url: ...}} (connectors/connector.h).
void compile_connector_sink(const connectors::ConnectorDescriptor& descriptor, const Node::Entry& entry,
                            const std::string& path, PipelineDefinition& out, config::Diagnostics& diags) {
  const std::string connector_path = config::child_path(path, entry.key);
  std::shared_ptr<const connectors::ConnectorOptions> options =
      connectors::parse_connector_options(descriptor, entry.value, connector_path, diags);
  if (options == nullptr) return;
  SinkSpec spec;
  spec.kind = SinkSpec::Kind::kConnector;
  spec.name = std::string(descriptor.name);
  if (options->has("name")) spec.name += "." + options->text("name");
  for (const SinkSpec& other : out.sinks) {
    if (other.kind == SinkSpec::Kind::kConnector && other.name == spec.name) {
      diags.error(entry.key_position, connector_path,
                  fmt::format("a second {} sink named '{}': give each a different `name:`", descriptor.name, spec.name));
      return;
    }
  }
  spec.connector = &descriptor;
  spec.options = std::move(options);
  out.sinks.push_back(std::move(spec));
  out.to.push_back(SinkId(static_cast<uint32_t>(out.sinks.size() - 1)));
}

// One entry of `to:`: a topic name, `stdout`, {topic: T, key: EXPR}, {table: T, key: EXPR} or
// {<connector>: {options}}.
void compile_sink(const Node& node, const std::string& path, PipelineDefinition& out,
                  config::Diagnostics& diags) {
  if (node.invalid) return;
  if (node.kind == Node::Kind::kMap && node.entries.size() == 1) {
    if (const connectors::ConnectorDescriptor* connector = connectors::find_connector(node.entries[0].key)) {
      compile_connector_sink(*connector, node.entries[0], path, out, diags);
      return;
    }
  }
  if (node.kind == Node::Kind::kScalar) {
    if (node.text == "stdout") {
      for (SinkId id : out.to) {
        if (out.sinks[id.value()].kind == SinkSpec::Kind::kStdout) {
          diags.error(node.position, path, "stdout is listed twice");
          return;
        }
      }
      SinkSpec spec;
      spec.kind = SinkSpec::Kind::kStdout;
      spec.name = "stdout";
      out.sinks.push_back(std::move(spec));
      out.to.push_back(SinkId(static_cast<uint32_t>(out.sinks.size() - 1)));
      return;
    }
    if (!topic_name(node, path, diags)) return;
    out.to.push_back(add_topic_sink(out.sinks, node.text));
    return;
  }
  const bool is_table = node.kind == Node::Kind::kMap && config::find_entry(node, "table") != nullptr;
  StepOptions options(node, path, diags, {is_table ? "table" : "topic", "key"});
  if (node.kind != Node::Kind::kMap) return;
  SinkSpec spec;
  spec.kind = is_table ? SinkSpec::Kind::kTable : SinkSpec::Kind::kTopic;
  const Node* name = options.node(is_table ? "table" : "topic", true);
  if (name != nullptr) {
    if (is_table) {
      if (name->kind != Node::Kind::kScalar || name->text.empty()) {
        diags.error(name->position, options.child("table"),
                    fmt::format("expected a table name, found {}", name->describe()));
      }
    } else {
      topic_name(*name, options.child("topic"), diags);
    }
    spec.name = name->text;
  }
  spec.key = options.expression("key", is_table);
  if (!options.ok()) return;
  out.sinks.push_back(std::move(spec));
  out.to.push_back(SinkId(static_cast<uint32_t>(out.sinks.size() - 1)));
}

void compile_to(const Node& to, const std::string& path, PipelineDefinition& out,
                config::Diagnostics& diags) {
  if (to.invalid) return;
  if (to.kind == Node::Kind::kList) {
    for (size_t i = 0; i < to.items.size(); ++i) {
      compile_sink(to.items[i], fmt::format("{}[{}]", path, i), out, diags);
    }
  } else if (to.kind != Node::Kind::kNull) {
    compile_sink(to, path, out, diags);
  }
}

// What the steps and the sinks' keys read or write. A sink that formats the event itself (a
// connector's template) may read any field, so its presence asks for the whole event.
void declare_projection(PipelineDefinition& out) {
  for (const std::unique_ptr<Step>& step : out.steps) step->declare_fields(out.projection);
  for (const SinkSpec& sink : out.sinks) {
    if (sink.kind != SinkSpec::Kind::kTopic && sink.kind != SinkSpec::Kind::kStdout &&
        sink.kind != SinkSpec::Kind::kTable) {
      out.projection.add_everything();
    }
    if (sink.key.has_value()) declare_fields(*sink.key, out.projection);
  }
}

std::unique_ptr<PipelineDefinition> compile_one(const std::string& name,
                                                const config::PipelineConfig& pipeline,
                                                table::Catalog* catalog,
                                                config::Diagnostics& diags) {
  auto out = std::make_unique<PipelineDefinition>();
  const std::string path = config::child_path(config::child_path("", "pipelines"), name);
  out->name = name;
  out->start_latest = pipeline.start == "latest";
  out->order = pipeline.order == "time" ? SourceOrder::kTime : SourceOrder::kArrival;
  out->dead_letter_topic = pipeline.dead_letter.value_or(name + ".dead_letter");
  out->max_in_flight = static_cast<uint32_t>(pipeline.max_in_flight);
  // A batch never holds more than a sink may have in flight, so the bound can always be kept.
  out->batch_size = static_cast<uint32_t>(std::min(pipeline.batch_size, pipeline.max_in_flight));
  out->commit_interval = pipeline.commit_interval;
  out->checkpoint_interval = pipeline.checkpoint_interval;
  const size_t errors_before = diags.count();
  if (pipeline.remote.has_value()) {
    out->remote = pipeline.remote->kafka;
    out->sources = pipeline.remote->kafka.topics;
    // librdkafka knows its properties: a misspelt one is refused here, not when the pipeline opens.
    Result<connectors::RdKafkaConf> conf =
        connectors::rdkafka_conf(out->remote->brokers, {}, out->remote->properties);
    if (!conf.ok()) {
      diags.error(pipeline.from.position, config::child_path(config::child_path(path, "from"), "kafka"),
                  conf.status().message());
    }
  } else {
    compile_sources(pipeline.from, config::child_path(path, "from"), *out, diags);
  }
  StepBuildContext context{catalog, &out->sinks, out->name, &out->sources, nullptr, &out->state_scope};
  // `to:` sinks first, so their ids do not depend on the steps.
  compile_to(pipeline.to, config::child_path(path, "to"), *out, diags);
  compile_steps(pipeline.steps, config::child_path(path, "steps"), *out, context, diags);
  if (out->sinks.empty() && diags.count() == errors_before) {
    diags.error(pipeline.to.position.line > 0 ? pipeline.to.position : pipeline.from.position, path,
                "the pipeline sends its events nowhere: give it `to:` or a `route` step");
  }
  for (const std::string& source : out->sources) {
    if (!out->remote.has_value() && source == out->dead_letter_topic) {
      diags.error(pipeline.from.position, config::child_path(path, "from"),
                  fmt::format("the pipeline reads its own dead-letter topic '{}'", source));
    }
  }
  declare_projection(*out);
  return out;
}

}  // namespace

std::string SinkSpec::label() const {
  switch (kind) {
    case Kind::kStdout: return "stdout";
    case Kind::kTable: return "table." + name;
    case Kind::kConnector: return name;
    case Kind::kTopic: break;
  }
  return name;
}

bool PipelineDefinition::stateful() const {
  for (const std::unique_ptr<Step>& step : steps) {
    if (step->state() != nullptr) return true;
  }
  return false;
}

void PipelineDefinition::run(EventBatch& batch, BatchOutcome& outcome,
                             std::vector<StepCounts>& counts) const {
  outcome.reset(sinks.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const size_t in = batch.selection().size();
    const size_t dead_before = outcome.dead_letters().size();
    size_t routed_before = 0;
    for (uint32_t s = 0; s < sinks.size(); ++s) routed_before += outcome.events_for(SinkId(s)).size();
    steps[i]->process(batch, static_cast<uint32_t>(i), outcome);
    size_t routed_after = 0;
    for (uint32_t s = 0; s < sinks.size(); ++s) routed_after += outcome.events_for(SinkId(s)).size();
    StepCounts& c = counts[i];
    const size_t out = batch.selection().size();
    const size_t dead = outcome.dead_letters().size() - dead_before;
    const size_t routed = routed_after - routed_before;
    c.in += in;
    c.out += out;
    c.dead_lettered += dead;
    c.routed += routed;
    // A stateful step may emit more than it took (a window's results): nothing dropped then.
    c.dropped += in > out + dead + routed ? in - out - dead - routed : 0;
  }
  for (SinkId sink : to) {
    std::vector<uint32_t>& events = outcome.events_for(sink);
    events.insert(events.end(), batch.selection().begin(), batch.selection().end());
  }
}

Result<std::unique_ptr<PipelineDefinition>> compile_pipeline(const config::Config& config,
                                                             std::string_view name,
                                                             table::Catalog* catalog) {
  auto it = config.pipelines.find(std::string(name));
  if (it == config.pipelines.end()) {
    return Status(PipelineErrc::kUnknownPipeline,
                  fmt::format("{} declares no pipeline '{}'", config.source_file.string(), name));
  }
  config::Diagnostics diags(config.source_file.string());
  std::unique_ptr<PipelineDefinition> out = compile_one(it->first, it->second, catalog, diags);
  CAUDAL_RETURN_IF_ERROR(diags.to_status());
  return out;
}

Result<std::vector<std::unique_ptr<PipelineDefinition>>> compile_pipelines(
    const config::Config& config, table::Catalog* catalog) {
  config::Diagnostics diags(config.source_file.string());
  std::vector<std::unique_ptr<PipelineDefinition>> out;
  for (const auto& [name, pipeline] : config.pipelines) {
    out.push_back(compile_one(name, pipeline, catalog, diags));
  }
  CAUDAL_RETURN_IF_ERROR(diags.to_status());
  return out;
}

}  // namespace caudal::pipeline
