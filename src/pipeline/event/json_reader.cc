// JsonReader: the one-pass scanner for short plain documents (json_scanner.h), simdjson's
// stage 1 plus our own second stage for the rest, simdjson's DOM parser as the judge.
//
// The indexed path (IndexDecoder) decodes an object event in one pass over simdjson's
// structural index: projected members become Values, the others are validated and left in
// the original bytes. Any error, a root that is not an object, or nesting near the limit makes
// it give up, and the DOM parser reads the same bytes again: an event that is refused is
// always refused by the DOM parser, with its message. So the fast path must never accept what
// the DOM parser refuses; event_test's differential test and fuzz/event_fuzz.cc check that.
//
// What the fast path validates (the DOM parser's rules, RFC 8259 + UTF-8):
//   - stage 1 (shared with DOM, the CPU's fastest kernels): UTF-8, unescaped control
//     characters, unterminated strings;
//   - every value is visited, projected or not: object and array punctuation by On-Demand's
//     iteration, atoms and numbers by parsing them, string escapes by unescaping any string
//     that has a backslash; nothing after the root object.
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/check.h"
#include "pipeline/event/arena.h"
#include "pipeline/event/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/event/json_decoder.h"
#include "pipeline/event/json_scanner.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {

const size_t kJsonPadding = simdjson::SIMDJSON_PADDING;

namespace {

namespace dom = simdjson::dom;

// simdjson's DOM parser, then one walk of its tape into Values. Strings are copied to the
// arena: the parser reuses its string buffer for the next document.
class DomDecoder {
 public:
  explicit DomDecoder(Arena& arena) : arena_(arena) {}

  // The root object with only the members `projection` names (and their values in `slots`).
  Value projected(dom::object object, const Projection& projection, Value* slots) {
    Object* result = Object::create(arena_, static_cast<uint32_t>(projection.keys().size()));
    for (dom::key_value_pair member : object) {
      const int32_t slot = projection.slot_of(member.key);
      if (slot < 0) continue;
      const Value value = convert(member.value);
      result->append(arena_, arena_.copy(member.key), value);
      if (slots != nullptr) slots[slot] = value;
    }
    return Value::object(result);
  }

  Value convert(dom::element element) {
    switch (element.type()) {
      case dom::element_type::OBJECT: {
        dom::object object = element.get_object().value_unsafe();
        // size() saturates for huge objects; append() grows past it when it must.
        Object* result = Object::create(arena_, static_cast<uint32_t>(object.size()));
        for (dom::key_value_pair member : object) {
          result->append(arena_, arena_.copy(member.key), convert(member.value));
        }
        return Value::object(result);
      }
      case dom::element_type::ARRAY: {
        dom::array array = element.get_array().value_unsafe();
        Array* result = Array::create(arena_, static_cast<uint32_t>(array.size()));
        for (dom::element item : array) result->push_back(arena_, convert(item));
        return Value::array(result);
      }
      case dom::element_type::STRING:
        return Value::string(arena_.copy(element.get_string().value_unsafe()));
      case dom::element_type::INT64: return Value::integer(element.get_int64().value_unsafe());
      // Beyond int64: a double, like JavaScript and most JSON readers.
      case dom::element_type::UINT64:
        return Value::real(static_cast<double>(element.get_uint64().value_unsafe()));
      case dom::element_type::DOUBLE: return Value::real(element.get_double().value_unsafe());
      case dom::element_type::BOOL: return Value::boolean(element.get_bool().value_unsafe());
      case dom::element_type::NULL_VALUE: return Value::null();
    }
    return Value::null();
  }

 private:
  Arena& arena_;
};

using json_detail::bytes_equal;
using json_detail::is_space;

// One event over simdjson's structural index (stage 1: every `{ } [ ] : ,` and the first byte
// of every scalar, outside strings). A second stage of our own, building Values only for the
// projected members and validating the rest. Every method returns false (a missing Value, a
// view with a null data pointer) when it cannot decide (an error, or a rare form it leaves to
// simdjson: numbers beyond the fast path, surrogate escapes, deep nesting): the caller then
// asks the DOM parser. Strings and keys without escapes are views of the text itself (which
// lives in the batch's arena).
// Deeper than this, the DOM parser decides (and enforces kMaxDepth with its own message).
constexpr int kDeepestIndexed = static_cast<int>(kMaxDepth) - 1;

class IndexDecoder : public json_detail::JsonDecoder<IndexDecoder, kDeepestIndexed> {
 public:
  IndexDecoder(const char* text, const uint32_t* index, uint32_t count, Arena& arena)
      : JsonDecoder(arena), text_(text), index_(index), count_(count) {}

  bool root(const Projection* projection, Value* slots, Value& out) {
    if (count_ == 0 || here() != '{') return false;
    const Value members = root_members(projection, slots);
    // Nothing may follow the root object.
    if (members.is_missing() || at_ != count_) return false;
    out = members;
    return true;
  }

 private:
  friend class JsonDecoder;

  char here() const { return at_ < count_ ? text_[index_[at_]] : '\0'; }

  // The current token: from its structural to the next one, less trailing whitespace.
  std::string_view token() const {
    const char* begin = text_ + index_[at_];
    const char* end = text_ + index_[at_ + 1];  // the index ends with sentinels
    while (end > begin && is_space(end[-1])) --end;
    return {begin, static_cast<size_t>(end - begin)};
  }

  // The members or items of the container opening here, up to `close`: `each` reads one
  // (and returns false on an error); commas between them, nothing else.
  template <typename Each>
  bool items(char close, Each each) {
    ++at_;
    if (here() == close) {
      ++at_;
      return true;
    }
    while (true) {
      if (!each()) return false;
      const char c = here();
      ++at_;
      if (c == close) return true;
      if (c != ',') return false;
    }
  }

  // Values and keys come back in registers, failures as missing or a null data pointer: a
  // Value or view stored field by field and read back whole from memory stalls store
  // forwarding, once per member.
  std::string_view member_key() {
    if (here() != '"') return {};
    const std::string_view key = string<true>();
    if (key.data() == nullptr || here() != ':') return {};
    ++at_;
    return key;
  }

  // A string token; `build`: the text is wanted (a view when plain, else unescaped into the
  // arena). A null data pointer when it is not a valid string.
  template <bool kBuild>
  std::string_view string() {
    // The common case, no escape: the first quote after the opening one closes the string
    // (stage 1 made anything after it up to the next structural whitespace or a structural of
    // its own), found eight bytes at a time without measuring the token first.
    const char* first = text_ + index_[at_] + 1;
    const char* limit = text_ + index_[at_ + 1];  // the index ends with sentinels
    for (const char* p = first; p < limit; p += 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);  // the padding makes reading past the text safe
      const uint64_t quotes = bytes_equal(word, '"');
      const uint64_t hits = quotes | bytes_equal(word, '\\');
      if (hits == 0) continue;
      if ((quotes & hits & (~hits + 1)) == 0) break;  // a backslash first: unescape below
      const char* close = p + __builtin_ctzll(hits) / 8;
      if (close >= limit) break;
      ++at_;
      return {first, static_cast<size_t>(close - first)};
    }
    const std::string_view quoted = token();
    ++at_;
    if (quoted.size() < 2 || quoted.back() != '"') return {};
    const char* begin = quoted.data() + 1;
    const size_t size = quoted.size() - 2;
    // Any quote or backslash inside? Eight bytes at a time (the padding makes reading past the
    // end of the text safe); a quote must be escaped, so either sends us to unescape().
    for (size_t i = 0; i < size; i += 8) {
      uint64_t word;
      std::memcpy(&word, begin + i, 8);
      uint64_t hits = bytes_equal(word, '"') | bytes_equal(word, '\\');
      if (size - i < 8) hits &= (1ull << ((size - i) * 8)) - 1;
      if (hits != 0) return unescape<kBuild>(begin, size);
    }
    return {begin, size};
  }

  // The escapes of RFC 8259 except surrogates (left to simdjson); false for an unescaped
  // quote (the string ended before its token did) or a bad escape: a null data pointer then
  // (not building, any non-null pointer means valid).
  template <bool kBuild>
  std::string_view unescape(const char* begin, size_t size) {
    char* to = kBuild ? static_cast<char*>(arena_.allocate(size, 1)) : nullptr;
    size_t written = 0;
    auto put = [&](char c) {
      if constexpr (kBuild) to[written] = c;
      ++written;
    };
    for (size_t i = 0; i < size; ++i) {
      const char c = begin[i];
      if (c == '"') return {};
      if (c != '\\') {
        put(c);
        continue;
      }
      if (++i == size) return {};
      switch (begin[i]) {
        case '"': put('"'); break;
        case '\\': put('\\'); break;
        case '/': put('/'); break;
        case 'b': put('\b'); break;
        case 'f': put('\f'); break;
        case 'n': put('\n'); break;
        case 'r': put('\r'); break;
        case 't': put('\t'); break;
        case 'u': {
          if (size - i < 5) return {};
          uint32_t code = 0;
          for (size_t k = 1; k <= 4; ++k) {
            const char h = begin[i + k];
            uint32_t digit;
            if (h >= '0' && h <= '9') {
              digit = h - '0';
            } else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') {
              digit = (h | 0x20) - 'a' + 10;
            } else {
              return {};
            }
            code = code * 16 + digit;
          }
          i += 4;
          if (code >= 0xd800 && code <= 0xdfff) return {};
          if (code < 0x80) {
            put(static_cast<char>(code));
          } else if (code < 0x800) {
            put(static_cast<char>(0xc0 | (code >> 6)));
            put(static_cast<char>(0x80 | (code & 0x3f)));
          } else {
            put(static_cast<char>(0xe0 | (code >> 12)));
            put(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
            put(static_cast<char>(0x80 | (code & 0x3f)));
          }
          break;
        }
        default: return {};
      }
    }
    return kBuild ? std::string_view(to, written) : std::string_view(begin, 0);
  }

  // A number on the fast path (json_number.h), filling its whole token; missing otherwise.
  Value number() {
    const std::string_view text = token();
    ++at_;
    const char* p = text.data();
    const char* end = p + text.size();
    const Value value = json_detail::read_fast_number(p, end);
    return p == end ? value : Value::missing();
  }

  bool atom(std::string_view word) {
    const bool same = token() == word;
    ++at_;
    return same;
  }

  const char* text_;
  const uint32_t* index_;
  uint32_t count_;
  uint32_t at_ = 0;
};

// After a decoder gave up: the next one starts from empty slots again.
void clear_slots(const Projection* projection, Value* slots) {
  if (slots == nullptr) return;
  for (size_t i = 0; i < projection->keys().size(); ++i) slots[i] = Value::missing();
}

}  // namespace

struct JsonReader::Impl {
  dom::parser dom;
  // simdjson's stage 1 alone (the structural index), in the kernels chosen for this CPU.
  std::unique_ptr<simdjson::internal::dom_parser_implementation> stage1;
  size_t stage1_capacity = 64 * 1024;

  Impl() {
    // The depth limit is enforced by simdjson itself (DEPTH_ERROR), before any walk.
    CAUDAL_CHECK(dom.allocate(64 * 1024, kMaxDepth) == simdjson::SUCCESS,
                 "allocating the JSON parser");
    CAUDAL_CHECK(simdjson::get_active_implementation()->create_dom_parser_implementation(
                     stage1_capacity, kMaxDepth, stage1) == simdjson::SUCCESS,
                 "allocating the JSON parser");
  }

  Result<Value> dom_read(std::string_view text, Arena& arena, const Projection* projection,
                         Value* slots) {
    dom::element root;
    auto code = dom.parse(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                          /*realloc_if_needed=*/false)
                    .get(root);
    if (code == simdjson::SUCCESS) {
      DomDecoder decoder(arena);
      if (projection != nullptr && !projection->everything() &&
          root.type() == dom::element_type::OBJECT) {
        return decoder.projected(root.get_object().value_unsafe(), *projection, slots);
      }
      return decoder.convert(root);
    }
    if (code == simdjson::DEPTH_ERROR) {
      return Status(EventErrc::kTooDeep, fmt::format("JSON nested deeper than {} levels", kMaxDepth));
    }
    return Status(EventErrc::kInvalidJson,
                  fmt::format("invalid JSON: {}", simdjson::error_message(code)));
  }
};

JsonReader::JsonReader(ShortDocuments short_documents)
    : impl_(std::make_unique<Impl>()), scan_short_(short_documents == ShortDocuments::kScan) {}

JsonReader::~JsonReader() = default;

Result<Value> JsonReader::read(std::string_view text, Arena& arena, const Projection* projection,
                               Value* slots) {
  // Up to this size one scalar pass costs less than stage 1's vector kernels plus the walk of
  // their index; beyond, stage 1 wins on long strings.
  constexpr size_t kShortDocument = 4096;
  if (scan_short_ && text.size() <= kShortDocument) {
    Value root;
    if (scan_json_object(text, arena, projection, slots, root)) return root;
    clear_slots(projection, slots);
  }
  Impl& impl = *impl_;
  bool indexed = text.size() <= impl.stage1_capacity;
  if (!indexed && text.size() <= simdjson::SIMDJSON_MAXSIZE_BYTES) {
    indexed = impl.stage1->set_capacity(text.size()) == simdjson::SUCCESS;
    if (indexed) impl.stage1_capacity = text.size();
  }
  if (indexed && impl.stage1->stage1(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                                     simdjson::stage1_mode::regular) == simdjson::SUCCESS) {
    IndexDecoder decoder(text.data(), impl.stage1->structural_indexes.get(),
                         impl.stage1->n_structural_indexes, arena);
    Value root;
    if (decoder.root(projection, slots, root)) return root;
    clear_slots(projection, slots);
  }
  return impl.dom_read(text, arena, projection, slots);
}

Result<Value> JsonReader::read_with_dom(std::string_view text, Arena& arena,
                                        const Projection* projection) {
  return impl_->dom_read(text, arena, projection, nullptr);
}

}  // namespace caudal::pipeline
