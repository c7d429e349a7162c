// ${VAR} substitution in scalar values of caudal.yaml, so secrets and per-host settings stay
// out of the file. Grammar (docs/configuration.md §Environment variables):
//   ${NAME}           the variable's value; an error when it is not set
//   ${NAME:-default}  the variable's value, or `default` when it is unset or empty
//   $${               a literal "${" (any other `$` is literal as written)
// NAME is [A-Za-z_][A-Za-z0-9_]*. The default runs to the first `}` and is not itself expanded;
// values taken from the environment are inserted as they are, never expanded again.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "config/environment.h"

namespace caudal::config {

struct Expansion {
  std::string text;
  // True when any part of `text` came from the environment (not from a written default):
  // such a value is treated as a secret and never echoed in logs or messages.
  bool from_environment = false;
};

// Fails with kInvalid and a complete message (naming the variable, or quoting `written`, which
// comes from the file and so is not secret) when a variable is unset without a default or
// the syntax is broken.
Result<Expansion> expand_variables(std::string_view written, const Environment& env);

}  // namespace caudal::config
