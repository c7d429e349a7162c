// JsonScanner: one pass over the bytes of a short, plain JSON object event, decoding the
// members a projection asks for and validating the others, without simdjson's stage 1.
//
// Why: for a ~100-byte event, building the structural index (stage 1) and then walking it costs
// more than reading the bytes once. The scanner reads them once, but only accepts a strict
// subset of JSON it can validate completely on its own: an object at the root; strings of
// printable ASCII without escapes; numbers on the exact fast path (at most 18 integer digits, or
// 15 significant digits with a power of ten within ±22, no -0); true, false, null; nesting up
// to kScannerDepth. Anything else (an escape, a byte >= 0x80, a control character, any syntax
// error, a long number...) makes it give up, and JsonReader reads the document the usual way
// (json_reader.cc), so refusals and their messages are always simdjson's. What it accepts,
// simdjson's DOM parser accepts too, with the same values: event_test's differential test and
// fuzz/event_fuzz.cc check both.
//
// Internal to the event model (JsonReader's first try).
#pragma once

#include <cstddef>
#include <string_view>

#include "pipeline/event/value.h"

namespace caudal::pipeline {

class Arena;
class Projection;

// Deeper than this the scanner gives up (simdjson enforces kMaxDepth with its own message).
inline constexpr int kScannerDepth = 64;

// Decodes `text` (followed by at least 8 bytes of whitespace padding, as JsonReader's input is)
// into `out`: an object with the members `projection` contains (all of them when it is null or
// everything()), strings and keys pointing into `text`; with `slots` (one per projection key),
// each decoded member's value in its slot too (Projection::slot_of). False when it gives up:
// `out` and the slots are then unspecified, and what it allocated stays in the arena until it
// resets.
bool scan_json_object(std::string_view text, Arena& arena, const Projection* projection,
                      Value* slots, Value& out);

}  // namespace caudal::pipeline
