#include "pipeline/event/json_scanner.h"

#include <cstdint>
#include <cstring>

#include "pipeline/event/arena.h"
#include "pipeline/event/json_decoder.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {
namespace {

using json_detail::bytes_equal;

// Every byte of the 8 in `word` below 0x20 or from 0x80 on gets its high bit set. Exact for the
// lowest such byte (a borrow only flags bytes above a true hit), which is the only one read.
inline uint64_t control_or_high(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  return ((word - kOnes * 0x20) & ~word & kHigh) | (word & kHigh);
}

// The bytes are read once, front to back, with the grammar of json_decoder.h. Every method
// returns false (a missing Value, a view with a null data pointer) to give up; nothing is
// reported: JsonReader then asks simdjson.
//
// Reading past the text: the text is followed by whitespace padding (at least 8 bytes), so
// the byte after any token is readable, and a string's closing quote is searched a word at a
// time. Only whitespace can run into the padding, so skipping it is bounded by the text's end,
// and so is the search for a closing quote; everything else stops at a space by itself.
class Scanner : public json_detail::JsonDecoder<Scanner, kScannerDepth> {
 public:
  Scanner(std::string_view text, Arena& arena)
      : JsonDecoder(arena), at_(text.data()), end_(text.data() + text.size()) {}

  bool root(const Projection* projection, Value& out) {
    skip_space();
    if (*at_ != '{') return false;
    const Value members = root_members(projection);
    if (members.is_missing()) return false;
    skip_space();
    if (at_ != end_) return false;  // nothing may follow the root object
    out = members;
    return true;
  }

 private:
  friend class JsonDecoder;

  char here() const { return *at_; }

  // Bounded by the end of the text: the padding after it is whitespace too.
  void skip_space() {
    while (static_cast<uint8_t>(*at_) <= ' ' && at_ < end_ && json_detail::is_space(*at_)) ++at_;
  }

  template <typename Each>
  bool items(char close, Each each) {
    ++at_;
    skip_space();
    if (*at_ == close) {
      ++at_;
      return true;
    }
    while (true) {
      if (!each()) return false;
      skip_space();
      const char c = *at_;
      ++at_;
      if (c == close) return true;
      if (c != ',') return false;
      skip_space();
    }
  }

  std::string_view member_key() {
    const std::string_view key = string<true>();
    if (key.data() == nullptr) return {};
    skip_space();
    if (*at_ != ':') return {};
    ++at_;
    skip_space();
    return key;
  }

  // A string of printable ASCII without escapes, as a view of the text; null data otherwise.
  template <bool kBuild>
  std::string_view string() {
    if (*at_ != '"') return {};
    const char* first = at_ + 1;
    for (const char* p = first; p < end_; p += 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);  // within the padding
      const uint64_t hits = bytes_equal(word, '"') | bytes_equal(word, '\\') | control_or_high(word);
      if (hits == 0) continue;
      const char* hit = p + __builtin_ctzll(hits) / 8;
      if (*hit != '"' || hit >= end_) return {};
      at_ = hit + 1;
      return {first, static_cast<size_t>(hit - first)};
    }
    return {};
  }

  bool atom(std::string_view word) {
    // The padding after the text is spaces: a match lies within the text.
    if (std::memcmp(at_, word.data(), word.size()) != 0) return false;
    at_ += word.size();
    return true;
  }

  // Plain integers (the usual ids, counts, sizes) here; any other number through
  // read_fast_number. No bound checks: the padding stops the digits.
  Value number() {
    const char* p = at_;
    const bool negative = *p == '-';
    p += negative;
    if (*p < '1' || *p > '9') return json_detail::read_fast_number(at_, end_);
    uint64_t mantissa = 0;
    const char* first = p;
    while (static_cast<uint8_t>(*p - '0') <= 9) mantissa = mantissa * 10 + static_cast<uint8_t>(*p++ - '0');
    if (p - first > 18 || *p == '.' || *p == 'e' || *p == 'E') {
      return json_detail::read_fast_number(at_, end_);
    }
    at_ = p;
    const auto value = static_cast<int64_t>(mantissa);
    return Value::integer(negative ? -value : value);
  }

  const char* at_;
  const char* end_;
};

}  // namespace

bool scan_json_object(std::string_view text, Arena& arena, const Projection* projection,
                      Value& out) {
  Scanner scanner(text, arena);
  return scanner.root(projection, out);
}

}  // namespace caudal::pipeline
