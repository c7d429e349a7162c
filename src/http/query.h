// Reading the parts of a request target: percent-decoding (RFC 3986) and query parameters
// (`?key=device.id&pretty`, with `+` as a space, as HTML forms and most clients send it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace caudal::http {

// `text` with every %XX replaced by its byte; nullopt when a `%` is not followed by two hex
// digits. The result may be any bytes (callers validate names and UTF-8 themselves).
std::optional<std::string> percent_decode(std::string_view text);

// The decoded value of the first parameter `name` in the query of `target` (the part after
// `?`): "" for `?name` or `?name=`, nullopt when absent or badly encoded.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

}  // namespace caudal::http
