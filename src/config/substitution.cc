#include "config/substitution.h"

#include <fmt/format.h>

#include "config/errc.h"

namespace caudal::config {
namespace {

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

Result<Expansion> expand_variables(std::string_view written, const Environment& env) {
  Expansion out;
  size_t i = 0;
  while (i < written.size()) {
    const size_t dollar = written.find('$', i);
    if (dollar == std::string_view::npos) {
      out.text.append(written.substr(i));
      break;
    }
    out.text.append(written.substr(i, dollar - i));
    const std::string_view rest = written.substr(dollar);
    if (rest.starts_with("$${")) {
      out.text.append("${");
      i = dollar + 3;
      continue;
    }
    if (!rest.starts_with("${")) {
      out.text.push_back('$');
      i = dollar + 1;
      continue;
    }
    const size_t close = rest.find('}');
    if (close == std::string_view::npos) {
      return Status(
          Errc::kInvalid,
          fmt::format("expected '}}' to close '${{' in '{}' (write $${{ for a literal ${{)",
                      written));
    }
    const std::string_view body = rest.substr(2, close - 2);
    const size_t default_mark = body.find(":-");
    const std::string_view name = body.substr(0, default_mark);
    if (!is_valid_name(name)) {
      return Status(Errc::kInvalid,
                    fmt::format("expected a variable name of letters, digits and '_' after '${{', "
                                "found '{}'",
                                rest.substr(0, close + 1)));
    }
    const std::optional<std::string> value = env.get(name);
    if (default_mark == std::string_view::npos) {
      if (!value.has_value()) {
        return Status(Errc::kInvalid,
                      fmt::format("environment variable {0} is not set and has no default "
                                  "(write ${{{0}:-value}} to give one)",
                                  name));
      }
      out.text.append(*value);
      out.from_environment = true;
    } else if (value.has_value() && !value->empty()) {
      out.text.append(*value);
      out.from_environment = true;
    } else {
      out.text.append(body.substr(default_mark + 2));
    }
    i = dollar + close + 1;
  }
  return out;
}

}  // namespace caudal::config
