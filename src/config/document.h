// Reading YAML text into a Node tree (node.h), with ${VAR} substitution (substitution.h)
// applied to scalar values. Keys are never substituted.
#pragma once

#include <optional>
#include <string_view>

#include "config/diagnostics.h"
#include "config/environment.h"
#include "config/node.h"

namespace caudal::config {

// Nesting and size limits: aliases can make a small file expand without bound (or loop).
inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxNodes = 100'000;

// The document's root (kNull for an empty file), or nullopt when the text is not valid YAML.
// Syntax errors, substitution errors and broken limits are reported to `diags`; a tree is still
// returned after substitution errors (the affected values are marked invalid) so validation can
// report the file's other errors in the same run. Never throws.
std::optional<Node> parse_document(std::string_view text, const Environment& env,
                                   Diagnostics& diags);

}  // namespace caudal::config
