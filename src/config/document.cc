#include "config/document.h"

#include <string>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/substitution.h"

namespace caudal::config {
namespace {

Position to_position(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return Position{};
  return Position{mark.line + 1, mark.column + 1};
}

// yaml-cpp's reasons name the parser state ("end of map not found"), not the mistake. Two
// mistakes are common enough in this file to recognise from the offending line.
std::string syntax_hint(std::string_view text, int line) {
  if (line < 0) return "";
  size_t start = 0;
  for (int i = 0; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return "";
  const std::string_view row = text.substr(start, text.find('\n', start) - start);
  const size_t indent_end = row.find_first_not_of(" \t");
  if (row.substr(0, indent_end).find('\t') != std::string_view::npos) {
    return " (indent with spaces: YAML does not allow tabs)";
  }
  const size_t bracket = row.find(": [");
  if (bracket != std::string_view::npos && row.find("]:", bracket) != std::string_view::npos) {
    return " (put a bracketed IPv6 address in quotes, such as \"[::1]:9092\")";
  }
  return "";
}

class Converter {
 public:
  Converter(const Environment& env, Diagnostics& diags) : env_(env), diags_(diags) {}

  // `fallback` is where a value without a usable mark of its own is reported: yaml-cpp marks
  // an empty value at the token after it, which is on another line.
  Node convert(const YAML::Node& yaml, const std::string& path, Position fallback, int depth) {
    Node node;
    node.position = to_position(yaml.Mark());
    if (node.position.line == 0) node.position = fallback;
    if (++nodes_ > kMaxNodes || depth > kMaxDepth) {
      if (!limit_reported_) {
        limit_reported_ = true;
        diags_.error(node.position, path,
                     fmt::format("expected at most {} values nested at most {} deep, found more "
                                 "(an alias that refers to itself or expands too far?)",
                                 kMaxNodes, kMaxDepth));
      }
      node.invalid = true;
      return node;
    }
    switch (yaml.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        node.kind = Node::Kind::kNull;
        node.position = fallback;
        break;
      case YAML::NodeType::Scalar:
        node.kind = Node::Kind::kScalar;
        // yaml-cpp tags a quoted scalar "!" and a plain one "?".
        node.quoted = yaml.Tag() == "!";
        convert_scalar(yaml.Scalar(), path, node);
        break;
      case YAML::NodeType::Sequence: {
        node.kind = Node::Kind::kList;
        size_t index = 0;
        for (const YAML::Node& item : yaml) {
          node.items.push_back(
              convert(item, fmt::format("{}[{}]", path, index++), node.position, depth + 1));
        }
        break;
      }
      case YAML::NodeType::Map:
        node.kind = Node::Kind::kMap;
        for (auto it = yaml.begin(); it != yaml.end(); ++it) {
          convert_entry(it->first, it->second, path, node, depth);
        }
        break;
    }
    return node;
  }

 private:
  void convert_scalar(const std::string& written, const std::string& path, Node& node) {
    node.written = written;
    Result<Expansion> expanded = expand_variables(written, env_);
    if (!expanded.ok()) {
      diags_.error(node.position, path, expanded.status().message());
      node.invalid = true;
      return;
    }
    node.text = std::move(expanded->text);
    node.secret = expanded->from_environment;
  }

  void convert_entry(const YAML::Node& key, const YAML::Node& value, const std::string& path,
                     Node& map, int depth) {
    const Position key_position = to_position(key.Mark());
    if (!key.IsScalar()) {
      Node shown;
      shown.kind = key.IsMap()        ? Node::Kind::kMap
                   : key.IsSequence() ? Node::Kind::kList
                                      : Node::Kind::kNull;
      diags_.error(key_position.line > 0 ? key_position : map.position, path,
                   fmt::format("expected a key of plain text, found {}", shown.describe()));
      return;
    }
    Node::Entry entry;
    entry.key = key.Scalar();
    entry.key_position = key_position;
    entry.value = convert(value, child_path(path, entry.key), key_position, depth + 1);
    map.entries.push_back(std::move(entry));
  }

  const Environment& env_;
  Diagnostics& diags_;
  size_t nodes_ = 0;
  bool limit_reported_ = false;
};

}  // namespace

std::optional<Node> parse_document(std::string_view text, const Environment& env,
                                   Diagnostics& diags) {
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    const Position start{1, 1};
    if (documents.empty()) {
      Node empty;
      empty.position = start;
      return empty;
    }
    if (documents.size() > 1) {
      diags.error(to_position(documents[1].Mark()), "",
                  "expected one YAML document, found a second one (after '---')");
    }
    Converter converter(env, diags);
    return converter.convert(documents.front(), "", start, 0);
  } catch (const YAML::Exception& e) {
    // ParserException and the rest carry the mark of the offending token; e.msg is the reason
    // without yaml-cpp's own "error at line" prefix.
    diags.error(to_position(e.mark), "",
                fmt::format("invalid YAML: {}{}", e.msg, syntax_hint(text, e.mark.line)));
    return std::nullopt;
  }
}

}  // namespace caudal::config
