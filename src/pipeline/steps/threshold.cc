// `threshold`: per key, counts the events matching `when:` (all events without it) and fires
// once the count reaches `count:` (an integer, or an expression of the event such as
// "type == 'motion' ? 1 : 3"). `consecutive: true`: a non-matching event of the key resets its
// count; `within: 30s`: only matches within that much time of the newest count. Once fired the
// key is active: it does not fire again (its events are still counted) until it is cleared,
// by an event matching `clear_when:` or any event of a `clear_from:` topic (seed 004's OK
// topic). A clear of an inactive key resets its count.
//
// Output: only the events that activate or clear a key go on, each with `into:` (default
// `threshold`) set to the state that led to it: {"state":"active"|"cleared","key":K,
// "count":N,"first":T,"last":T[,"activated":T],"id":ID}. The id is
// <pipeline>/<step>/<topic>/<partition>/<offset> of the event, the same after a replay, so
// idempotent sinks keep each activation once. Other events are consumed.
//
// State per key (docs/pipelines.md §Keyed state): active flag, count, first and last match
// times, activation time, and for `within` the times of the last `count` matches.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/check.h"
#include "pipeline/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/state/event_time.h"
#include "pipeline/state/keyed_map.h"
#include "pipeline/state/step_key.h"
#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

// Counts above this are refused: `within` keeps that many match times per key.
constexpr int64_t kMaxCount = 10'000;
// How far ahead of the event being processed the index cells and key states are loaded.
constexpr size_t kCellAhead = 16;
constexpr size_t kEntryAhead = 8;

struct KeyState {
  bool active = false;
  int64_t count = 0;
  int64_t first = 0;
  int64_t last = 0;
  int64_t activated = 0;
  std::vector<int64_t> times;  // `within`: the newest matches, oldest first (at most `count`)

  // A reset key stays, as a small entry: cheaper than erasing it and inserting it again at
  // its next match, in memory and in the checkpoint (one put instead of a delete and a put).
  bool reset() const { return !active && count == 0; }
  void clear() {
    active = false;
    count = first = last = activated = 0;
    times.clear();
  }
};

struct Options {
  StepKey key;
  std::optional<Expression> when;
  std::optional<Expression> count;  // when not a constant
  int64_t fixed_count = 1;
  bool consecutive = false;
  std::optional<int64_t> within_ns;
  std::optional<Expression> clear_when;
  std::vector<std::string> clear_from;
  EventTime time;
  Path into;
};

class ThresholdStep final : public Step, public StepState {
 public:
  ThresholdStep(Options options, const StateScope* scope, std::string_view pipeline)
      : options_(std::move(options)), scope_(scope), pipeline_(pipeline) {}

  StepState* state() override { return this; }

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    if (batch.selection().empty()) return;
    options_.key.compute(batch, failures_);
    reject_failures(batch, failures_, index, outcome);
    options_.time.compute(batch, times_, failures_);
    evaluate(options_.when, batch, when_);
    evaluate_count(batch);
    evaluate(options_.clear_when, batch, clears_);
    failed_.assign(batch.size(), false);
    for (EvalFailure& failure : failures_) {
      if (failed_[failure.event]) continue;  // one dead letter per event
      failed_[failure.event] = true;
      outcome.dead_letter(failure.event, index, failure.reason.message());
    }
    failures_.clear();

    selection_.assign(batch.selection().begin(), batch.selection().end());
    hashes_.resize(selection_.size());
    for (size_t k = 0; k < selection_.size(); ++k) {
      const uint32_t event = selection_[k];
      hashes_[k] = state_key_hash(scope_->group(batch.event(event)), options_.key.hash(event));
    }
    std::vector<uint32_t>& kept = batch.mutable_selection();
    kept.clear();
    for (size_t k = 0; k < selection_.size(); ++k) {
      // Most of the step's cost is loading key states from memory: start the loads of the
      // index cells and then the states of the events a few places ahead.
      if (k + kCellAhead < selection_.size()) keys_.prefetch_cell(hashes_[k + kCellAhead]);
      if (k + kEntryAhead < selection_.size()) keys_.prefetch_entry(hashes_[k + kEntryAhead]);
      const uint32_t event = selection_[k];
      if (failed_[event]) continue;
      const std::optional<std::string_view> key = options_.key.key(event);
      if (!key.has_value()) continue;
      Event& e = batch.event(event);
      make_state_key(scope_->group(e), *key, state_key_);
      hash_ = hashes_[k];
      const bool clears =
          (!clears_.empty() && truthy(clears_[k])) ||
          std::find(options_.clear_from.begin(), options_.clear_from.end(), e.source().topic) !=
              options_.clear_from.end();
      std::optional<std::string> fired;
      if (clears) {
        fired = clear(*key, e, index);
      } else {
        const bool matches = when_.empty() || truthy(when_[k]);
        // The count an event asks for matters only when it matches.
        Result<int64_t> needed = matches ? needed_count(k) : Result<int64_t>(int64_t{1});
        if (!needed.ok()) {
          outcome.dead_letter(event, index, needed.status().message());
          continue;
        }
        fired = count(*key, e, index, matches, times_[k], *needed);
      }
      if (!fired.has_value()) continue;
      Result<Value> value = batch.parse_json(*fired);
      CAUDAL_CHECK(value.ok(), "threshold wrote invalid JSON");
      Status set = e.set(options_.into, *value);
      if (!set.ok()) {
        outcome.dead_letter(event, index, fmt::format("cannot set {}: {}", options_.into.text(), set.message()));
        continue;
      }
      kept.push_back(event);
    }
  }

  void take_delta(StateDelta& out) override {
    keys_.take_delta(out, [](const KeyState& s, std::string& value) { encode(s, value); });
  }
  void mark_all_changed() override { keys_.mark_all_changed(); }
  Status restore(std::string_view key, std::string_view value) override {
    ByteReader reader(as_bytes(value));
    KeyState s;
    s.active = reader.read_u8() != 0;
    s.count = reader.read_varlong();
    s.first = reader.read_varlong();
    s.last = reader.read_varlong();
    s.activated = reader.read_varlong();
    const uint64_t times = reader.read_uvarint64();
    for (uint64_t i = 0; i < times && !reader.failed() && i <= kMaxCount; ++i) s.times.push_back(reader.read_varlong());
    if (reader.failed() || !reader.at_end() || key.size() < kGroupBytes) {
      return Status(PipelineErrc::kCorruptState, "a threshold entry does not decode");
    }
    keys_.restore(std::string(key), std::move(s));
    return Status();
  }
  size_t entries() const override { return keys_.size(); }
  size_t bytes() const override { return keys_.size() * (sizeof(KeyState) + 64); }
  void inspect(std::string_view key, std::string& out) const override {
    out.push_back('[');
    bool first = true;
    keys_.for_each([&](const std::string& state_key, const KeyState& s) {
      if (s.reset() || std::string_view(state_key).substr(kGroupBytes) != key) return;
      if (!first) out.push_back(',');
      first = false;
      out.append(fmt::format("{{\"group\":{},\"active\":{},\"count\":{},\"first\":", state_key_group(state_key),
                             s.active, s.count));
      append_times(s, out);
      out.push_back('}');
    });
    out.push_back(']');
  }

 private:
  // The key's times after `"first":`, as inspect() and the emitted events show them.
  static void append_times(const KeyState& s, std::string& out) {
    append_iso8601_quoted(s.first, out);
    out.append(",\"last\":");
    append_iso8601_quoted(s.last, out);
    if (s.active) {
      out.append(",\"activated\":");
      append_iso8601_quoted(s.activated, out);
    }
  }

  static bool truthy(Value v) { return v.is_bool() && v.as_bool(); }

  static void encode(const KeyState& s, std::string& value) {
    value.push_back(s.active ? 1 : 0);
    append_varlong(value, s.count);
    append_varlong(value, s.first);
    append_varlong(value, s.last);
    append_varlong(value, s.activated);
    append_uvarint(value, s.times.size());
    for (int64_t t : s.times) append_varlong(value, t);
  }

  void evaluate(const std::optional<Expression>& expression, EventBatch& batch, std::vector<Value>& out) {
    out.clear();
    if (expression.has_value()) expression->evaluate(batch, out, failures_);
  }

  // The count an event asks for matters only when it matches, so it is evaluated over the
  // matching events alone (most events of an alarm system match nothing): counts_[k] is the
  // count of the k-th selected event when it matches, missing otherwise.
  void evaluate_count(EventBatch& batch) {
    counts_.clear();
    if (!options_.count.has_value()) return;
    const std::span<const uint32_t> selection = batch.selection();
    matching_.clear();
    for (size_t k = 0; k < selection.size(); ++k) {
      if (when_.empty() || truthy(when_[k])) matching_.push_back(selection[k]);
    }
    counts_.assign(selection.size(), Value());
    if (matching_.empty()) return;
    matching_.swap(batch.mutable_selection());
    matched_counts_.clear();
    options_.count->evaluate(batch, matched_counts_, failures_);
    matching_.swap(batch.mutable_selection());
    size_t j = 0;
    for (size_t k = 0; k < selection.size() && j < matched_counts_.size(); ++k) {
      if (selection[k] == matching_[j]) counts_[k] = matched_counts_[j++];
    }
  }

  Result<int64_t> needed_count(size_t k) const {
    if (!options_.count.has_value()) return options_.fixed_count;
    const Value v = counts_[k];
    if (!v.is_int() || v.as_int() < 1 || v.as_int() > kMaxCount) {
      return Status(PipelineErrc::kEventFailed,
                    fmt::format("count: {} is {}, expected an integer from 1 to {}",
                                options_.count->text(), v.is_int() ? fmt::format("{}", v.as_int()) : std::string(kind_name(v.kind())),
                                kMaxCount));
    }
    return v.as_int();
  }

  std::string describe(std::string_view state, std::string_view key, const KeyState& s, const Event& e,
                       uint32_t index) const {
    std::string out = fmt::format("{{\"state\":\"{}\",\"key\":", state);
    out.append(key);
    out.append(fmt::format(",\"count\":{},\"first\":", s.count));
    append_times(s, out);
    out.append(",\"id\":\"");
    append_json_escaped(out, fmt::format("{}/{}/{}/{}/{}", pipeline_, index, e.source().topic,
                                    e.source().partition.value(), e.source().offset.value()));
    out.append("\"}");
    return out;
  }

  std::optional<std::string> clear(std::string_view key, const Event& e, uint32_t index) {
    KeyState* s = keys_.find(state_key_, hash_);
    if (s == nullptr) return std::nullopt;
    std::optional<std::string> fired;
    if (s->active) fired = describe("cleared", key, *s, e, index);
    keys_.erase(state_key_, hash_);
    return fired;
  }

  std::optional<std::string> count(std::string_view key, const Event& e, uint32_t index, bool matches,
                                   int64_t time, int64_t needed) {
    if (!matches) {
      if (!options_.consecutive) return std::nullopt;
      keys_.update_existing(state_key_, hash_, [](KeyState& s) {
        if (s.active || s.reset()) return false;
        s.clear();
        return true;
      });
      return std::nullopt;
    }
    bool created = false;
    KeyState& s = keys_.change(state_key_, hash_, &created);
    if (created || s.count == 0) s.first = time;
    s.last = std::max(s.last, time);
    ++s.count;
    if (s.active) return std::nullopt;
    int64_t reached = s.count;
    if (options_.within_ns.has_value()) {
      s.times.push_back(time);
      std::sort(s.times.begin(), s.times.end());  // nearly always already sorted
      size_t drop = 0;
      while (drop < s.times.size() && s.times[drop] <= s.times.back() - *options_.within_ns) ++drop;
      drop = std::max<size_t>(drop, s.times.size() > static_cast<size_t>(needed) ? s.times.size() - needed : 0);
      s.times.erase(s.times.begin(), s.times.begin() + static_cast<std::ptrdiff_t>(drop));
      reached = static_cast<int64_t>(s.times.size());
      s.first = s.times.front();
    }
    if (reached < needed) return std::nullopt;
    s.count = reached;  // with `within`: the matches that fired it
    s.active = true;
    s.activated = time;
    s.times.clear();
    return describe("active", key, s, e, index);
  }

  Options options_;
  const StateScope* scope_;
  std::string pipeline_;
  KeyedMap<KeyState> keys_;
  std::string state_key_;
  uint64_t hash_ = 0;  // of state_key_
  std::vector<uint32_t> selection_;
  std::vector<uint64_t> hashes_;  // by position in selection_; any value for events without a key
  std::vector<EvalFailure> failures_;
  std::vector<int64_t> times_;
  std::vector<Value> when_, counts_, clears_;
  std::vector<uint32_t> matching_;     // evaluate_count(): the selected events that match
  std::vector<Value> matched_counts_;  // their counts
  std::vector<bool> failed_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  StepOptions options(args.options, args.path, args.diags,
                      {"key", "when", "count", "consecutive", "within", "clear_when", "clear_from", "time",
                       "processing_time", "into"});
  if (args.options.kind != config::Node::Kind::kMap) {
    args.diags.error(args.options.position, args.path,
                     fmt::format("expected a map such as {{count: 3, consecutive: true}}, found {}",
                                 args.options.describe()));
    return nullptr;
  }
  Options o;
  std::optional<StepKey> key = StepKey::build(options, args, true);
  o.when = options.expression("when", false);
  std::optional<Expression> count = options.expression("count", true);
  if (count.has_value()) {
    if (count->is_constant()) {
      EventBatch scratch;
      const uint32_t event = scratch.append_empty(SourcePosition{});
      Result<Value> value = count->evaluate(scratch, event);
      if (!value.ok() || !value->is_int() || value->as_int() < 1 || value->as_int() > kMaxCount) {
        options.diags().error(options.node("count", true)->position, options.child("count"),
                              fmt::format("expected an integer from 1 to {} or an expression, found {}", kMaxCount,
                                          count->text()));
      } else {
        o.fixed_count = value->as_int();
      }
    } else {
      o.count = std::move(count);
    }
  }
  o.consecutive = options.boolean("consecutive").value_or(false);
  std::optional<Duration> within = duration_option(options, "within", false);
  if (within.has_value()) o.within_ns = to_nanos(*within);
  o.clear_when = options.expression("clear_when", false);
  if (const config::Node* from = options.node("clear_from", false)) {
    const std::vector<config::Node> single{*from};
    const std::vector<config::Node>& items = from->kind == config::Node::Kind::kList ? from->items : single;
    for (const config::Node& item : items) {
      if (item.kind != config::Node::Kind::kScalar || item.text.empty()) {
        options.diags().error(item.position, options.child("clear_from"),
                              fmt::format("expected a topic name or a list of them, found {}", item.describe()));
        continue;
      }
      if (std::find(args.context.sources->begin(), args.context.sources->end(), item.text) ==
          args.context.sources->end()) {
        options.diags().error(item.position, options.child("clear_from"),
                              fmt::format("topic '{}' is not one the pipeline reads (from:)", item.text));
      }
      o.clear_from.push_back(item.text);
    }
  }
  std::optional<EventTime> time = EventTime::build(options);
  std::optional<Path> into = options.field("into", false);
  o.into = into.value_or(Path::key("threshold"));
  if (!options.ok() || !key.has_value() || !time.has_value()) return nullptr;
  o.key = std::move(*key);
  o.time = std::move(*time);
  return std::make_unique<ThresholdStep>(std::move(o), args.context.scope, args.context.pipeline);
}

}  // namespace

StepDescriptor threshold_step() {
  return {"threshold", "fires once per key when enough events match; stays active until cleared", &build};
}

}  // namespace caudal::pipeline
