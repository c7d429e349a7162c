// `route:` a list of rules `{when: CONDITION, to: TOPIC | [TOPIC, ...]}`, optionally ending
// with `{else: TOPIC | [...]}`: each event goes to the topics of the first rule whose condition
// is true (the else rule matches every event) and leaves the pipeline there: later steps and
// the `to:` sinks do not see it. Events no rule matches go on. A condition that fails, or is
// not a boolean, dead-letters the event; null and missing count as false.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "config/config.h"
#include "config/schema.h"
#include "pipeline/expr/errc.h"
#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

struct Rule {
  std::optional<Expression> when;  // unset: else
  std::vector<SinkId> sinks;
};

class RouteStep final : public Step {
 public:
  explicit RouteStep(std::vector<Rule> rules) : rules_(std::move(rules)) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    for (const Rule& rule : rules_) {
      std::vector<uint32_t>& selection = batch.mutable_selection();
      if (selection.empty()) return;
      if (!rule.when.has_value()) {
        for (uint32_t event : selection) send(rule, event, outcome);
        selection.clear();
        return;
      }
      values_.clear();
      rule.when->evaluate(batch, values_, failures_);
      std::sort(failures_.begin(), failures_.end(),
                [](const EvalFailure& a, const EvalFailure& b) { return a.event < b.event; });
      size_t kept = 0;
      size_t failure = 0;
      for (size_t k = 0; k < selection.size(); ++k) {
        const uint32_t event = selection[k];
        if (failure < failures_.size() && failures_[failure].event == event) {
          ++failure;  // dead-lettered below
          continue;
        }
        const Value value = values_[k];
        if (value.is_bool() && value.as_bool()) {
          send(rule, event, outcome);
        } else if (value.is_null() || value.is_bool()) {
          selection[kept++] = event;
        } else {
          failures_.push_back(EvalFailure{
              event, Status(ExprErrc::kTypeMismatch,
                            fmt::format("route condition '{}' is {}, not a boolean",
                                        rule.when->text(), kind_name(value.kind())))});
        }
      }
      selection.resize(kept);
      record_failures(failures_, index, outcome);
    }
  }

  void declare_fields(Projection& projection) const override {
    for (const Rule& rule : rules_) {
      if (rule.when.has_value()) pipeline::declare_fields(*rule.when, projection);
    }
  }

 private:
  static void send(const Rule& rule, uint32_t event, BatchOutcome& outcome) {
    for (SinkId sink : rule.sinks) outcome.route(event, sink);
  }

  std::vector<Rule> rules_;
  std::vector<Value> values_;
  std::vector<EvalFailure> failures_;
};

// `to:` or `else:` of a rule: one topic or a list of them.
std::vector<SinkId> rule_topics(const config::Node& node, const std::string& path,
                                StepBuildContext& context, config::Diagnostics& diags) {
  std::vector<const config::Node*> items;
  if (node.kind == config::Node::Kind::kList) {
    for (const config::Node& item : node.items) items.push_back(&item);
  } else {
    items.push_back(&node);
  }
  std::vector<SinkId> sinks;
  for (const config::Node* item : items) {
    if (item->invalid) continue;
    if (item->kind != config::Node::Kind::kScalar || !config::is_valid_topic_name(item->text)) {
      diags.error(item->position, path,
                  fmt::format("expected a topic name or a list of them, found {}",
                              item->describe()));
      continue;
    }
    sinks.push_back(add_topic_sink(*context.sinks, item->text));
  }
  return sinks;
}

std::unique_ptr<Step> build(StepArgs& args) {
  if (args.options.kind != config::Node::Kind::kList || args.options.items.empty()) {
    args.diags.error(args.options.position, args.path,
                     fmt::format("expected a list of rules such as {{when: \"type == 'motion'\", "
                                 "to: MOTION}}, ending with {{else: OTHER}} if you like, found {}",
                                 args.options.describe()));
    return nullptr;
  }
  const size_t errors_before = args.diags.count();
  std::vector<Rule> rules;
  for (size_t i = 0; i < args.options.items.size(); ++i) {
    const config::Node& item = args.options.items[i];
    const std::string path = fmt::format("{}[{}]", args.path, i);
    const bool is_else = item.kind == config::Node::Kind::kMap &&
                         config::find_entry(item, "else") != nullptr;
    StepOptions options(item, path, args.diags,
                        is_else ? std::vector<std::string_view>{"else"}
                                : std::vector<std::string_view>{"when", "to"});
    if (item.kind != config::Node::Kind::kMap) continue;
    Rule rule;
    if (is_else) {
      if (i + 1 != args.options.items.size()) {
        args.diags.error(item.position, path, "the else rule must be the last rule");
      }
      rule.sinks = rule_topics(*options.node("else", true), options.child("else"), args.context,
                               args.diags);
    } else {
      rule.when = options.expression("when", true);
      const config::Node* to = options.node("to", true);
      if (to != nullptr) rule.sinks = rule_topics(*to, options.child("to"), args.context, args.diags);
    }
    rules.push_back(std::move(rule));
  }
  if (args.diags.count() != errors_before) return nullptr;
  return std::make_unique<RouteStep>(std::move(rules));
}

}  // namespace

StepDescriptor route_step() {
  return {"route", "sends each event to the topics of the first rule it matches", &build};
}

}  // namespace caudal::pipeline
