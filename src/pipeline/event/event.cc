#include "pipeline/event/event.h"

#include <fmt/format.h>

#include "common/check.h"
#include "pipeline/event/arena.h"
#include "pipeline/event/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {
namespace {

// The slot an index designates in an array of `size` items, or -1 when out of range.
int64_t resolve_index(int64_t index, uint32_t size) {
  int64_t at = index < 0 ? index + size : index;
  return (at >= 0 && at < size) ? at : -1;
}

inline Value step(Value at, const PathSegment& segment) {
  if (segment.is_index) {
    if (!at.is_array()) return Value::missing();
    const Array& array = *at.as_array();
    int64_t i = resolve_index(segment.index, array.size);
    return i < 0 ? Value::missing() : array.items[i];
  }
  if (!at.is_object()) return Value::missing();
  const Member* member = at.as_object()->find(segment.key);
  return member == nullptr ? Value::missing() : member->value;
}

// A change is about to be made below `at`: its pre-rendered text (value.h) no longer holds.
inline void unrender(Value at) {
  if (at.is_object()) at.as_object()->rendered = {};
}

// step() on the way to a change: a frozen object found there (shared with other events) is
// replaced in `at`, which the event owns, by a thawed copy, which is returned.
Value step_to_change(Value at, const PathSegment& segment, Arena& arena) {
  Value next = step(at, segment);
  if (!next.is_object() || !next.as_object()->frozen()) return next;
  next = Value::object(next.as_object()->thaw(arena));
  if (segment.is_index) {
    at.as_array()->items[resolve_index(segment.index, at.as_array()->size)] = next;
  } else {
    at.as_object()->find(segment.key)->value = next;
  }
  return next;
}

}  // namespace

Value Event::get(const Path& path) const { return get_path(root_, path); }

Value get_path(Value root, const Path& path) {
  Value at = root;
  for (const PathSegment& segment : path.segments()) {
    at = step(at, segment);
    if (at.is_missing()) return at;
  }
  return at;
}

Status Event::set(const Path& path, Value value) {
  const auto& segments = path.segments();
  if (segments.empty()) return Status(EventErrc::kCannotSet, "cannot set the empty path");
  if (value.is_missing()) value = Value::null();
  // Written events must read back: no deeper than the parser accepts. The copy measures the
  // depth on its way (a refused value leaves its copy in the arena until the batch resets).
  size_t value_depth = 0;
  value = deep_copy(value, *arena_, value_depth);
  if (segments.size() + value_depth > kMaxDepth) {
    return Status(EventErrc::kCannotSet,
                  fmt::format("cannot set '{}': the event would nest deeper than {} levels",
                              path.text(), kMaxDepth));
  }
  if (segments.size() == 1 && !segments[0].is_index && set_slot(segments[0].key, value)) {
    return Status();
  }
  const bool original =
      prepare_change(segments[0].is_index ? std::string_view() : std::string_view(segments[0].key));

  // Walk to the parent of the last segment, creating objects for missing keys. Nothing is
  // created until the whole walk is known to succeed, so a failed set leaves no debris.
  Value at = root_;
  size_t depth = 0;
  for (; depth + 1 < segments.size(); ++depth) {
    Value next = step_to_change(at, segments[depth], *arena_);
    if (next.is_missing()) break;
    if (!next.is_object() && !next.is_array()) {
      return Status(EventErrc::kCannotSet,
                    fmt::format("cannot set '{}': '{}' is {}, not an object", path.text(),
                                path.prefix(depth + 1).text(), kind_name(next.kind())));
    }
    at = next;
    unrender(at);
  }
  if (depth + 1 < segments.size()) {
    // Missing from segments[depth] on: only object keys can be created.
    for (size_t i = depth; i < segments.size(); ++i) {
      if (segments[i].is_index) {
        return Status(EventErrc::kCannotSet,
                      fmt::format("cannot set '{}': '{}' is missing, and arrays are not created "
                                  "implicitly",
                                  path.text(), path.prefix(depth + 1).text()));
      }
    }
    if (!at.is_object()) {
      return Status(EventErrc::kCannotSet,
                    fmt::format("cannot set '{}': '{}' is {}, not an object", path.text(),
                                path.prefix(depth).text(), kind_name(at.kind())));
    }
    for (; depth + 1 < segments.size(); ++depth) {
      Object* child = Object::create(*arena_, 4);
      at.as_object()->put(*arena_, arena_->copy(segments[depth].key), Value::object(child));
      at = Value::object(child);
    }
  }

  const PathSegment& last = segments.back();
  if (last.is_index) {
    if (!at.is_array()) {
      return Status(EventErrc::kCannotSet,
                    fmt::format("cannot set '{}': the parent is {}, not an array", path.text(),
                                kind_name(at.kind())));
    }
    Array& array = *at.as_array();
    if (last.index == static_cast<int64_t>(array.size)) {
      array.push_back(*arena_, value);
    } else {
      int64_t i = resolve_index(last.index, array.size);
      if (i < 0) {
        return Status(EventErrc::kCannotSet,
                      fmt::format("cannot set '{}': index {} is out of range for an array of {}",
                                  path.text(), last.index, array.size));
      }
      array.items[i] = value;
    }
  } else {
    if (!at.is_object()) {
      return Status(EventErrc::kCannotSet,
                    fmt::format("cannot set '{}': the parent is {}, not an object", path.text(),
                                kind_name(at.kind())));
    }
    Object& object = *at.as_object();
    if (Member* member = object.find(last.key)) {
      member->value = value;
    } else {
      object.append(*arena_, arena_->copy(last.key), value);
    }
  }
  touched(original, segments[0].is_index ? std::string_view() : std::string_view(segments[0].key),
          segments.size() == 1 ? &value : nullptr);
  return Status();
}

bool Event::remove(const Path& path) {
  const auto& segments = path.segments();
  if (segments.empty()) return false;
  // Looked up before the change: removing a top-level key takes it out of the root.
  const bool original =
      prepare_change(segments[0].is_index ? std::string_view() : std::string_view(segments[0].key));
  Value at = root_;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    at = step_to_change(at, segments[i], *arena_);
    if (at.is_missing()) return false;
    unrender(at);
  }
  const PathSegment& last = segments.back();
  bool removed = false;
  if (last.is_index) {
    if (!at.is_array()) return false;
    Array& array = *at.as_array();
    int64_t i = resolve_index(last.index, array.size);
    if (i < 0) return false;
    for (uint32_t k = static_cast<uint32_t>(i); k + 1 < array.size; ++k) array.items[k] = array.items[k + 1];
    --array.size;
    removed = true;
  } else if (at.is_object()) {
    removed = at.as_object()->remove(last.key);
  }
  if (removed) {
    const Value gone = Value::missing();
    touched(original,
            segments[0].is_index ? std::string_view() : std::string_view(segments[0].key),
            segments.size() == 1 ? &gone : nullptr);
  }
  return removed;
}

Result<bool> Event::rename(const Path& from, const Path& to) {
  Value value = get(from);
  if (value.is_missing()) return false;
  if (from == to) return true;
  // Set first: if it fails the event is untouched. The value is copied by set, so removing the
  // source afterwards cannot affect it, even when `to` lies inside `from`.
  CAUDAL_RETURN_IF_ERROR(set(to, value));
  bool to_inside_from = to.segments().size() > from.segments().size() &&
                        to.prefix(from.segments().size()) == from;
  if (!to_inside_from) remove(from);
  return true;
}

bool Event::is_original_key(std::string_view top_key) const {
  const Object& root = *root_.as_object();
  for (uint32_t i = 0; i < original_members_ && i < root.size; ++i) {
    if (same_key(root.members[i].key, top_key)) return true;
  }
  return false;
}

bool Event::prepare_change(std::string_view top_key) {
  bool original = is_original_key(top_key);
  if (projection_ != nullptr && (original || !projection_->contains(top_key))) {
    materialize();
    original = is_original_key(top_key);
  }
  return original;
}

void Event::materialize() {
  Result<Value> whole = reader_->read(original_, *arena_);
  // The same bytes parsed when the event was decoded: they cannot fail now.
  CAUDAL_CHECK(whole.ok() && whole->is_object(), "re-reading an event's original JSON");
  Object& root = *whole->as_object();
  const uint32_t originals = root.size;
  // Projected originals are unchanged (a change to one materializes first), so only the
  // members added since decoding carry over.
  const Object& partial = *root_.as_object();
  for (uint32_t i = original_members_; i < partial.size; ++i) {
    root.append(*arena_, partial.members[i].key, partial.members[i].value);
  }
  root_ = *whole;
  original_members_ = originals;
  projection_ = nullptr;
  slots_ = nullptr;
}

bool Event::set_slot(std::string_view key, Value value) {
  if (projection_ == nullptr) return false;
  const int32_t slot = projection_->slot_of(key);
  if (slot < 0 || slot >= kTrackedSlots) return false;
  const uint64_t bit = uint64_t{1} << slot;
  if (slots_[slot].is_missing()) {
    // Neither original nor added yet: a new last member, spliced in on output. Its key is the
    // projection's, which outlives the batch: no copy.
    root_.as_object()->append(*arena_, projection_->keys()[slot], value);
  } else if ((added_slots_ & bit) != 0) {
    root_.as_object()->find(key)->value = value;
  } else {
    return false;  // an original member: the general path materializes first
  }
  slots_[slot] = value;
  added_slots_ |= bit;
  modified_ = true;
  return true;
}

void Event::touched(bool original, std::string_view top_key, const Value* top_value) {
  modified_ = true;
  // A change under one of the original members: the original bytes no longer describe them.
  if (original) rewrite_ = true;
  // Still partial (prepare_change did not materialize): the key is in the projection.
  if (projection_ != nullptr) {
    const int32_t slot = projection_->slot_of(top_key);
    if (slot < 0) return;
    Value now;
    if (top_value != nullptr) {
      now = *top_value;
    } else {
      const Member* member = root_.as_object()->find(top_key);
      now = member != nullptr ? member->value : Value::missing();
    }
    slots_[slot] = now;
    if (slot < kTrackedSlots) {
      const uint64_t bit = uint64_t{1} << slot;
      added_slots_ = now.is_missing() ? added_slots_ & ~bit : added_slots_ | bit;
    }
  }
}

void Event::write_json(std::string& out) const {
  if (original_.empty() || rewrite_) {
    pipeline::write_json(root_, out);
    return;
  }
  if (!modified_) {
    out.append(original_);
    return;
  }
  // Only new top-level members: the original text up to its closing brace, then them. The
  // text decides whether a comma is due (a projected root may hold none of its members). It
  // is a valid object: its last byte but whitespace is the closing brace.
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t close = original_.size() - 1;
  while (space(original_[close])) --close;
  size_t inside = original_.find('{') + 1;
  while (space(original_[inside])) ++inside;
  bool first = inside == close;
  out.append(original_.data(), close);
  const Object& root = *root_.as_object();
  for (uint32_t i = original_members_; i < root.size; ++i) {
    write_json_member(root.members[i].key, root.members[i].value, !first, out);
    first = false;
  }
  out.push_back('}');
}

}  // namespace caudal::pipeline
