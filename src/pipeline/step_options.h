// Reading a step's or a sink's options from its YAML node with the config loader's rules and
// messages: every problem goes to config::Diagnostics as `file:line:column: key.path: message`
// (an unknown option with "did you mean", a missing one, a value of the wrong shape), and an
// expression that does not compile is reported at its own position in the file (the YAML
// position of the text plus the line and column inside it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/node.h"
#include "pipeline/event/path.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {

// Compiles the scalar `node` as an expression; reports and returns nullopt when it is not a
// scalar or does not compile.
std::optional<Expression> compile_expression(const config::Node& node, const std::string& path,
                                             config::Diagnostics& diags);

// Parses the scalar `node` as a field path (path.h); reports and returns nullopt otherwise.
std::optional<Path> parse_path(const config::Node& node, const std::string& path,
                               config::Diagnostics& diags);

// "a, b, c": the names an option or step may take, for messages.
std::string join_names(const std::vector<std::string_view>& names);

// One entry of a map whose keys are field paths (`set: {user.name: EXPR}`,
// `rename: {temp: temperature}`): the key parsed, the value, and the entry's key path.
struct PathEntry {
  Path field;
  const config::Node& value;
  std::string path;
};

// The entries of `node` with their keys parsed as field paths. Reports a node that is not a
// map (`expected` says what it should be, with an example) and keys that are not paths, and
// returns nullopt when anything was reported.
std::optional<std::vector<PathEntry>> path_entries(const config::Node& node,
                                                   const std::string& path,
                                                   std::string_view expected,
                                                   config::Diagnostics& diags);

// The options of one step given as a map (`lookup: {table: t, key: id}`). The constructor
// reports unknown and duplicate keys; the getters report missing and malformed values. A
// getter returns nullopt both when an optional key is absent and when a value was wrong (and
// reported): ok() tells them apart at the end.
class StepOptions {
 public:
  StepOptions(const config::Node& node, std::string path, config::Diagnostics& diags,
              std::vector<std::string_view> known);

  // The node of `key`, or nullptr when absent (reported when `required`).
  const config::Node* node(std::string_view key, bool required);
  std::optional<std::string> text(std::string_view key, bool required);
  std::optional<Expression> expression(std::string_view key, bool required);
  std::optional<Path> field(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key);
  // One of `choices`; the default when absent.
  std::string choice(std::string_view key, const std::vector<std::string_view>& choices,
                     std::string_view default_choice);

  std::string child(std::string_view key) const { return config::child_path(path_, key); }
  config::Diagnostics& diags() { return diags_; }
  // No problem was reported since construction.
  bool ok() const { return diags_.count() == errors_before_; }

 private:
  const config::Node& node_;
  std::string path_;
  config::Diagnostics& diags_;
  size_t errors_before_;
  std::vector<std::string_view> suggested_;  // options named by a "did you mean"
};

}  // namespace caudal::pipeline
