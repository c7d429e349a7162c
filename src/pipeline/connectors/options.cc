#include "pipeline/connectors/options.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/check.h"
#include "config/schema.h"
#include "config/value_type.h"
#include "pipeline/step_options.h"

namespace caudal::pipeline::connectors {
namespace {

using config::Node;

std::optional<OptionValue> parse_scalar_option(const OptionSpec& spec, const Node& node,
                                               const std::string& path, config::Diagnostics& diags) {
  switch (spec.type) {
    case OptionType::kText:
    case OptionType::kSecret:
      if (auto v = config::parse_scalar(config::text_type(spec.help), node, path, diags)) return OptionValue(*v);
      return std::nullopt;
    case OptionType::kInteger:
      if (auto v = config::parse_scalar(config::size_type(0, uint64_t{1} << 40), node, path, diags)) {
        return OptionValue(*v);
      }
      return std::nullopt;
    case OptionType::kSize:
      if (auto v = config::parse_scalar(config::size_type(1, uint64_t{1} << 40), node, path, diags)) {
        return OptionValue(*v);
      }
      return std::nullopt;
    case OptionType::kDuration:
      if (auto v = config::parse_scalar(config::duration_type(Duration(0)), node, path, diags)) return OptionValue(*v);
      return std::nullopt;
    case OptionType::kBool:
      if (auto v = config::parse_scalar(config::boolean_type(), node, path, diags)) return OptionValue(*v);
      return std::nullopt;
    case OptionType::kChoice: {
      if (node.invalid) return std::nullopt;
      if (node.kind == Node::Kind::kScalar &&
          std::find(spec.choices.begin(), spec.choices.end(), node.text) != spec.choices.end()) {
        return OptionValue(node.text);
      }
      std::vector<std::string_view> names(spec.choices.begin(), spec.choices.end());
      diags.error(node.position, path, fmt::format("expected one of {}, found {}", join_names(names), node.describe()));
      return std::nullopt;
    }
    case OptionType::kTemplate: {
      if (node.invalid) return std::nullopt;
      if (node.kind != Node::Kind::kScalar) {
        diags.error(node.position, path, fmt::format("expected a text with {{field}} parts, found {}", node.describe()));
        return std::nullopt;
      }
      Result<FieldTemplate> compiled = FieldTemplate::compile(node.text);
      if (!compiled.ok()) {
        diags.error(node.position, path, std::string(compiled.status().message()));
        return std::nullopt;
      }
      return OptionValue(std::move(compiled).value());
    }
    case OptionType::kExpression:
      if (auto e = compile_expression(node, path, diags)) return OptionValue(std::move(*e));
      return std::nullopt;
    case OptionType::kTemplateMap:
    case OptionType::kExpressionMap:
    case OptionType::kTextMap:
      break;
  }
  return std::nullopt;
}

std::optional<OptionValue> parse_map_option(const OptionSpec& spec, const Node& node,
                                            const std::string& path, config::Diagnostics& diags) {
  if (node.invalid) return std::nullopt;
  if (node.kind != Node::Kind::kMap) {
    diags.error(node.position, path,
                fmt::format("expected a map of names to {}, found {}",
                            spec.type == OptionType::kTemplateMap ? "templates"
                            : spec.type == OptionType::kTextMap   ? "texts"
                                                                  : "expressions",
                            node.describe()));
    return std::nullopt;
  }
  std::map<std::string, FieldTemplate> templates;
  std::vector<std::pair<std::string, Expression>> expressions;
  std::map<std::string, std::string> texts;
  bool ok = true;
  for (const Node::Entry& entry : node.entries) {
    const std::string entry_path = config::child_path(path, entry.key);
    OptionSpec inner = spec;
    inner.type = spec.type == OptionType::kTemplateMap ? OptionType::kTemplate
                 : spec.type == OptionType::kTextMap   ? OptionType::kText
                                                       : OptionType::kExpression;
    std::optional<OptionValue> value = parse_scalar_option(inner, entry.value, entry_path, diags);
    if (!value.has_value()) {
      ok = false;
      continue;
    }
    if (spec.type == OptionType::kTemplateMap) {
      templates.insert_or_assign(entry.key, std::get<FieldTemplate>(std::move(*value)));
    } else if (spec.type == OptionType::kTextMap) {
      texts.insert_or_assign(entry.key, std::get<std::string>(std::move(*value)));
    } else {
      expressions.emplace_back(entry.key, std::get<Expression>(std::move(*value)));
    }
  }
  if (!ok) return std::nullopt;
  if (spec.type == OptionType::kTemplateMap) return OptionValue(std::move(templates));
  if (spec.type == OptionType::kTextMap) return OptionValue(std::move(texts));
  return OptionValue(std::move(expressions));
}

std::optional<OptionValue> parse_option(const OptionSpec& spec, const Node& node, const std::string& path,
                                        config::Diagnostics& diags) {
  if (spec.type == OptionType::kTemplateMap || spec.type == OptionType::kExpressionMap ||
      spec.type == OptionType::kTextMap) {
    return parse_map_option(spec, node, path, diags);
  }
  return parse_scalar_option(spec, node, path, diags);
}

}  // namespace

std::shared_ptr<const ConnectorOptions> parse_connector_options(const ConnectorDescriptor& descriptor,
                                                                const Node& node,
                                                                const std::string& path,
                                                                config::Diagnostics& diags) {
  if (node.invalid) return nullptr;
  if (node.kind != Node::Kind::kMap) {
    diags.error(node.position, path, fmt::format("expected a map of the {} connector's options, found {}",
                                                 descriptor.name, node.describe()));
    return nullptr;
  }
  const size_t errors_before = diags.count();
  std::vector<const OptionSpec*> specs;
  std::vector<std::string_view> names;
  for (const OptionSpec& spec : descriptor.options) specs.push_back(&spec);
  for (const OptionSpec& spec : delivery_options()) specs.push_back(&spec);
  for (const OptionSpec* spec : specs) names.push_back(spec->name);

  auto options = std::make_shared<ConnectorOptions>();
  std::set<std::string> seen;
  for (const Node::Entry& entry : node.entries) {
    const std::string entry_path = config::child_path(path, entry.key);
    auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec* s) { return s->name == entry.key; });
    if (it == specs.end()) {
      const std::optional<std::string_view> close = config::closest_name(entry.key, names);
      diags.error(entry.key_position, entry_path,
                  close.has_value() ? fmt::format("unknown option, did you mean '{}'?", *close)
                                    : fmt::format("unknown option, expected one of: {}", join_names(names)));
      continue;
    }
    if (!seen.insert(entry.key).second) {
      diags.error(entry.key_position, entry_path, "the option is given twice");
      continue;
    }
    if (std::optional<OptionValue> value = parse_option(**it, entry.value, entry_path, diags)) {
      options->set(entry.key, std::move(*value));
    }
  }
  for (const OptionSpec* spec : specs) {
    if (seen.count(spec->name) > 0) continue;
    std::string default_text = spec->default_text;
    if (spec->name == "batch_records") default_text = std::to_string(descriptor.default_batch_records);
    if (spec->name == "linger") default_text = std::string(descriptor.default_linger);
    if (spec->name == "queue_records") default_text = std::to_string(descriptor.default_queue_records);
    if (default_text.empty()) {
      if (!spec->optional) {
        diags.error(node.position, config::child_path(path, spec->name),
                    fmt::format("missing option: {}", spec->help));
      }
      continue;
    }
    Node synthetic;
    synthetic.kind = Node::Kind::kScalar;
    synthetic.position = node.position;
    synthetic.text = default_text;
    synthetic.written = default_text;
    if (std::optional<OptionValue> value = parse_option(*spec, synthetic, config::child_path(path, spec->name), diags)) {
      options->set(spec->name, std::move(*value));
    }
  }
  if (diags.count() != errors_before) return nullptr;
  if (descriptor.check) {
    std::vector<std::string> problems;
    descriptor.check(*options, problems);
    for (const std::string& problem : problems) diags.error(node.position, path, problem);
    if (!problems.empty()) return nullptr;
  }
  return options;
}

const OptionValue& ConnectorOptions::get(std::string_view name) const {
  auto it = values_.find(name);
  CAUDAL_CHECK(it != values_.end(), "a connector option its descriptor declares was not parsed");
  return it->second;
}

const std::string& ConnectorOptions::text(std::string_view name) const { return std::get<std::string>(get(name)); }
uint64_t ConnectorOptions::number(std::string_view name) const { return std::get<uint64_t>(get(name)); }
Duration ConnectorOptions::duration(std::string_view name) const { return std::get<Duration>(get(name)); }
bool ConnectorOptions::boolean(std::string_view name) const { return std::get<bool>(get(name)); }
const FieldTemplate& ConnectorOptions::field_template(std::string_view name) const {
  return std::get<FieldTemplate>(get(name));
}
const std::map<std::string, FieldTemplate>& ConnectorOptions::template_map(std::string_view name) const {
  return std::get<std::map<std::string, FieldTemplate>>(get(name));
}
const Expression& ConnectorOptions::expression(std::string_view name) const {
  return std::get<Expression>(get(name));
}
const std::vector<std::pair<std::string, Expression>>& ConnectorOptions::expression_map(std::string_view name) const {
  return std::get<std::vector<std::pair<std::string, Expression>>>(get(name));
}

const std::map<std::string, std::string>& ConnectorOptions::text_map(std::string_view name) const {
  return std::get<std::map<std::string, std::string>>(get(name));
}

const std::vector<OptionSpec>& delivery_options() {
  static const std::vector<OptionSpec> options = {
      {"name", OptionType::kText, "", "the sink's name in metrics and dead letters (default: the connector's name)", {}, true},
      {"queue_records", OptionType::kInteger, "10000", "events the sink holds before the pipeline waits (backpressure)", {}, false},
      {"batch_records", OptionType::kInteger, "1", "at most this many events per delivery", {}, false},
      {"linger", OptionType::kDuration, "0ms", "how long a delivery waits for more events to fill its batch", {}, false},
      {"retry_backoff", OptionType::kDuration, "100ms", "the pause before the first retry, doubled after each failure (with jitter)", {}, false},
      {"retry_backoff_max", OptionType::kDuration, "30s", "the longest pause between retries", {}, false},
      {"max_attempts", OptionType::kInteger, "0", "attempts before events are dead-lettered as undeliverable; 0: retry until delivered", {}, false},
  };
  return options;
}

}  // namespace caudal::pipeline::connectors
