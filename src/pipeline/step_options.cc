#include "pipeline/step_options.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/schema.h"

namespace caudal::pipeline {
namespace {

}  // namespace

std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out.append(", ");
    out.append(name);
  }
  return out;
}

std::optional<Expression> compile_expression(const config::Node& node, const std::string& path,
                                             config::Diagnostics& diags) {
  if (node.invalid) return std::nullopt;
  if (node.kind != config::Node::Kind::kScalar) {
    diags.error(node.position, path, fmt::format("expected an expression, found {}", node.describe()));
    return std::nullopt;
  }
  CompileError error;
  Result<Expression> compiled = Expression::compile(node.text, &error);
  if (compiled.ok()) return std::move(compiled).value();
  // The error's place in the file: the text starts at the node (one column later when quoted);
  // a later line of a multi-line text starts at its own first column.
  config::Position where = node.position;
  if (error.line <= 1) {
    where.column += static_cast<int>(error.column) - 1 + (node.quoted ? 1 : 0);
  } else {
    where.line += static_cast<int>(error.line) - 1;
    where.column = static_cast<int>(error.column);
  }
  // Some messages quote the expression already ("..., in 'a - 1'").
  const std::string quoted = fmt::format("'{}'", node.text);
  diags.error(where, path,
              error.message.find(quoted) != std::string::npos
                  ? error.message
                  : fmt::format("{} in expression {}", error.message, quoted));
  return std::nullopt;
}

std::optional<Path> parse_path(const config::Node& node, const std::string& path,
                               config::Diagnostics& diags) {
  if (node.invalid) return std::nullopt;
  if (node.kind != config::Node::Kind::kScalar) {
    diags.error(node.position, path, fmt::format("expected a field path, found {}", node.describe()));
    return std::nullopt;
  }
  Result<Path> parsed = Path::parse(node.text);
  if (!parsed.ok()) {
    diags.error(node.position, path,
                fmt::format("expected a field path such as user.name or tags[0] ({}), found {}",
                            parsed.status().message(), node.describe()));
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::optional<std::vector<PathEntry>> path_entries(const config::Node& node,
                                                   const std::string& path,
                                                   std::string_view expected,
                                                   config::Diagnostics& diags) {
  if (node.invalid) return std::nullopt;
  if (node.kind != config::Node::Kind::kMap) {
    diags.error(node.position, path, fmt::format("{}, found {}", expected, node.describe()));
    return std::nullopt;
  }
  const size_t errors_before = diags.count();
  std::vector<PathEntry> out;
  for (const config::Node::Entry& entry : node.entries) {
    const std::string entry_path = config::child_path(path, entry.key);
    Result<Path> field = Path::parse(entry.key);
    if (!field.ok()) {
      diags.error(entry.key_position, entry_path,
                  fmt::format("expected a field path such as user.name or tags[0] ({})",
                              field.status().message()));
      continue;
    }
    out.push_back(PathEntry{std::move(field).value(), entry.value, entry_path});
  }
  if (diags.count() != errors_before) return std::nullopt;
  return out;
}

StepOptions::StepOptions(const config::Node& node, std::string path, config::Diagnostics& diags,
                         std::vector<std::string_view> known)
    : node_(node), path_(std::move(path)), diags_(diags), errors_before_(diags.count()) {
  if (node.invalid) return;
  if (node.kind != config::Node::Kind::kMap) {
    diags.error(node.position, path_,
                fmt::format("expected a map with keys {}, found {}", join_names(known),
                            node.describe()));
    return;
  }
  std::map<std::string_view, config::Position> seen;
  for (const config::Node::Entry& entry : node.entries) {
    const std::string entry_path = config::child_path(path_, entry.key);
    if (std::find(known.begin(), known.end(), entry.key) == known.end()) {
      const std::optional<std::string_view> close = config::closest_name(entry.key, known);
      diags.error(entry.key_position, entry_path,
                  close.has_value()
                      ? fmt::format("unknown option, did you mean '{}'?", *close)
                      : fmt::format("unknown option, expected one of: {}", join_names(known)));
      if (close.has_value()) suggested_.emplace_back(*close);
      continue;
    }
    auto [first, inserted] = seen.emplace(entry.key, entry.key_position);
    if (!inserted) {
      diags.error(entry.key_position, entry_path,
                  fmt::format("duplicate key, first given at line {}", first->second.line));
    }
  }
}

const config::Node* StepOptions::node(std::string_view key, bool required) {
  if (node_.kind == config::Node::Kind::kMap) {
    const config::Node::Entry* entry = config::find_entry(node_, key);
    if (entry != nullptr) return &entry->value;
  }
  // A misspelt option was reported already with this one as the suggestion.
  const bool suggested = std::find(suggested_.begin(), suggested_.end(), key) != suggested_.end();
  if (required && !suggested && node_.kind == config::Node::Kind::kMap) {
    diags_.error(node_.position, child(key), "required option is missing");
  }
  return nullptr;
}

std::optional<std::string> StepOptions::text(std::string_view key, bool required) {
  const config::Node* value = node(key, required);
  if (value == nullptr || value->invalid) return std::nullopt;
  if (value->kind != config::Node::Kind::kScalar || value->text.empty()) {
    diags_.error(value->position, child(key),
                 fmt::format("expected a non-empty text, found {}", value->describe()));
    return std::nullopt;
  }
  return value->text;
}

std::optional<Expression> StepOptions::expression(std::string_view key, bool required) {
  const config::Node* value = node(key, required);
  if (value == nullptr) return std::nullopt;
  return compile_expression(*value, child(key), diags_);
}

std::optional<Path> StepOptions::field(std::string_view key, bool required) {
  const config::Node* value = node(key, required);
  if (value == nullptr) return std::nullopt;
  return parse_path(*value, child(key), diags_);
}

std::optional<bool> StepOptions::boolean(std::string_view key) {
  const config::Node* value = node(key, false);
  if (value == nullptr || value->invalid) return std::nullopt;
  if (value->kind == config::Node::Kind::kScalar && (value->text == "true" || value->text == "false")) {
    return value->text == "true";
  }
  diags_.error(value->position, child(key), fmt::format("expected true or false, found {}", value->describe()));
  return std::nullopt;
}

std::string StepOptions::choice(std::string_view key, const std::vector<std::string_view>& choices,
                                std::string_view default_choice) {
  const config::Node* value = node(key, false);
  if (value == nullptr || value->invalid) return std::string(default_choice);
  if (value->kind == config::Node::Kind::kScalar &&
      std::find(choices.begin(), choices.end(), value->text) != choices.end()) {
    return value->text;
  }
  std::string expected;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) expected.append(i + 1 == choices.size() ? " or " : ", ");
    expected.append(choices[i]);
  }
  diags_.error(value->position, child(key), fmt::format("expected {}, found {}", expected, value->describe()));
  return std::string(default_choice);
}

}  // namespace caudal::pipeline
