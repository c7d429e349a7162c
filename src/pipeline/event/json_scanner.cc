#include "pipeline/event/json_scanner.h"

#include <cstdint>
#include <cstring>

#include "pipeline/event/arena.h"
#include "pipeline/event/json_decoder.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {
namespace {

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

  bool root(const Projection* projection, Value* slots, Value& out) {
    skip_space();
    if (*at_ != '{') return false;
    const Value members = root_members(projection, slots);
    if (members.is_missing()) return false;
    skip_space();
    if (at_ != end_) return false;  // nothing may follow the root object
    out = members;
    return true;
  }

 private:
  friend class JsonDecoder;

  char here() const { return *at_; }

  // Bounded by the end of the text: the padding after it is whitespace too. Inline for the
  // usual case (no whitespace between tokens), the loop out of line.
  void skip_space() {
    if (static_cast<uint8_t>(*at_) <= ' ') [[unlikely]] skip_spaces();
  }
  [[gnu::noinline]] void skip_spaces() {
    while (at_ < end_ && json_detail::is_space(*at_)) ++at_;
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
      // Anything to escape, or a byte from 0x80 on (UTF-8 is left to simdjson).
      const uint64_t hits = json_detail::bytes_to_escape(word) | (word & 0x8080808080808080ull);
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

  // Plain integers and decimals without an exponent (the usual ids, counts, measures) here;
  // any other number through read_fast_number. No bound checks: the padding stops the digits.
  Value number() {
    const char* p = at_;
    const bool negative = *p == '-';
    p += negative;
    if (*p < '1' || *p > '9') return json_detail::read_fast_number(at_, end_);
    uint64_t mantissa = 0;
    const char* first = p;
    while (static_cast<uint8_t>(*p - '0') <= 9) mantissa = mantissa * 10 + static_cast<uint8_t>(*p++ - '0');
    if (*p == '.') {
      const char* point = p++;
      while (static_cast<uint8_t>(*p - '0') <= 9) mantissa = mantissa * 10 + static_cast<uint8_t>(*p++ - '0');
      const auto decimals = p - point - 1;
      // Digits on both sides (first is not a '0'), at most 15 significant, exactly scaled.
      if (decimals == 0 || p - first - 1 > 15 || decimals > 22 || *p == 'e' || *p == 'E') {
        return json_detail::read_fast_number(at_, end_);
      }
      at_ = p;
      const double value = static_cast<double>(mantissa) / json_detail::kPowersOfTen[decimals];
      return Value::real(negative ? -value : value);
    }
    if (p - first > 18 || *p == 'e' || *p == 'E') return json_detail::read_fast_number(at_, end_);
    at_ = p;
    const auto value = static_cast<int64_t>(mantissa);
    return Value::integer(negative ? -value : value);
  }

  const char* at_;
  const char* end_;
};

}  // namespace

bool scan_json_object(std::string_view text, Arena& arena, const Projection* projection,
                      Value* slots, Value& out) {
  Scanner scanner(text, arena);
  return scanner.root(projection, slots, out);
}

}  // namespace caudal::pipeline
