#include "config/diagnostics.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/errc.h"

namespace caudal::config {

std::string child_path(std::string_view parent, std::string_view key) {
  const bool needs_quotes = key.empty() || key.find_first_of(". \t[]\"'") != std::string_view::npos;
  const std::string shown = needs_quotes ? fmt::format("\"{}\"", key) : std::string(key);
  if (parent.empty()) return shown;
  return fmt::format("{}.{}", parent, shown);
}

void Diagnostics::error(Position where, std::string_view path, std::string message) {
  errors_.push_back(Entry{where, std::string(path), std::move(message)});
}

Status Diagnostics::to_status() const {
  if (errors_.empty()) return Status();
  std::vector<const Entry*> sorted;
  sorted.reserve(errors_.size());
  for (const Entry& e : errors_) sorted.push_back(&e);
  // Unknown positions (0) sort last: they are about the file as a whole.
  auto key = [](const Entry* e) {
    return std::pair(e->where.line == 0 ? INT32_MAX : e->where.line, e->where.column);
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Entry* a, const Entry* b) { return key(a) < key(b); });

  std::string text;
  const size_t listed = std::min(sorted.size(), kMaxListed);
  for (size_t i = 0; i < listed; ++i) {
    const Entry& e = *sorted[i];
    if (i > 0) text.push_back('\n');
    text.append(file_name_);
    if (e.where.line > 0)
      fmt::format_to(std::back_inserter(text), ":{}:{}", e.where.line, e.where.column);
    text.append(": ");
    if (!e.path.empty()) fmt::format_to(std::back_inserter(text), "{}: ", e.path);
    text.append(e.message);
  }
  if (sorted.size() > listed) {
    fmt::format_to(std::back_inserter(text), "\n{}: {} more errors not listed", file_name_,
                   sorted.size() - listed);
  }
  return Status(Errc::kInvalid, std::move(text));
}

}  // namespace caudal::config
