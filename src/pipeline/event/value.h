// Value: one typed JSON-like value of an event or an expression, 16 bytes, trivially copyable.
//
// Scalars are held inline. Strings, arrays and objects point into memory the Value does not
// own: the Arena of the EventBatch the value belongs to (or, for constants folded at load time,
// the compiled Expression). A Value is therefore valid as long as that batch (or expression)
// is, and is never freed on its own.
//
// Kinds: null, bool, int (int64), double, string (UTF-8 bytes), timestamp (nanoseconds since
// the Unix epoch, UTC; written to JSON as an ISO-8601 string), array, object (members in
// insertion order; keys unique). `missing` exists only as the result of reading a field that
// is not there: expressions treat it like null but name it differently in errors, and it is
// never stored in an event.
#pragma once

#include <cstdint>
#include <string_view>

namespace caudal::pipeline {

class Arena;
struct Array;
struct Object;

enum class ValueKind : uint8_t {
  kMissing,
  kNull,
  kBool,
  kInt,
  kDouble,
  kString,
  kTimestamp,
  kArray,
  kObject,
};

// "missing", "null", "bool", "int", "double", "string", "timestamp", "array", "object".
std::string_view kind_name(ValueKind kind);

class Value {
 public:
  constexpr Value() : kind_(ValueKind::kMissing), length_(0), int_(0) {}

  static constexpr Value missing() { return Value(); }
  static constexpr Value null() { return Value(ValueKind::kNull); }
  static constexpr Value boolean(bool flag) {
    Value v(ValueKind::kBool);
    v.int_ = flag ? 1 : 0;
    return v;
  }
  static constexpr Value integer(int64_t number) {
    Value v(ValueKind::kInt);
    v.int_ = number;
    return v;
  }
  static Value real(double number) {
    Value v(ValueKind::kDouble);
    v.double_ = number;
    return v;
  }
  // A view of `text`: the bytes must outlive the value (copy them into the batch's arena with
  // Arena::copy first when they do not). Strings are limited to 4 GiB - 1 bytes.
  static Value string(std::string_view text) {
    Value v(ValueKind::kString);
    v.string_ = text.data();
    v.length_ = static_cast<uint32_t>(text.size());
    return v;
  }
  static constexpr Value timestamp(int64_t nanos_since_epoch) {
    Value v(ValueKind::kTimestamp);
    v.int_ = nanos_since_epoch;
    return v;
  }
  static Value array(Array* items) {
    Value v(ValueKind::kArray);
    v.array_ = items;
    return v;
  }
  static Value object(Object* members) {
    Value v(ValueKind::kObject);
    v.object_ = members;
    return v;
  }

  ValueKind kind() const { return kind_; }
  bool is_missing() const { return kind_ == ValueKind::kMissing; }
  // True for null and for missing: both mean "no value" to expressions.
  bool is_null() const { return kind_ == ValueKind::kNull || kind_ == ValueKind::kMissing; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_int() const { return kind_ == ValueKind::kInt; }
  bool is_double() const { return kind_ == ValueKind::kDouble; }
  bool is_number() const { return kind_ == ValueKind::kInt || kind_ == ValueKind::kDouble; }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_timestamp() const { return kind_ == ValueKind::kTimestamp; }
  bool is_array() const { return kind_ == ValueKind::kArray; }
  bool is_object() const { return kind_ == ValueKind::kObject; }

  // Accessors: the kind must match (checked by the caller; reading the wrong one is a bug).
  bool as_bool() const { return int_ != 0; }
  int64_t as_int() const { return int_; }
  double as_double() const { return double_; }
  // Either number kind as a double.
  double as_number() const { return kind_ == ValueKind::kInt ? static_cast<double>(int_) : double_; }
  std::string_view as_string() const { return {string_, length_}; }
  int64_t as_timestamp() const { return int_; }
  Array* as_array() const { return array_; }
  Object* as_object() const { return object_; }

 private:
  explicit constexpr Value(ValueKind kind) : kind_(kind), length_(0), int_(0) {}

  ValueKind kind_;
  uint32_t length_;
  union {
    int64_t int_;
    double double_;
    const char* string_;
    Array* array_;
    Object* object_;
  };
};

static_assert(sizeof(Value) == 16);

// An array's items, in the arena. Grows by reallocation in the arena (the old items are left
// behind until the batch resets), so an Array* stays valid while its items move.
struct Array {
  Value* items = nullptr;
  uint32_t size = 0;
  uint32_t capacity = 0;

  static Array* create(Arena& arena, uint32_t capacity);
  void push_back(Arena& arena, Value value) {
    if (size == capacity) [[unlikely]] grow(arena);
    items[size++] = value;
  }
  void grow(Arena& arena);
  Value* begin() const { return items; }
  Value* end() const { return items + size; }
};

struct Member {
  std::string_view key;
  Value value;
};

// Whether two keys are the same bytes. Inline, and a word at a time (overlapping words for
// the tail, never reading outside either key): keys are short, and this is the innermost
// loop of every field read, projection test and change of an event.
inline bool same_key(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (b.size() != n) return false;
  const char* x = a.data();
  const char* y = b.data();
  auto equal = [&]<typename Word>(size_t at, Word) {
    Word u;
    Word v;
    __builtin_memcpy(&u, x + at, sizeof(Word));
    __builtin_memcpy(&v, y + at, sizeof(Word));
    return u == v;
  };
  if (n >= 8) {
    for (size_t k = 0; k + 8 < n; k += 8) {
      if (!equal(k, uint64_t{})) return false;
    }
    return equal(n - 8, uint64_t{});
  }
  if (n >= 4) return equal(0, uint32_t{}) && equal(n - 4, uint32_t{});
  if (n >= 2) return equal(0, uint16_t{}) && x[n - 1] == y[n - 1];
  return n == 0 || x[0] == y[0];
}

// An object's members in insertion order (JSON key order is preserved on output). Lookup is a
// linear scan: events have few keys per level, and a scan over 32-byte members beats hashing.
//
// `rendered`, when not empty, is this object's JSON text, known in advance (a lookup table's
// row is rendered once per table load): write_json copies it instead of escaping every member
// again. Every change of the object's members clears it; Event::set/remove also clear it on
// each object they walk through, since a change below one changes its text too.
//
// A frozen object (freeze()) is shared instead of copied: a lookup table's row goes into every
// event that matches it by reference. Nothing changes it again: deep_copy keeps it as it is,
// and Event::set/remove replace a frozen object on their way by a copy of their own (thaw)
// before changing anything below it.
struct Object {
  Member* members = nullptr;
  uint32_t size = 0;
  uint32_t capacity = 0;
  std::string_view rendered;
  // Nonzero when frozen: how deeply the object nests (1 when its members are scalars), so that
  // storing it measures its depth without walking it.
  uint32_t frozen_depth = 0;

  bool frozen() const { return frozen_depth != 0; }
  // Freezes the object and every object below it. Its arrays are not marked: thaw() copies
  // them, so they are never changed either.
  void freeze();
  // A copy of a frozen object that its owner may change (in `arena`): the members, with their
  // arrays copied (deep_copy), their objects shared (frozen, thawed in turn when reached).
  Object* thaw(Arena& arena) const;

  static Object* create(Arena& arena, uint32_t capacity);
  // The member named `key`, or nullptr. When keys repeat (JSON allows it), the last one wins,
  // as in most JSON readers. Inline: it is the innermost loop of every field read.
  Member* find(std::string_view key) const {
    for (uint32_t i = size; i > 0; --i) {
      if (same_key(members[i - 1].key, key)) return &members[i - 1];
    }
    return nullptr;
  }
  // Appends without checking for an existing key; `key` must outlive the batch.
  void append(Arena& arena, std::string_view key, Value value) {
    if (size == capacity) [[unlikely]] grow(arena);
    members[size++] = Member{key, value};
    rendered = {};
  }
  // Replaces the value of `key`, or appends it: keeps the key's position when present.
  void put(Arena& arena, std::string_view key, Value value);
  // Removes `key` keeping the order of the others; false when absent.
  bool remove(std::string_view key);
  void grow(Arena& arena);
  Member* begin() const { return members; }
  Member* end() const { return members + size; }
};

// Equality as expressions see it: numbers compare by value across int and double, strings by
// bytes, arrays and objects member by member (object key order does not matter); null equals
// null and missing; values of different kinds are never equal.
bool values_equal(Value a, Value b);

// A copy of `value` whose arrays and objects are new in `arena` (strings are shared: they are
// never modified in place; so are frozen objects). Used when a value is stored into an event,
// so that changing one event never changes another that got the same value. `depth` receives
// how deeply `value` nests (0 for a scalar, 1 for an array or object of scalars...), measured
// by the same walk.
Value deep_copy(Value value, Arena& arena, size_t& depth);

}  // namespace caudal::pipeline
