// `dedupe: {key: EXPR, within: 10m}` keeps the first event of each key and drops the repeats
// that come within `within` of it (event time: `time:` or the record timestamp; or
// `processing_time: true`). The first event after `within` is kept and starts a new period.
// Without `key:`, the key of the last key_by step. State per key: the time of the kept event;
// entries older than `within` are forgotten as time moves on.
#include <algorithm>
#include <deque>
#include <memory>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "pipeline/errc.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/state/event_time.h"
#include "pipeline/state/keyed_map.h"
#include "pipeline/state/step_key.h"
#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

struct Seen {
  int64_t kept = 0;  // time of the event kept
};

class DedupeStep final : public Step, public StepState {
 public:
  DedupeStep(StepKey key, EventTime time, int64_t within, const StateScope* scope)
      : key_(std::move(key)), time_(std::move(time)), within_(within), scope_(scope) {}

  StepState* state() override { return this; }

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    if (batch.selection().empty()) return;
    key_.compute(batch, failures_);
    reject_failures(batch, failures_, index, outcome);
    time_.compute(batch, times_, failures_);
    std::vector<bool> failed(batch.size(), false);
    for (const EvalFailure& failure : failures_) failed[failure.event] = true;
    record_failures(failures_, index, outcome);
    const std::vector<uint32_t> selection(batch.selection().begin(), batch.selection().end());
    std::vector<uint32_t>& kept = batch.mutable_selection();
    kept.clear();
    for (size_t k = 0; k < selection.size(); ++k) {
      const uint32_t event = selection[k];
      const std::optional<std::string_view> key = key_.key(event);
      if (failed[event] || !key.has_value()) continue;
      const int64_t t = times_[k];
      newest_ = std::max(newest_, t);
      make_state_key(scope_->group(batch.event(event)), *key, state_key_);
      const Seen* seen = seen_.find(state_key_);
      if (seen != nullptr && t >= seen->kept && t - seen->kept < within_) continue;  // a repeat
      if (seen != nullptr && t < seen->kept) continue;  // older than the kept one: a repeat too
      seen_.change(state_key_).kept = t;
      expiry_.emplace_back(t + within_, state_key_);
      kept.push_back(event);
    }
    forget_expired();
  }

  void take_delta(StateDelta& out) override {
    seen_.take_delta(out, [](const Seen& s, std::string& value) { append_varlong(value, s.kept); });
  }
  void mark_all_changed() override { seen_.mark_all_changed(); }
  Status restore(std::string_view key, std::string_view value) override {
    ByteReader reader(as_bytes(value));
    Seen s{reader.read_varlong()};
    if (reader.failed() || !reader.at_end() || key.size() < kGroupBytes) {
      return Status(PipelineErrc::kCorruptState, "a dedupe entry does not decode");
    }
    expiry_.emplace_back(s.kept + within_, std::string(key));
    std::sort(expiry_.begin(), expiry_.end());
    newest_ = std::max(newest_, s.kept);
    seen_.restore(std::string(key), s);
    return Status();
  }
  size_t entries() const override { return seen_.size(); }
  size_t bytes() const override { return seen_.size() * (sizeof(Seen) + 64) + expiry_.size() * 48; }
  void inspect(std::string_view key, std::string& out) const override {
    out.push_back('[');
    bool first = true;
    seen_.for_each([&](const std::string& state_key, const Seen& s) {
      if (std::string_view(state_key).substr(kGroupBytes) != key) return;
      if (!first) out.push_back(',');
      first = false;
      out.append(fmt::format("{{\"group\":{},\"kept\":\"", state_key_group(state_key)));
      append_iso8601(s.kept, out);
      out.append("\",\"until\":\"");
      append_iso8601(s.kept + within_, out);
      out.append("\"}");
    });
    out.push_back(']');
  }

 private:
  // Forgets keys whose period ended before the newest time seen. Expiries are queued in the
  // order events came, nearly sorted; an entry renewed since has a later `kept` and stays.
  void forget_expired() {
    while (!expiry_.empty() && expiry_.front().first <= newest_) {
      const Seen* seen = seen_.find(expiry_.front().second);
      if (seen != nullptr && seen->kept + within_ <= newest_) seen_.erase(expiry_.front().second);
      expiry_.pop_front();
    }
  }

  StepKey key_;
  EventTime time_;
  int64_t within_;
  const StateScope* scope_;
  KeyedMap<Seen> seen_;
  std::deque<std::pair<int64_t, std::string>> expiry_;
  int64_t newest_ = INT64_MIN;
  std::string state_key_;
  std::vector<EvalFailure> failures_;
  std::vector<int64_t> times_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  if (args.options.kind != config::Node::Kind::kMap) {
    args.diags.error(args.options.position, args.path,
                     fmt::format("expected a map such as {{key: id, within: 10m}}, found {}", args.options.describe()));
    return nullptr;
  }
  StepOptions options(args.options, args.path, args.diags, {"key", "within", "time", "processing_time"});
  std::optional<StepKey> key = StepKey::build(options, args, true);
  std::optional<Duration> within = duration_option(options, "within", true);
  std::optional<EventTime> time = EventTime::build(options);
  if (!options.ok() || !key.has_value() || !within.has_value() || !time.has_value()) return nullptr;
  return std::make_unique<DedupeStep>(std::move(*key), std::move(*time), to_nanos(*within), args.context.scope);
}

}  // namespace

StepDescriptor dedupe_step() {
  return {"dedupe", "keeps the first event of each key and drops its repeats within a duration", &build};
}

}  // namespace caudal::pipeline
