#include "pipeline/event/errc.h"

#include <string>

namespace caudal::pipeline {
namespace {

class EventCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pipeline.event"; }
  std::string message(int code) const override {
    switch (static_cast<EventErrc>(code)) {
      case EventErrc::kInvalidJson: return "invalid_json";
      case EventErrc::kNotAnObject: return "not_an_object";
      case EventErrc::kTooDeep: return "too_deep";
      case EventErrc::kInvalidPath: return "invalid_path";
      case EventErrc::kCannotSet: return "cannot_set";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& event_error_category() {
  static const EventCategory category;
  return category;
}

}  // namespace caudal::pipeline
