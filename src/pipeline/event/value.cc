#include "pipeline/event/value.h"

#include <algorithm>
#include <cstring>

#include "pipeline/event/arena.h"

namespace caudal::pipeline {

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kMissing: return "missing";
    case ValueKind::kNull: return "null";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kDouble: return "double";
    case ValueKind::kString: return "string";
    case ValueKind::kTimestamp: return "timestamp";
    case ValueKind::kArray: return "array";
    case ValueKind::kObject: return "object";
  }
  return "unknown";
}

namespace {

template <typename T>
T* grow_items(Arena& arena, T* items, uint32_t size, uint32_t& capacity) {
  uint32_t wanted = std::max<uint32_t>(4, capacity * 2);
  T* bigger = arena.allocate_array<T>(wanted);
  if (size > 0) std::memcpy(static_cast<void*>(bigger), items, sizeof(T) * size);
  capacity = wanted;
  return bigger;
}

}  // namespace

Array* Array::create(Arena& arena, uint32_t capacity) {
  auto* array = new (arena.allocate(sizeof(Array), alignof(Array))) Array;
  if (capacity > 0) array->items = arena.allocate_array<Value>(capacity);
  array->capacity = capacity;
  return array;
}

void Array::grow(Arena& arena) { items = grow_items(arena, items, size, capacity); }

Object* Object::create(Arena& arena, uint32_t capacity) {
  auto* object = new (arena.allocate(sizeof(Object), alignof(Object))) Object;
  if (capacity > 0) object->members = arena.allocate_array<Member>(capacity);
  object->capacity = capacity;
  return object;
}

void Object::grow(Arena& arena) { members = grow_items(arena, members, size, capacity); }

void Object::put(Arena& arena, std::string_view key, Value value) {
  if (Member* m = find(key)) {
    m->value = value;
    rendered = {};
    return;
  }
  append(arena, key, value);
}

bool Object::remove(std::string_view key) {
  bool removed = false;
  // Every member with the key goes: with repeated keys, removing only the last would let an
  // older duplicate reappear.
  uint32_t kept = 0;
  for (uint32_t i = 0; i < size; ++i) {
    if (members[i].key == key) {
      removed = true;
      continue;
    }
    members[kept++] = members[i];
  }
  size = kept;
  if (removed) rendered = {};
  return removed;
}

bool values_equal(Value a, Value b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_number() == b.as_number();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kBool: return a.as_bool() == b.as_bool();
    case ValueKind::kString: return a.as_string() == b.as_string();
    case ValueKind::kTimestamp: return a.as_timestamp() == b.as_timestamp();
    case ValueKind::kArray: {
      const Array& x = *a.as_array();
      const Array& y = *b.as_array();
      if (x.size != y.size) return false;
      for (uint32_t i = 0; i < x.size; ++i) {
        if (!values_equal(x.items[i], y.items[i])) return false;
      }
      return true;
    }
    case ValueKind::kObject: {
      const Object& x = *a.as_object();
      const Object& y = *b.as_object();
      if (x.size != y.size) return false;
      for (const Member& m : x) {
        const Member* other = y.find(m.key);
        if (other == nullptr || !values_equal(m.value, other->value)) return false;
      }
      return true;
    }
    default: return false;
  }
}

namespace {

// Freezes the objects of `value` and returns how deeply it nests.
size_t freeze_value(Value value) {
  if (value.is_object()) {
    Object& object = *value.as_object();
    object.freeze();
    return object.frozen_depth;
  }
  if (!value.is_array()) return 0;
  size_t depth = 1;
  for (Value item : *value.as_array()) depth = std::max(depth, freeze_value(item) + 1);
  return depth;
}

}  // namespace

void Object::freeze() {
  if (frozen()) return;
  size_t depth = 1;
  for (const Member& m : *this) depth = std::max(depth, freeze_value(m.value) + 1);
  frozen_depth = static_cast<uint32_t>(depth);
}

Object* Object::thaw(Arena& arena) const {
  Object* copy = Object::create(arena, size);
  size_t depth = 0;
  for (const Member& m : *this) {
    copy->members[copy->size++] =
        Member{m.key, m.value.is_array() ? deep_copy(m.value, arena, depth) : m.value};
  }
  copy->rendered = rendered;  // the same members, so the same text
  return copy;
}

Value deep_copy(Value value, Arena& arena, size_t& depth) {
  depth = 0;
  size_t below = 0;
  if (value.is_object() && value.as_object()->frozen()) {
    depth = value.as_object()->frozen_depth;
    return value;
  }
  if (value.is_array()) {
    const Array& from = *value.as_array();
    Array* to = Array::create(arena, from.size);
    for (Value item : from) {
      to->items[to->size++] = deep_copy(item, arena, below);
      depth = std::max(depth, below + 1);
    }
    depth = std::max<size_t>(depth, 1);
    return Value::array(to);
  }
  if (value.is_object()) {
    const Object& from = *value.as_object();
    Object* to = Object::create(arena, from.size);
    for (const Member& m : from) {
      to->members[to->size++] = Member{m.key, deep_copy(m.value, arena, below)};
      depth = std::max(depth, below + 1);
    }
    depth = std::max<size_t>(depth, 1);
    to->rendered = from.rendered;  // the same members, so the same text
    return Value::object(to);
  }
  return value;
}

}  // namespace caudal::pipeline
