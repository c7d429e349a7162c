// InfluxDB line protocol, written: `measurement,tag=v field=1,other="x" 1700000000000000000`.
// Escaping per the protocol: measurements escape commas and spaces; tag keys, tag values and
// field keys escape commas, equals signs and spaces; string field values escape double quotes
// and backslashes. Line breaks in names would end the line, so they are escaped as `\n` too.
//
// These run once per tag and field of every point (the InfluxDB sink's hot loop): text with
// nothing to escape (the usual name) is appended in one piece, numbers go through
// std::to_chars, and nothing allocates except `out` growing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline::connectors {

void append_measurement(std::string_view name, std::string& out);
// Tag keys, tag values and field keys.
void append_key(std::string_view key, std::string& out);
// A field value: numbers as floats (integral ones too), booleans, strings quoted; timestamps
// as integer nanoseconds (`i`); arrays and objects as their JSON in a string. Null and missing
// are not fields (the caller skips them). A NaN or infinite number, which InfluxDB refuses,
// is an error (kRejected) and appends nothing.
Status append_field_value(Value value, std::string& out);
// A tag value as text: strings as they are, anything else as JSON.
void append_tag_value(Value value, std::string& out);
// A point's time: integer nanoseconds.
void append_nanoseconds(int64_t nanos, std::string& out);

}  // namespace caudal::pipeline::connectors
