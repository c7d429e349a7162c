// UTF-8 validation for text that did not come through simdjson (paths and expressions from
// configs): keys and strings built from it end up in events written as JSON, which must stay
// valid UTF-8.
#pragma once

#include <cstddef>
#include <string_view>

namespace caudal::pipeline {

// The length of the longest valid UTF-8 prefix of `text`: text.size() when all of it is valid
// (no overlong forms, no surrogates, nothing above U+10FFFF).
size_t valid_utf8_prefix(std::string_view text);

}  // namespace caudal::pipeline
