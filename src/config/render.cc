#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/schemas.h"

namespace caudal::config {
namespace {

void emit(const Node& node, YAML::Emitter& out) {
  switch (node.kind) {
    case Node::Kind::kNull: out << YAML::Null; break;
    case Node::Kind::kScalar: out << (node.secret ? std::string(kRedacted) : node.text); break;
    case Node::Kind::kList:
      out << YAML::BeginSeq;
      for (const Node& item : node.items) emit(item, out);
      out << YAML::EndSeq;
      break;
    case Node::Kind::kMap:
      // An empty section stays on its key's line (`indexes: {}`).
      if (node.entries.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const Node::Entry& entry : node.entries) {
        out << YAML::Key << entry.key << YAML::Value;
        emit(entry.value, out);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string render_redacted(const Config& config) {
  YAML::Emitter out;
  emit(root_schema().emit(config), out);
  return fmt::format(
      "# Effective configuration read from {}; values taken from the environment "
      "are shown as {}.\n{}\n",
      config.source_file.string(), kRedacted, out.c_str());
}

}  // namespace caudal::config
