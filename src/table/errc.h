// Error codes of the table module. See common/errc.h for the pattern; http/ maps unknown tables
// and keys to 404 in its tables handler.
#pragma once

#include <system_error>

namespace caudal::table {

enum class Errc {
  kUnknownTable = 1,   // no table of that name
  kInvalidOptions,     // table options that cannot work (no key column, empty name, ...)
  kSourceUnavailable,  // the source file or database cannot be opened or read
  kMalformedSource,    // the source's content is wrong; the message says where (file:line)
  kStorage,            // RocksDB refused a read or write
  kCorruptData,        // a stored entry does not decode
};

const std::error_category& error_category();

inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace caudal::table

template <>
struct std::is_error_code_enum<caudal::table::Errc> : std::true_type {};
