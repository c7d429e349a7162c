// JSON in and out of Values.
//
// JsonReader parses with simdjson's DOM parser (its fastest kernels for the CPU, chosen at run
// time; the On-Demand API would be compiled for the baseline x86-64 here and is slower) and
// walks the result once into a Value tree in an Arena. Strict RFC 8259 and UTF-8; depth at
// most kMaxDepth; integers beyond int64 become doubles.
// One JsonReader per thread (it keeps simdjson's buffers between documents).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

class Arena;
class Projection;

inline constexpr size_t kMaxDepth = 128;

class JsonReader {
 public:
  JsonReader();
  ~JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Parses `text`, which must be followed by at least kJsonPadding readable bytes
  // (Arena::copy_with_tail). Errors: kInvalidJson (with simdjson's reason), kTooDeep.
  // With a `projection` (not everything()), an object at the root gets only the members whose
  // keys it contains; the whole text is validated all the same.
  Result<Value> read(std::string_view text, Arena& arena, const Projection* projection = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// simdjson::SIMDJSON_PADDING, without including simdjson.
extern const size_t kJsonPadding;

// Appends `value` as JSON. Doubles in shortest round-trip form (with ".0" when integral, so
// they read back as doubles), NaN and infinities as null, timestamps as ISO-8601 strings,
// missing as null.
void write_json(Value value, std::string& out);

// Appends `text` as the inside of a JSON string (no quotes): `"`, `\` and control characters
// escaped, other bytes as they are.
void append_json_escaped(std::string_view text, std::string& out);

}  // namespace caudal::pipeline
