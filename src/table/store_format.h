// The bytes of the materialized tables' RocksDB store (docs/tables.md §On disk):
//
//   table entry:  0x01 | name                            -> 0x01 (format version)
//   row:          0x02 | be32 len(name) | name | key     -> 0x01 | be64 version | JSON
//
// The length prefix makes one table's rows exactly the keys starting with its prefix, whatever
// bytes the names hold ("a" never prefixes table "ab"'s rows); within a table rows sort by
// key bytes, which is the order scans page in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace caudal::table::store_format {

constexpr char kTableTag = 0x01;
constexpr char kRowTag = 0x02;
constexpr uint8_t kFormatVersion = 1;

std::string table_key(std::string_view name);
std::string data_prefix(std::string_view name);

struct Document {
  uint64_t version = 0;
  std::string_view json;  // points into the decoded bytes
};

std::string encode_document(uint64_t version, std::string_view json);
// Errc::kCorruptData naming the table when `bytes` is not a document.
Result<Document> decode_document(std::string_view table, std::string_view bytes);

}  // namespace caudal::table::store_format
