#include "pipeline/connectors/field_template.h"

#include <fmt/format.h>

#include "pipeline/connectors/errc.h"
#include "pipeline/event/json.h"

namespace caudal::pipeline::connectors {

Result<FieldTemplate> FieldTemplate::compile(std::string_view text) {
  FieldTemplate out;
  out.text_ = std::string(text);
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal.push_back(c);
      i += 2;
      continue;
    }
    if (c == '}') {
      return Status(ConnectorErrc::kInvalidOption,
                    fmt::format("character {}: '}}' without its '{{' (write '}}}}' for a literal one)", i + 1));
    }
    if (c != '{') {
      literal.push_back(c);
      ++i;
      continue;
    }
    const size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return Status(ConnectorErrc::kInvalidOption,
                    fmt::format("character {}: '{{' without its '}}' (write '{{{{' for a literal one)", i + 1));
    }
    if (!literal.empty()) out.parts_.push_back(Part{std::move(literal), Path(), false, false});
    literal.clear();
    const std::string_view inside = text.substr(i + 1, close - i - 1);
    Part part;
    part.is_field = true;
    if (inside.empty()) {
      part.whole_event = true;
    } else {
      Result<Path> path = Path::parse(inside);
      if (!path.ok()) {
        return Status(ConnectorErrc::kInvalidOption,
                      fmt::format("character {}: '{}' is not a field path: {}", i + 2, inside,
                                  path.status().message()));
      }
      part.field = std::move(path).value();
    }
    out.parts_.push_back(std::move(part));
    i = close + 1;
  }
  if (!literal.empty()) out.parts_.push_back(Part{std::move(literal), Path(), false, false});
  return out;
}

void FieldTemplate::render(const Event& event, std::string& out) const {
  for (const Part& part : parts_) {
    if (!part.is_field) {
      out.append(part.literal);
    } else if (part.whole_event) {
      event.write_json(out);
    } else {
      const Value value = event.get(part.field);
      if (value.is_null()) continue;
      if (value.is_string()) {
        out.append(value.as_string());
      } else {
        write_json(value, out);
      }
    }
  }
}

std::string FieldTemplate::render(const Event& event) const {
  std::string out;
  render(event, out);
  return out;
}

bool FieldTemplate::is_constant() const {
  for (const Part& part : parts_) {
    if (part.is_field) return false;
  }
  return true;
}

}  // namespace caudal::pipeline::connectors
