#include "http/ingest/index_map.h"

#include <algorithm>

namespace caudal::http {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point (the last '*'): linear for patterns with one
  // star, and never exponential.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

IndexMap::IndexMap(const std::map<std::string, std::string>& entries) {
  for (const auto& [key, topic] : entries) {
    if (key.find('*') == std::string::npos) {
      exact_.emplace(key, topic);
    } else {
      patterns_.push_back(Pattern{key, topic,
                                  static_cast<size_t>(std::count_if(
                                      key.begin(), key.end(), [](char c) { return c != '*'; }))});
    }
  }
  std::stable_sort(patterns_.begin(), patterns_.end(), [](const Pattern& a, const Pattern& b) {
    return a.literal_chars > b.literal_chars;
  });
}

std::optional<std::string_view> IndexMap::lookup(std::string_view index) const {
  if (auto it = exact_.find(index); it != exact_.end()) return std::string_view(it->second);
  for (const Pattern& pattern : patterns_) {
    if (glob_match(pattern.pattern, index)) return std::string_view(pattern.topic);
  }
  return std::nullopt;
}

}  // namespace caudal::http
