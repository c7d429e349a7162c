// What JsonReader's two decoders share (json_reader.cc over simdjson's structural index,
// json_scanner.cc over the bytes): the grammar of values and root members (JsonDecoder),
// numbers on the exact fast path, JSON whitespace, and a word-at-a-time byte search. Internal
// to the event model.
#pragma once

#include <cstdint>
#include <string_view>

#include "pipeline/event/arena.h"
#include "pipeline/event/projection.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline::json_detail {

// JSON whitespace (RFC 8259).
inline bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Every byte of the 8 in `word` that equals `c` gets its high bit set (exact: no false hits).
inline uint64_t bytes_equal(uint64_t word, char c) {
  const uint64_t x = word ^ (0x0101010101010101ull * static_cast<uint8_t>(c));
  return ~(((x & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | x | 0x7f7f7f7f7f7f7f7full);
}

// Every byte of the 8 in `word` that a JSON string must escape (a quote, a backslash, a
// control character below 0x20) gets its high bit set. Exact for the lowest such byte (a
// borrow only flags bytes above a true hit), so nonzero means at least one.
inline uint64_t bytes_to_escape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  return bytes_equal(word, '"') | bytes_equal(word, '\\') | ((word - kOnes * 0x20) & ~word & kHigh);
}

// Exact powers of ten for Clinger's fast path: a decimal with at most 15 significant digits
// and an exponent within ±22 is one correctly rounded multiplication or division.
inline constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The RFC 8259 number starting at `at` (and ending at the first byte that cannot continue it,
// or at `end`), on the fast path only: up to 18 digits, and for a decimal at most 15
// significant digits with a power of ten within ±22 (exact, as simdjson's own fast path).
// Moves `at` past it. Missing (and `at` unchanged) when the bytes there do not start a number
// or the number is beyond the fast path (or -0): the caller leaves those to simdjson. Whether
// the number ends where it should (before a delimiter) is the caller's to check.
inline Value read_fast_number(const char*& at, const char* end) {
  const char* p = at;
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  if (p == end) return Value::missing();
  uint64_t mantissa = 0;
  int digits = 0;
  if (*p == '0') {
    ++p;
  } else if (*p >= '1' && *p <= '9') {
    while (p < end && *p >= '0' && *p <= '9') {
      mantissa = mantissa * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
      if (++digits > 18) return Value::missing();
    }
  } else {
    return Value::missing();
  }
  if (p == end || (*p != '.' && *p != 'e' && *p != 'E')) {
    if (negative && mantissa == 0) return Value::missing();
    at = p;
    const auto value = static_cast<int64_t>(mantissa);
    return Value::integer(negative ? -value : value);
  }
  int exponent = 0;
  if (*p == '.') {
    ++p;
    const char* first = p;
    while (p < end && *p >= '0' && *p <= '9') {
      mantissa = mantissa * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
      if (mantissa != 0 && ++digits > 15) return Value::missing();
    }
    if (p == first) return Value::missing();
    exponent = -static_cast<int>(p - first);
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool minus = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) ++p;
    const char* first = p;
    int power = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      power = power * 10 + (*p - '0');
      ++p;
      if (p - first > 3) return Value::missing();
    }
    if (p == first) return Value::missing();
    exponent += minus ? -power : power;
  }
  if (digits > 15 || exponent < -22 || exponent > 22) return Value::missing();
  double value = static_cast<double>(mantissa);
  value = exponent < 0 ? value / kPowersOfTen[-exponent] : value * kPowersOfTen[exponent];
  if (negative && value == 0) return Value::missing();
  at = p;
  return Value::real(negative ? -value : value);
}

// The grammar above the tokens, for a decoder `Derived` that reads tokens its own way:
//   char here()                          the first byte of the current token
//   bool items(char close, Each each)    past the opening bracket here, the members or items
//                                        (each() reads one, false on an error), commas
//                                        between them, up to and past `close`
//   std::string_view member_key()        a key and its colon (null data on an error)
//   std::string_view string<kBuild>()    a string (null data on an error; not building, any
//                                        other data pointer means valid)
//   bool atom(std::string_view word)     true, false or null, exactly
//   Value number()                       a number (missing on an error)
// Every read returns missing (or false) when the decoder cannot decide: the caller then asks
// simdjson. Values are returned in registers: a Value stored field by field and read back
// whole stalls store forwarding, once per member.
template <typename Derived, int kDeepest>
class JsonDecoder {
 public:
  explicit JsonDecoder(Arena& arena) : arena_(arena) {}

 protected:
  // The members of the root object (here() is its '{'): those `projection` contains (all
  // when null or everything()) decoded, the others validated; with `slots`, each decoded
  // member's value in its projection slot too. Missing on an error.
  Value root_members(const Projection* projection, Value* slots) {
    Derived& self = static_cast<Derived&>(*this);
    const bool all = projection == nullptr || projection->everything();
    Object* result =
        Object::create(arena_, all ? 8 : static_cast<uint32_t>(projection->keys().size()));
    const bool members = self.items('}', [&] {
      const std::string_view key = self.member_key();
      if (key.data() == nullptr) return false;
      const int32_t slot = all ? -1 : projection->slot_of(key);
      if (!all && slot < 0) return !value<false>(2).is_missing();
      const Value item = value<true>(2);
      if (item.is_missing()) return false;
      result->append(arena_, key, item);
      if (slots != nullptr && slot >= 0) slots[slot] = item;
      return true;
    });
    return members ? Value::object(result) : Value::missing();
  }

  // The value here; `kBuild`: wanted (else only validated: any kind but missing means valid).
  template <bool kBuild>
  Value value(int depth) {
    Derived& self = static_cast<Derived&>(*this);
    switch (self.here()) {
      case '{': {
        if (depth > kDeepest) return Value::missing();
        Object* result = kBuild ? Object::create(arena_, 4) : nullptr;
        const bool members = self.items('}', [&] {
          const std::string_view key = self.member_key();
          if (key.data() == nullptr) return false;
          const Value item = value<kBuild>(depth + 1);
          if (item.is_missing()) return false;
          if constexpr (kBuild) result->append(arena_, key, item);
          return true;
        });
        if (!members) return Value::missing();
        return kBuild ? Value::object(result) : Value::null();
      }
      case '[': {
        if (depth > kDeepest) return Value::missing();
        Array* result = kBuild ? Array::create(arena_, 4) : nullptr;
        const bool elements = self.items(']', [&] {
          const Value item = value<kBuild>(depth + 1);
          if (item.is_missing()) return false;
          if constexpr (kBuild) result->push_back(arena_, item);
          return true;
        });
        if (!elements) return Value::missing();
        return kBuild ? Value::array(result) : Value::null();
      }
      case '"': {
        const std::string_view text = self.template string<kBuild>();
        return text.data() == nullptr ? Value::missing() : Value::string(text);
      }
      case 't': return self.atom("true") ? Value::boolean(true) : Value::missing();
      case 'f': return self.atom("false") ? Value::boolean(false) : Value::missing();
      case 'n': return self.atom("null") ? Value::null() : Value::missing();
      default: return self.number();
    }
  }

  Arena& arena_;
};

}  // namespace caudal::pipeline::json_detail
