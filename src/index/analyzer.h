// The standard analyzer, simplified: text is split into tokens at every byte that is not an
// ASCII letter or digit (bytes of multi-byte UTF-8 characters count as letters, so words in
// any script stay whole), and ASCII letters are lowercased. Elasticsearch's standard tokenizer
// follows Unicode word boundaries (UAX #29); for the ASCII logs and messages Caudal indexes the
// two agree except on apostrophes and dots inside words ("don't" is two tokens here, one
// there), a difference docs/search.md states. Tokens longer than 255 bytes are cut there.
// Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace caudal::index {

inline constexpr size_t kMaxTokenBytes = 255;

// Calls `emit(token)` for each token of `text`, in order.
template <typename Emit>
void for_each_token(std::string_view text, Emit&& emit) {
  char token[kMaxTokenBytes];
  size_t size = 0;
  for (unsigned char c : text) {
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 || (c >= 'A' && c <= 'Z');
    if (!word) {
      if (size > 0) emit(std::string_view(token, size));
      size = 0;
      continue;
    }
    if (size < kMaxTokenBytes) token[size++] = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  }
  if (size > 0) emit(std::string_view(token, size));
}

std::vector<std::string> tokenize(std::string_view text);

// ASCII lowercase of `text` (keyword values compared case-insensitively by query_string).
std::string lowercase(std::string_view text);

}  // namespace caudal::index
