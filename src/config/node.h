// The parsed caudal.yaml as a plain tree, independent of the YAML library: positions for every
// key and value, and for each scalar both the text as written and the text after ${VAR}
// substitution. Validation (schema.h) works on this tree only, so yaml-cpp and its exceptions
// stay inside document.cc and render.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace caudal::config {

struct Node {
  enum class Kind { kNull, kScalar, kMap, kList };
  struct Entry;

  Kind kind = Kind::kNull;
  Position position;
  std::string text;     // kScalar: the value after substitution
  std::string written;  // kScalar: the value as written in the file
  // kScalar: written in quotes ('...' or "..."), so its first character is one column after
  // `position` (for errors pointing inside the text, such as pipeline expressions). Block
  // scalars (| and >) count as quoted too.
  bool quoted = false;
  // Part of `text` came from the environment: a secret, never shown (see describe()).
  bool secret = false;
  // Substitution failed here and the error is already reported; validators skip this value.
  bool invalid = false;
  std::vector<Entry> entries;  // kMap, in file order, duplicates kept (validators report them)
  std::vector<Node> items;     // kList

  // What was found, for "expected X, found Y": "'30s'", "a map", "a list", "an empty value".
  // A secret shows as "'***' (written as '${NAME}')".
  std::string describe() const;

  // Same kind and values, keys in the same order; positions, the text as written (before
  // substitution) and the quoting do not count, so a value that moved in its file or came
  // from an equal ${VAR} is still equal.
  friend bool operator==(const Node& a, const Node& b);
};

struct Node::Entry {
  std::string key;
  Position key_position;
  Node value;

  friend bool operator==(const Entry& a, const Entry& b) { return a.key == b.key && a.value == b.value; }
};

// What render_redacted prints in place of a secret value.
inline constexpr std::string_view kRedacted = "***";

}  // namespace caudal::config
