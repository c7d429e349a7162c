// FieldTemplate: text with event fields in braces, compiled once: "alarm on {device.id}",
// "https://hooks.local/{customer.id}/events". A part in braces is a field path (path.h); `{}`
// is the whole event as JSON; `{{` and `}}` are literal braces. Rendering writes a string
// field as its text, a missing or null field as nothing, any other value as JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "pipeline/event/event.h"
#include "pipeline/event/path.h"

namespace caudal::pipeline::connectors {

class FieldTemplate {
 public:
  // Errors say what is wrong and at which character of `text` (1-based).
  static Result<FieldTemplate> compile(std::string_view text);

  // Appends the text for `event` to `out`.
  void render(const Event& event, std::string& out) const;
  std::string render(const Event& event) const;

  // No field in it: the same text for every event.
  bool is_constant() const;
  const std::string& text() const { return text_; }

 private:
  struct Part {
    std::string literal;  // when !is_field
    Path field;
    bool is_field = false;
    bool whole_event = false;
  };
  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace caudal::pipeline::connectors
