// `lookup: {table: NAME, key: EXPRESSION, into: PATH, missing: keep|drop|dead_letter}` finds
// the row of a lookup table (tables.md: CSV or SQLite, reloadable) whose key equals the
// expression's value, and stores the whole row as an object at `into`. When there is no such
// row: `keep` (the default) passes the event on unchanged, `drop` removes it, `dead_letter`
// sends it to the dead-letter topic. A key that is null or missing is a miss; one that fails
// to evaluate dead-letters the event.
//
// The table's current snapshot is taken once per batch (a reload never shows half a table to a
// batch) and held until the next batch, because the stored rows' strings point into it.
//
// Speed: the rows are turned into frozen event objects once per snapshot (RowObjects), with
// their pre-rendered JSON text, so a match costs a hash probe and storing a pointer (events
// share the row; one that changes it gets its own copy first, value.h), and writing the event
// out copies the row's text instead of escaping it again.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "config/schema.h"
#include "pipeline/errc.h"
#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"
#include "table/catalog.h"
#include "table/lookup_table.h"

namespace caudal::pipeline {
namespace {

enum class Missing { kKeep, kDrop, kDeadLetter };

Value cell_value(const table::Value& cell) {
  if (const auto* flag = std::get_if<bool>(&cell)) return Value::boolean(*flag);
  if (const auto* number = std::get_if<int64_t>(&cell)) return Value::integer(*number);
  if (const auto* real = std::get_if<double>(&cell)) return Value::real(*real);
  if (const auto* text = std::get_if<std::string>(&cell)) return Value::string(*text);
  return Value::null();
}

// The rows of one snapshot as frozen Objects (members in the table's column order, `rendered`
// set), built the first time each row matches, in an arena of their own (so memory grows with
// the rows in use, not the table). Events share them: they are never changed (value.h).
class RowObjects {
 public:
  // Starts over for `snapshot` when it is not the one the objects were built from.
  void use(const std::shared_ptr<const table::LookupSnapshot>& snapshot) {
    if (snapshot == snapshot_) return;
    snapshot_ = snapshot;
    arena_.reset();
    objects_.assign(snapshot->size(), nullptr);
  }

  // Starts loading the object slot of the row at `index` (< the snapshot's size()).
  void prefetch(size_t index) const {
    if (index < objects_.size()) __builtin_prefetch(&objects_[index]);
  }

  Object* of(const table::LookupRow& row) {
    Object*& object = objects_[snapshot_->index_of(row)];
    if (object == nullptr) [[unlikely]] {
      const std::vector<table::Column>& columns = snapshot_->columns();
      object = Object::create(arena_, static_cast<uint32_t>(columns.size()));
      for (size_t c = 0; c < columns.size(); ++c) {
        object->append(arena_, columns[c].name, cell_value(row.value(c)));
      }
      // Copied beside the members: a match then reads one block of memory, not three.
      object->rendered = arena_.copy(row.json());
      object->freeze();
    }
    return object;
  }

 private:
  std::shared_ptr<const table::LookupSnapshot> snapshot_;
  Arena arena_;
  std::vector<Object*> objects_;  // by row index; null until the row first matches
};

class LookupStep final : public Step {
 public:
  LookupStep(table::LookupTable& table, Expression key, Path into, Missing missing)
      : table_(table), key_(std::move(key)), into_(std::move(into)), missing_(missing) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    snapshot_ = table_.snapshot();
    rows_.use(snapshot_);
    values_.clear();
    key_.evaluate(batch, values_, failures_);
    std::vector<uint32_t>& selection = batch.mutable_selection();
    uint64_t misses = 0;
    size_t kept = 0;
    size_t failure = 0;
    std::sort(failures_.begin(), failures_.end(),
              [](const EvalFailure& a, const EvalFailure& b) { return a.event < b.event; });
    const size_t evaluation_failures = failures_.size();
    find_rows();
    for (size_t k = 0; k < selection.size(); ++k) {
      const uint32_t event = selection[k];
      if (failure < evaluation_failures && failures_[failure].event == event) {
        ++failure;
        continue;
      }
      Object* row = found_[k];
      if (row == nullptr) {
        ++misses;
        if (missing_ == Missing::kKeep) selection[kept++] = event;
        if (missing_ == Missing::kDeadLetter) {
          failures_.push_back(EvalFailure{
              event, Status(PipelineErrc::kEventFailed,
                            fmt::format("lookup: no row of table {} has key {}", table_.name(),
                                        describe_key(values_[k])))});
        }
        continue;
      }
      Status stored = batch.event(event).set(into_, Value::object(row));
      if (!stored.ok()) {
        failures_.push_back(EvalFailure{
            event, Status(stored.code(), fmt::format("lookup: cannot set {}: {}", into_.text(),
                                                     stored.message()))});
        continue;
      }
      selection[kept++] = event;
    }
    selection.resize(kept);
    table_.record_lookups(values_.size() - evaluation_failures, misses);
    record_failures(failures_, index, outcome);
  }

  void declare_fields(Projection& projection) const override {
    pipeline::declare_fields(key_, projection);
    projection.add_path(into_);
  }

 private:
  // found_[k]: the row object of values_[k], or null. With a table larger than the caches
  // every lookup is a chain of cache misses (hash slot, row key, object slot, object), so the
  // chain is walked in stages a few keys apart (LookupSnapshot::prefetch, prefetch_row): the
  // misses of different keys overlap instead of adding up. Each object is fetched whole (its
  // members and rendered text follow it in the arena) before the loop that stores it.
  void find_rows() {
    constexpr size_t kSlotAhead = 12;
    constexpr size_t kRowAhead = 6;
    found_.resize(values_.size());
    for (size_t k = 0; k < values_.size(); ++k) {
      if (k + kSlotAhead < values_.size() && values_[k + kSlotAhead].is_int()) {
        snapshot_->prefetch(values_[k + kSlotAhead].as_int());
      }
      if (k + kRowAhead < values_.size() && values_[k + kRowAhead].is_int()) {
        rows_.prefetch(snapshot_->prefetch_row(values_[k + kRowAhead].as_int()));
      }
      const table::LookupRow* row = find(values_[k]);
      Object* object = row == nullptr ? nullptr : rows_.of(*row);
      if (object != nullptr) {
        const char* bytes = reinterpret_cast<const char*>(object);
        for (int line = 0; line < 4; ++line) __builtin_prefetch(bytes + 64 * line);
      }
      found_[k] = object;
    }
  }

  const table::LookupRow* find(Value key) const {
    switch (key.kind()) {
      case ValueKind::kInt: return snapshot_->find(key.as_int());
      case ValueKind::kString: return snapshot_->find(key.as_string());
      case ValueKind::kBool: return snapshot_->find(key.as_bool() ? "true" : "false");
      case ValueKind::kDouble: {
        const double number = key.as_double();
        const auto integer = static_cast<int64_t>(number);
        if (static_cast<double>(integer) == number) return snapshot_->find(integer);
        return snapshot_->find(fmt::format("{}", number));
      }
      default: return nullptr;
    }
  }

  static std::string describe_key(Value key) {
    switch (key.kind()) {
      case ValueKind::kInt: return fmt::format("{}", key.as_int());
      case ValueKind::kString: return fmt::format("'{}'", key.as_string());
      default: return std::string(kind_name(key.kind()));
    }
  }

  table::LookupTable& table_;
  Expression key_;
  Path into_;
  Missing missing_;
  std::shared_ptr<const table::LookupSnapshot> snapshot_;
  RowObjects rows_;
  std::vector<Value> values_;
  std::vector<Object*> found_;
  std::vector<EvalFailure> failures_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  StepOptions options(args.options, args.path, args.diags, {"table", "key", "into", "missing"});
  const std::optional<std::string> name = options.text("table", true);
  std::optional<Expression> key = options.expression("key", true);
  std::optional<Path> into = options.field("into", true);
  const std::string missing =
      options.choice("missing", {"keep", "drop", "dead_letter"}, "keep");
  table::LookupTable* table = nullptr;
  if (name.has_value()) {
    table = args.context.catalog != nullptr ? args.context.catalog->lookup(*name) : nullptr;
    if (table == nullptr) {
      std::vector<std::string> names;
      if (args.context.catalog != nullptr) {
        for (const table::TableInfo& info : args.context.catalog->list()) {
          if (info.kind == table::TableKind::kLookup) names.push_back(info.name);
        }
      }
      std::vector<std::string_view> views(names.begin(), names.end());
      const std::optional<std::string_view> close = config::closest_name(*name, views);
      const config::Node* node = options.node("table", false);
      args.diags.error(node->position, options.child("table"),
                       close.has_value()
                           ? fmt::format("no lookup table '{}' in tables:, did you mean '{}'?",
                                         *name, *close)
                           : fmt::format("no lookup table '{}' in tables:", *name));
    }
  }
  if (!options.ok() || table == nullptr || !key.has_value() || !into.has_value()) return nullptr;
  const Missing policy = missing == "drop"          ? Missing::kDrop
                         : missing == "dead_letter" ? Missing::kDeadLetter
                                                    : Missing::kKeep;
  return std::make_unique<LookupStep>(*table, std::move(*key), std::move(*into), policy);
}

}  // namespace

StepDescriptor lookup_step() {
  return {"lookup", "adds the row of a lookup table whose key matches an expression", &build};
}

}  // namespace caudal::pipeline
