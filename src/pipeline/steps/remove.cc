// `remove: PATH` or `remove: [PATH, ...]` deletes fields; a field that is not there is fine.
#include <memory>

#include <fmt/format.h>

#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

class RemoveStep final : public Step {
 public:
  explicit RemoveStep(std::vector<Path> fields) : fields_(std::move(fields)) {}

  void process(EventBatch& batch, uint32_t, BatchOutcome&) override {
    for (uint32_t event : batch.selection()) {
      for (const Path& field : fields_) batch.event(event).remove(field);
    }
  }

  void declare_fields(Projection& projection) const override {
    for (const Path& field : fields_) projection.add_path(field);
  }

 private:
  std::vector<Path> fields_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  std::vector<Path> fields;
  const size_t errors_before = args.diags.count();
  if (args.options.kind == config::Node::Kind::kList) {
    for (size_t i = 0; i < args.options.items.size(); ++i) {
      std::optional<Path> field =
          parse_path(args.options.items[i], fmt::format("{}[{}]", args.path, i), args.diags);
      if (field.has_value()) fields.push_back(std::move(*field));
    }
  } else {
    std::optional<Path> field = parse_path(args.options, args.path, args.diags);
    if (field.has_value()) fields.push_back(std::move(*field));
  }
  if (args.diags.count() != errors_before) return nullptr;
  return std::make_unique<RemoveStep>(std::move(fields));
}

}  // namespace

StepDescriptor remove_step() {
  return {"remove", "deletes fields", &build};
}

}  // namespace caudal::pipeline
