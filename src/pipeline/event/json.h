// JSON in and out of Values.
//
// JsonReader reads an event in up to three tries, each only accepting what it can fully
// validate: a short plain object goes through one pass over its bytes (json_scanner.h);
// otherwise simdjson's stage 1 (in the CPU's fastest kernels, chosen at run time) and one pass
// of our own over the structural index, building Values only for the fields asked for and
// validating the others; whatever neither accepts goes to simdjson's DOM parser, which decides:
// errors are the DOM parser's, with its messages (json_reader.cc says why and what is
// validated). Strict RFC 8259 and UTF-8; depth at most kMaxDepth; integers beyond int64 become
// doubles.
// One JsonReader per thread (it keeps simdjson's buffers between documents).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/json_string.h"
#include "common/result.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

class Arena;
class Projection;

inline constexpr size_t kMaxDepth = 128;

// Whether JsonReader tries the one-pass scanner (json_scanner.h) on short documents first:
// always, except in the tests that compare the structural-index decoder with simdjson's DOM.
enum class ShortDocuments { kScan, kIndex };

class JsonReader {
 public:
  explicit JsonReader(ShortDocuments short_documents = ShortDocuments::kScan);
  ~JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Parses `text`, which must be followed by kJsonPadding bytes of whitespace
  // (Arena::copy_padded). Errors: kInvalidJson (with simdjson's reason), kTooDeep.
  // Strings and keys of the result may point into `text`, which must live as long as they do.
  // With a `projection` (not everything()), an object at the root gets only the members whose
  // keys it contains; the whole text is validated all the same. With `slots` too (one per key
  // of the projection, missing on entry), slot i receives the value of the projection's key i
  // (the last one when a key repeats; Event::top_level reads them).
  Result<Value> read(std::string_view text, Arena& arena, const Projection* projection = nullptr,
                     Value* slots = nullptr);

  // The same through simdjson's DOM parser alone: the reference read() must agree with
  // (event_test compares them over mutated documents).
  Result<Value> read_with_dom(std::string_view text, Arena& arena,
                              const Projection* projection = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool scan_short_ = true;
};

// simdjson::SIMDJSON_PADDING, without including simdjson.
extern const size_t kJsonPadding;

// Appends `text` as a JSON string literal, quotes included: copied whole when nothing needs
// escaping (the usual key or value), else through append_json_escaped.
void write_json_string(std::string_view text, std::string& out);

// Appends `"key":value` (after a comma when `comma`), the key escaped as write_json_string does
// and the value as write_json does: the usual short plain key and string in one append.
void write_json_member(std::string_view key, Value value, bool comma, std::string& out);

// Appends `value` as JSON. Doubles in shortest round-trip form (with ".0" when integral, so
// they read back as doubles), NaN and infinities as null, timestamps as ISO-8601 strings,
// missing as null.
void write_json(Value value, std::string& out);

}  // namespace caudal::pipeline
