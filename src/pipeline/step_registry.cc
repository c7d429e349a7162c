#include "pipeline/step_registry.h"

#include <vector>

#include "pipeline/steps/steps.h"

namespace caudal::pipeline {

std::span<const StepDescriptor> step_registry() {
  static const std::vector<StepDescriptor> registry = {
      parse_step(), filter_step(), drop_step(),   set_step(),
      remove_step(), rename_step(), lookup_step(), route_step(),
      key_by_step(), threshold_step(), window_step(), dedupe_step(),
  };
  return registry;
}

const StepDescriptor* find_step(std::string_view name) {
  for (const StepDescriptor& descriptor : step_registry()) {
    if (descriptor.name == name) return &descriptor;
  }
  return nullptr;
}

SinkId add_topic_sink(std::vector<SinkSpec>& sinks, std::string_view topic) {
  for (size_t i = 0; i < sinks.size(); ++i) {
    if (sinks[i].kind == SinkSpec::Kind::kTopic && sinks[i].name == topic && !sinks[i].key) {
      return SinkId(static_cast<uint32_t>(i));
    }
  }
  SinkSpec spec;
  spec.kind = SinkSpec::Kind::kTopic;
  spec.name = std::string(topic);
  sinks.push_back(std::move(spec));
  return SinkId(static_cast<uint32_t>(sinks.size() - 1));
}

}  // namespace caudal::pipeline
