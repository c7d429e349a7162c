// `rename: {from: to, ...}` moves each field to its new path, in the order written. A field
// that is not there is left alone; a new path that runs through a non-object dead-letters the
// event.
#include <memory>

#include <fmt/format.h>

#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

struct Move {
  Path from;
  Path to;
};

class RenameStep final : public Step {
 public:
  explicit RenameStep(std::vector<Move> moves) : moves_(std::move(moves)) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    for (uint32_t event : batch.selection()) {
      for (const Move& move : moves_) {
        Result<bool> moved = batch.event(event).rename(move.from, move.to);
        if (!moved.ok()) {
          failures_.push_back(EvalFailure{
              event, Status(moved.status().code(),
                            fmt::format("cannot rename {} to {}: {}", move.from.text(),
                                        move.to.text(), moved.status().message()))});
          break;
        }
      }
    }
    reject_failures(batch, failures_, index, outcome);
  }

  void declare_fields(Projection& projection) const override {
    for (const Move& move : moves_) {
      projection.add_path(move.from);
      projection.add_path(move.to);
    }
  }

 private:
  std::vector<Move> moves_;
  std::vector<EvalFailure> failures_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  std::optional<std::vector<PathEntry>> entries = path_entries(
      args.options, args.path,
      "expected a map of old field paths to new ones, such as {temp: temperature}", args.diags);
  if (!entries.has_value()) return nullptr;
  std::vector<Move> moves;
  bool parsed = true;  // every path is parsed, so that each error is reported
  for (PathEntry& entry : *entries) {
    std::optional<Path> to = parse_path(entry.value, entry.path, args.diags);
    parsed = parsed && to.has_value();
    if (to.has_value()) moves.push_back(Move{std::move(entry.field), std::move(*to)});
  }
  if (!parsed) return nullptr;
  return std::make_unique<RenameStep>(std::move(moves));
}

}  // namespace

StepDescriptor rename_step() {
  return {"rename", "moves fields to new paths", &build};
}

}  // namespace caudal::pipeline
