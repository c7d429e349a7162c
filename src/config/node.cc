#include "config/node.h"

#include <fmt/format.h>

namespace caudal::config {
namespace {

// Long or multi-line values are cut so one error stays one line.
constexpr size_t kMaxShown = 60;

std::string shorten(std::string_view text) {
  const size_t cut = std::min(text.find('\n'), kMaxShown);
  if (cut >= text.size()) return std::string(text);
  return fmt::format("{}...", text.substr(0, cut));
}

}  // namespace

std::string Node::describe() const {
  switch (kind) {
    case Kind::kNull: return "an empty value";
    case Kind::kMap: return "a map";
    case Kind::kList: return "a list";
    case Kind::kScalar:
      if (secret) return fmt::format("'{}' (written as '{}')", kRedacted, shorten(written));
      return fmt::format("'{}'", shorten(text));
  }
  return "an unknown value";
}

bool operator==(const Node& a, const Node& b) {
  return a.kind == b.kind && a.text == b.text && a.entries == b.entries && a.items == b.items;
}

}  // namespace caudal::config
