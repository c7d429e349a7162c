// The golden tests' dataset, generated deterministically (a fixed-seed LCG, no std::
// distributions, so every platform makes the same documents):
//   web            3,000 web-log events, one every 37 s from 2024-03-01T00:00:00Z
//   social-tweets    600 tweet-like documents with a US state, one every 5 min
//   social-news      150 news items with a state, one every 20 min
// Documents are JSON text; the record key is null (generated ids) except for every tenth
// tweet, which carries an _id ("tw-N") that a later document replaces.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace caudal::index::golden {

struct GoldenDoc {
  std::optional<std::string> id;
  std::string json;
};

std::vector<GoldenDoc> web_logs();
std::vector<GoldenDoc> tweets();
std::vector<GoldenDoc> news();

}  // namespace caudal::index::golden
