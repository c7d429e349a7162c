// IndexMap: the configured mapping from Elasticsearch or HEC index names to topics
// (http.bulk.indexes, http.hec.indexes). Keys are names or patterns where '*' matches any run
// of characters. Lookup: an exact key wins; otherwise the matching pattern with the most
// literal characters (ties: the smaller key in byte order, so the choice never depends on
// the order of the file). Immutable after construction: safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caudal::http {

class IndexMap {
 public:
  IndexMap() = default;
  explicit IndexMap(const std::map<std::string, std::string>& entries);

  // The topic `index` maps to, or nullopt when no key matches.
  std::optional<std::string_view> lookup(std::string_view index) const;

  bool empty() const { return exact_.empty() && patterns_.empty(); }

 private:
  struct Pattern {
    std::string pattern;
    std::string topic;
    size_t literal_chars;
  };
  std::map<std::string, std::string, std::less<>> exact_;
  std::vector<Pattern> patterns_;  // most specific first
};

// Whether `text` matches `pattern`, where '*' matches any run of characters (none included).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace caudal::http
