#include "pipeline/event/event_batch.h"

#include <fmt/format.h>

#include "pipeline/event/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {

EventBatch::EventBatch() : reader_(std::make_unique<JsonReader>()) {}

EventBatch::~EventBatch() = default;

SourcePosition EventBatch::own_source(const SourcePosition& source) {
  SourcePosition owned = source;
  if (source.key) owned.key = arena_.copy(*source.key);
  return owned;
}

Result<uint32_t> EventBatch::append_json(std::string_view json, const SourcePosition& source) {
  std::string_view text = arena_.copy_padded(json, kJsonPadding);
  const bool partial = projection_ != nullptr && !projection_->everything();
  Value* slots = nullptr;
  if (partial) {
    const size_t count = projection_->keys().size();
    slots = arena_.allocate_array<Value>(count);
    for (size_t i = 0; i < count; ++i) slots[i] = Value::missing();
  }
  CAUDAL_ASSIGN_OR_RETURN(Value root, reader_->read(text, arena_, projection_, slots));
  if (!root.is_object()) {
    return Status(EventErrc::kNotAnObject,
                  fmt::format("an event must be a JSON object, not {}", kind_name(root.kind())));
  }
  auto index = static_cast<uint32_t>(events_.size());
  events_.emplace_back(arena_, root, text, own_source(source));
  if (partial) events_.back().set_projection(projection_, slots, reader_.get());
  selection_.push_back(index);
  return index;
}

uint32_t EventBatch::append_empty(const SourcePosition& source) {
  auto index = static_cast<uint32_t>(events_.size());
  events_.emplace_back(arena_, Value::object(Object::create(arena_, 4)), std::string_view(),
                       own_source(source));
  selection_.push_back(index);
  return index;
}

Result<Value> EventBatch::parse_json(std::string_view json) {
  std::string_view text = arena_.copy_padded(json, kJsonPadding);
  return reader_->read(text, arena_);
}

void EventBatch::select_all() {
  selection_.resize(events_.size());
  for (uint32_t i = 0; i < selection_.size(); ++i) selection_[i] = i;
}

void EventBatch::clear() {
  events_.clear();
  selection_.clear();
  arena_.reset();
}

}  // namespace caudal::pipeline
