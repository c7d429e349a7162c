// Errors found while loading caudal.yaml, collected so that one run reports every problem in
// the file, each as `file:line:column: key.path: what was expected, found what`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace caudal::config {

// A place in the file, 1-based as an editor shows it. 0 means unknown.
struct Position {
  int line = 0;
  int column = 0;
};

// The key path of a child: child_path("topics", "ENTRY") == "topics.ENTRY". A key that would
// make the path ambiguous (empty, or holding '.', quotes, brackets or spaces) is double-quoted.
std::string child_path(std::string_view parent, std::string_view key);

// Not thread-safe; one per load.
class Diagnostics {
 public:
  // Beyond this many, the rest are counted but not listed: a file that is wrong everywhere
  // (say, the wrong file entirely) should not bury the first errors under thousands more.
  static constexpr size_t kMaxListed = 50;

  explicit Diagnostics(std::string file_name) : file_name_(std::move(file_name)) {}

  // `path` may be empty for errors that belong to no key (YAML syntax, the top level).
  void error(Position where, std::string_view path, std::string message);

  bool empty() const { return errors_.empty(); }
  size_t count() const { return errors_.size(); }

  // A config::Errc::kInvalid Status whose message holds the errors one per line, in file
  // order (errors at one position keep the order they were found in), then, past kMaxListed,
  // a line counting those left out. OK when there are none.
  Status to_status() const;

 private:
  struct Entry {
    Position where;
    std::string path;
    std::string message;
  };

  std::string file_name_;
  std::vector<Entry> errors_;
};

}  // namespace caudal::config
