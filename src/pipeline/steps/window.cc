// `window`: per key, aggregates the events of each time window and emits one event per window
// and key when the window closes (docs/pipelines.md §window):
//   tumbling: 1m                      fixed windows [k*1m, (k+1)*1m)
//   hopping: {size: 1m, every: 10s}   overlapping windows; an event is in size/every of them
//   session: 5m                       per key, events closer than the gap share a window
// Time: event time (`time:` or the record timestamp, state/event_time.h) with a watermark
// (state/watermark.h: newest event time minus `out_of_order`, idle partitions left out after
// `idle_timeout`), or processing time (`processing_time: true`, windows close on the clock).
// A window closes when the watermark reaches its end plus `allowed_lateness`; an event for a
// window already closed is late: counted, and sent to the `late:` topic when there is one.
//
// Output (consumes its input events): {"key":K, <key fields>, "window_start":T, "window_end":T,
// <aggregates>, "id":"<pipeline>/<step>/<group>/<key>/<start ms>"}: the id is the same after a
// replay, so idempotent sinks keep each window once.
//
// Determinism: the watermark moves after each event, so a window closes between the same two
// events whatever the batch boundaries (only idle_timeout and processing time depend on the
// clock).
#include <algorithm>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/check.h"
#include "config/config.h"
#include "pipeline/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/state/aggregate.h"
#include "pipeline/state/event_time.h"
#include "pipeline/state/keyed_map.h"
#include "pipeline/state/step_key.h"
#include "pipeline/state/watermark.h"
#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

enum class Kind { kTumbling, kHopping, kSession };

// Hopping windows an event may fall into, at most (size / every).
constexpr int64_t kMaxHops = 100;

struct Window {
  int64_t start = 0;
  int64_t end = 0;
  std::vector<AggregateState> aggregates;
};

struct KeyWindows {
  std::vector<Window> windows;  // open windows of the key, by start
};

struct Options {
  StepKey key;
  Kind kind = Kind::kTumbling;
  int64_t size = 0;   // tumbling/hopping size; session gap
  int64_t every = 0;  // hopping advance
  std::vector<AggregateSpec> aggregates;
  EventTime time;
  int64_t out_of_order = 0;
  int64_t lateness = 0;
  int64_t idle_timeout = 0;
  std::optional<SinkId> late;
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class WindowStep final : public Step, public StepState {
 public:
  WindowStep(Options options, const StateScope* scope, std::string_view pipeline, std::string_view origin)
      : options_(std::move(options)),
        scope_(scope),
        pipeline_(pipeline),
        origin_(origin),
        watermark_(options_.out_of_order, options_.idle_timeout) {}

  StepState* state() override { return this; }

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    const int64_t now = batch.processing_time();
    outputs_.clear();
    SourcePosition origin;
    origin.topic = origin_;
    advance(now, batch, index, origin);
    if (!batch.selection().empty()) consume(batch, index, outcome, now);
    for (Output& output : outputs_) {
      Result<uint32_t> added = batch.append_json(output.json, output.position);
      CAUDAL_CHECK(added.ok(), "window wrote invalid JSON");
    }
  }

  void take_delta(StateDelta& out) override {
    if (meta_changed_) {
      out.put_encoded(std::string_view(), [this](std::string& meta) { encode_meta(meta); });
      meta_changed_ = false;
    }
    windows_.take_delta(out, [this](const KeyWindows& k, std::string& value) { encode(k, value); });
  }
  void mark_all_changed() override {
    meta_changed_ = true;
    windows_.mark_all_changed();
  }
  Status restore(std::string_view key, std::string_view value) override {
    if (key.empty()) return decode_meta(value);
    if (key.size() < kGroupBytes) return Status(PipelineErrc::kCorruptState, "a window key is too short");
    KeyWindows k;
    ByteReader reader(as_bytes(value));
    const uint64_t count = reader.read_uvarint64();
    for (uint64_t i = 0; i < count && !reader.failed() && i <= kMaxHops; ++i) {
      Window w;
      w.start = reader.read_varlong();
      w.end = reader.read_varlong();
      if (reader.failed()) break;
      std::string_view rest(reinterpret_cast<const char*>(reader.rest().data()), reader.remaining());
      const size_t before = rest.size();
      w.aggregates.resize(options_.aggregates.size());
      for (size_t a = 0; a < options_.aggregates.size(); ++a) {
        CAUDAL_RETURN_IF_ERROR(w.aggregates[a].decode(options_.aggregates[a], rest));
      }
      reader.skip(before - rest.size());
      k.windows.push_back(std::move(w));
    }
    if (reader.failed() || !reader.at_end()) return Status(PipelineErrc::kCorruptState, "a window entry does not decode");
    for (const Window& w : k.windows) timers_.emplace(w.end + options_.lateness, std::string(key));
    windows_.restore(std::string(key), std::move(k));
    return Status();
  }
  size_t entries() const override { return windows_.size(); }
  size_t bytes() const override {
    size_t total = 0;
    windows_.for_each([&](const std::string& key, const KeyWindows& k) {
      total += key.size() + sizeof(KeyWindows);
      for (const Window& w : k.windows) {
        total += sizeof(Window);
        for (const AggregateState& a : w.aggregates) total += a.bytes();
      }
    });
    return total;
  }
  void inspect(std::string_view key, std::string& out) const override {
    out.push_back('[');
    bool first = true;
    windows_.for_each([&](const std::string& state_key, const KeyWindows& k) {
      if (std::string_view(state_key).substr(kGroupBytes) != key) return;
      if (!first) out.push_back(',');
      first = false;
      out.append(fmt::format("{{\"group\":{},\"late_events\":{},\"clock\":", state_key_group(state_key), late_));
      if (options_.time.processing()) {
        out.append("\"processing_time\"");
      } else {
        watermark_.describe(out);
      }
      out.append(",\"windows\":[");
      for (size_t i = 0; i < k.windows.size(); ++i) {
        if (i > 0) out.push_back(',');
        write_window(k.windows[i], out);
      }
      out.append("]}");
    });
    out.push_back(']');
  }

 private:
  struct Output {
    std::string json;
    SourcePosition position;
  };

  bool closed(int64_t end) const {
    return clock_ != Watermark::kNone && clock_ >= end + options_.lateness;
  }

  // Moves the clock to processing time (processing-time windows) or recomputes the watermark
  // (idle partitions), and closes what that closes.
  void advance(int64_t now, EventBatch& batch, uint32_t index, const SourcePosition& origin) {
    const int64_t next = options_.time.processing() ? std::max(clock_, now) : watermark_.advance(now);
    if (next != clock_) {
      clock_ = next;
      meta_changed_ = true;
      fire(batch, index, origin);
    }
  }

  void consume(EventBatch& batch, uint32_t index, BatchOutcome& outcome, int64_t now) {
    options_.key.compute(batch, failures_);
    options_.time.compute(batch, times_, failures_);
    values_.resize(options_.aggregates.size());
    for (size_t a = 0; a < options_.aggregates.size(); ++a) {
      values_[a].clear();
      if (options_.aggregates[a].argument.has_value()) {
        options_.aggregates[a].argument->evaluate(batch, values_[a], failures_);
      }
    }
    failed_.assign(batch.size(), false);
    for (EvalFailure& failure : failures_) {
      if (failed_[failure.event]) continue;
      failed_[failure.event] = true;
      outcome.dead_letter(failure.event, index, failure.reason.message());
    }
    failures_.clear();
    const std::vector<uint32_t> selection(batch.selection().begin(), batch.selection().end());
    batch.mutable_selection().clear();
    for (size_t k = 0; k < selection.size(); ++k) {
      const uint32_t event = selection[k];
      if (failed_[event]) continue;
      const std::optional<std::string_view> key = options_.key.key(event);
      if (!key.has_value()) continue;
      const Event& e = batch.event(event);
      Status valid = check_values(k);
      if (!valid.ok()) {
        outcome.dead_letter(event, index, valid.message());
        continue;
      }
      const int64_t t = times_[k];
      if (!options_.time.processing()) watermark_.observe(e.source().topic, e.source().partition.value(), t, now);
      make_state_key(scope_->group(e), *key, state_key_);
      if (!add(t, k)) {
        ++late_;
        meta_changed_ = true;
        if (options_.late.has_value()) outcome.route(event, *options_.late);
      }
      if (!options_.time.processing()) {
        const int64_t next = watermark_.advance(now);
        if (next != clock_) {
          clock_ = next;
          meta_changed_ = true;
          fire(batch, index, e.source());
        }
      }
    }
  }

  Status check_values(size_t k) const {
    for (size_t a = 0; a < options_.aggregates.size(); ++a) {
      const AggregateSpec& spec = options_.aggregates[a];
      if (!spec.argument.has_value() || spec.kind == AggregateKind::kCount ||
          spec.kind == AggregateKind::kCountDistinct) {
        continue;
      }
      const Value v = values_[a][k];
      if (!v.is_null() && !v.is_number()) {
        return Status(PipelineErrc::kEventFailed, fmt::format("aggregate {}: {} is {}, expected a number", spec.name,
                                                              spec.argument->text(), kind_name(v.kind())));
      }
    }
    return Status();
  }

  void take(Window& w, size_t k) {
    if (w.aggregates.empty()) w.aggregates.resize(options_.aggregates.size());
    for (size_t a = 0; a < options_.aggregates.size(); ++a) {
      const Value v = options_.aggregates[a].argument.has_value() ? values_[a][k] : Value::null();
      // Checked by check_values: a failure here is impossible.
      Status added = w.aggregates[a].add(options_.aggregates[a], v);
      CAUDAL_CHECK(added.ok(), "a window aggregate refused a checked value");
    }
  }

  Window& window_at(KeyWindows& k, int64_t start, int64_t end) {
    auto it = std::lower_bound(k.windows.begin(), k.windows.end(), start,
                               [](const Window& w, int64_t s) { return w.start < s; });
    if (it != k.windows.end() && it->start == start) return *it;
    timers_.emplace(end + options_.lateness, state_key_);
    Window w;
    w.start = start;
    w.end = end;
    return *k.windows.insert(it, std::move(w));
  }

  // Adds event k at time t to its windows; false when they are all closed (late).
  bool add(int64_t t, size_t k) {
    switch (options_.kind) {
      case Kind::kTumbling: {
        const int64_t start = floor_div(t, options_.size) * options_.size;
        if (closed(start + options_.size)) return false;
        take(window_at(windows_.change(state_key_), start, start + options_.size), k);
        return true;
      }
      case Kind::kHopping: {
        bool any = false;
        for (int64_t start = floor_div(t, options_.every) * options_.every; start > t - options_.size;
             start -= options_.every) {
          if (closed(start + options_.size)) continue;
          take(window_at(windows_.change(state_key_), start, start + options_.size), k);
          any = true;
        }
        return any;
      }
      case Kind::kSession: return add_session(t, k);
    }
    return false;
  }

  bool add_session(int64_t t, size_t k) {
    const int64_t gap = options_.size;
    KeyWindows* existing = windows_.find(state_key_);
    bool joins = false;
    if (existing != nullptr) {
      for (const Window& w : existing->windows) joins = joins || (t < w.end && w.start < t + gap);
    }
    if (!joins && closed(t + gap)) return false;
    KeyWindows& kw = windows_.change(state_key_);
    Window merged;
    merged.start = t;
    merged.end = t + gap;
    merged.aggregates.resize(options_.aggregates.size());
    std::vector<Window> rest;
    for (Window& w : kw.windows) {
      if (t < w.end && w.start < t + gap) {
        merged.start = std::min(merged.start, w.start);
        merged.end = std::max(merged.end, w.end);
        for (size_t a = 0; a < options_.aggregates.size(); ++a) {
          merged.aggregates[a].merge(options_.aggregates[a], w.aggregates[a]);
        }
      } else {
        rest.push_back(std::move(w));
      }
    }
    take(merged, k);
    timers_.emplace(merged.end + options_.lateness, state_key_);
    auto it = std::lower_bound(rest.begin(), rest.end(), merged.start,
                               [](const Window& w, int64_t s) { return w.start < s; });
    rest.insert(it, std::move(merged));
    kw.windows = std::move(rest);
    return true;
  }

  void fire(EventBatch& batch, uint32_t index, const SourcePosition& position) {
    while (!timers_.empty() && closed(timers_.begin()->first - options_.lateness)) {
      const std::string key = timers_.begin()->second;
      timers_.erase(timers_.begin());
      KeyWindows* k = windows_.find(key);
      if (k == nullptr) continue;
      bool any = false;
      for (auto it = k->windows.begin(); it != k->windows.end();) {
        if (!closed(it->end)) {
          ++it;
          continue;
        }
        emit(batch, index, key, *it, position);
        it = k->windows.erase(it);
        any = true;
      }
      if (!any) continue;
      if (k->windows.empty()) {
        windows_.erase(key);
      } else {
        windows_.change(key);
      }
    }
  }

  void write_window(const Window& w, std::string& out) const {
    out.append("{\"window_start\":");
    append_iso8601_quoted(w.start, out);
    out.append(",\"window_end\":");
    append_iso8601_quoted(w.end, out);
    for (size_t a = 0; a < options_.aggregates.size(); ++a) {
      out.append(",\"");
      append_json_escaped(out, options_.aggregates[a].name);
      out.append("\":");
      if (a < w.aggregates.size()) {
        w.aggregates[a].write(options_.aggregates[a], out);
      } else {
        AggregateState().write(options_.aggregates[a], out);
      }
    }
    out.push_back('}');
  }

  void emit(EventBatch& batch, uint32_t index, const std::string& state_key, const Window& w,
            const SourcePosition& position) {
    const std::string_view key = std::string_view(state_key).substr(kGroupBytes);
    Output output;
    output.json = "{";
    options_.key.write_fields(batch, key, output.json);
    std::string window;
    write_window(w, window);
    output.json.push_back(',');
    output.json.append(window, 1, window.size() - 2);
    output.json.append(",\"id\":\"");
    append_json_escaped(output.json, fmt::format("{}/{}/{}/{}/{}", pipeline_, index, state_key_group(state_key), key,
                                    floor_div(w.start, 1'000'000)));
    output.json.append("\"}");
    output.position.topic = position.topic.empty() ? std::string_view(origin_) : position.topic;
    output.position.partition = log::PartitionId(static_cast<int32_t>(state_key_group(state_key)));
    output.position.timestamp_ms = floor_div(w.end, 1'000'000);
    outputs_.push_back(std::move(output));
  }

  // Appends the encoding of `k` to `value`.
  void encode(const KeyWindows& k, std::string& value) const {
    append_uvarint(value, k.windows.size());
    for (const Window& w : k.windows) {
      append_varlong(value, w.start);
      append_varlong(value, w.end);
      for (size_t a = 0; a < options_.aggregates.size(); ++a) {
        if (a < w.aggregates.size()) {
          w.aggregates[a].encode(options_.aggregates[a], value);
        } else {
          AggregateState().encode(options_.aggregates[a], value);
        }
      }
    }
  }

  // Appends the meta entry's value to `out`.
  void encode_meta(std::string& out) const {
    ByteWriter writer;
    writer.write_u8(1);  // version
    writer.write_varlong(late_);
    writer.write_i64(clock_);
    out.append(reinterpret_cast<const char*>(writer.view().data()), writer.size());
    watermark_.encode(out);
  }

  Status decode_meta(std::string_view value) {
    ByteReader reader(as_bytes(value));
    const uint8_t version = reader.read_u8();
    late_ = reader.read_varlong();
    clock_ = reader.read_i64();
    if (reader.failed() || version != 1) return Status(PipelineErrc::kCorruptState, "a window's meta entry does not decode");
    return watermark_.decode(value.substr(reader.position()));
  }

  Options options_;
  const StateScope* scope_;
  std::string pipeline_;
  std::string origin_;  // the topic named in outputs that no event triggered
  Watermark watermark_;
  int64_t clock_ = Watermark::kNone;  // the watermark, or processing time
  int64_t late_ = 0;
  bool meta_changed_ = false;
  KeyedMap<KeyWindows> windows_;
  std::set<std::pair<int64_t, std::string>> timers_;  // (close time, state key)
  std::string state_key_;
  std::vector<Output> outputs_;
  std::vector<EvalFailure> failures_;
  std::vector<int64_t> times_;
  std::vector<std::vector<Value>> values_;
  std::vector<bool> failed_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  if (args.options.kind != config::Node::Kind::kMap) {
    args.diags.error(args.options.position, args.path,
                     fmt::format("expected a map such as {{tumbling: 1m, aggregate: {{alarms: count()}}}}, found {}",
                                 args.options.describe()));
    return nullptr;
  }
  StepOptions options(args.options, args.path, args.diags,
                      {"key", "tumbling", "hopping", "session", "aggregate", "time", "processing_time", "out_of_order",
                       "allowed_lateness", "idle_timeout", "late"});
  Options o;
  std::optional<StepKey> key = StepKey::build(options, args, false);
  const int kinds = (options.node("tumbling", false) != nullptr) + (options.node("hopping", false) != nullptr) +
                    (options.node("session", false) != nullptr);
  if (kinds != 1) {
    args.diags.error(args.options.position, args.path, "give exactly one of tumbling:, hopping: or session:");
  } else if (std::optional<Duration> size = duration_option(options, "tumbling", false)) {
    o.kind = Kind::kTumbling;
    o.size = to_nanos(*size);
  } else if (std::optional<Duration> gap = duration_option(options, "session", false)) {
    o.kind = Kind::kSession;
    o.size = to_nanos(*gap);
  } else if (const config::Node* hopping = options.node("hopping", false)) {
    o.kind = Kind::kHopping;
    StepOptions hop(*hopping, options.child("hopping"), args.diags, {"size", "every"});
    std::optional<Duration> hop_size = duration_option(hop, "size", true);
    std::optional<Duration> every = duration_option(hop, "every", true);
    if (hop_size.has_value() && every.has_value()) {
      o.size = to_nanos(*hop_size);
      o.every = to_nanos(*every);
      if (o.every > o.size || o.size / o.every > kMaxHops) {
        args.diags.error(hopping->position, options.child("hopping"),
                         fmt::format("every: must be at most size: and size / every at most {}", kMaxHops));
      }
    }
  }
  if (const config::Node* aggregate = options.node("aggregate", true)) {
    std::optional<std::vector<AggregateSpec>> specs = parse_aggregates(*aggregate, options.child("aggregate"), args.diags);
    if (specs.has_value()) o.aggregates = std::move(*specs);
  }
  std::optional<EventTime> time = EventTime::build(options);
  o.out_of_order = to_nanos(duration_option(options, "out_of_order", false, true).value_or(Duration(0)));
  o.lateness = to_nanos(duration_option(options, "allowed_lateness", false, true).value_or(Duration(0)));
  o.idle_timeout = to_nanos(duration_option(options, "idle_timeout", false).value_or(std::chrono::seconds(30)));
  if (const config::Node* late = options.node("late", false)) {
    if (late->kind != config::Node::Kind::kScalar || !config::is_valid_topic_name(late->text)) {
      args.diags.error(late->position, options.child("late"), fmt::format("expected a topic name, found {}", late->describe()));
    } else {
      o.late = add_topic_sink(*args.context.sinks, late->text);
    }
  }
  if (!options.ok() || !key.has_value() || !time.has_value()) return nullptr;
  o.key = std::move(*key);
  o.time = std::move(*time);
  const std::string_view origin = args.context.sources->empty() ? std::string_view(args.context.pipeline)
                                                                 : std::string_view(args.context.sources->front());
  return std::make_unique<WindowStep>(std::move(o), args.context.scope, args.context.pipeline, origin);
}

}  // namespace

StepDescriptor window_step() {
  return {"window", "aggregates each key's events per time window; one event per window when it closes", &build};
}

}  // namespace caudal::pipeline
