#include "table/store_format.h"

#include <fmt/format.h>

#include "common/bytes.h"
#include "common/check.h"
#include "table/errc.h"

namespace caudal::table::store_format {

std::string table_key(std::string_view name) {
  std::string key(1, kTableTag);
  key.append(name);
  return key;
}

std::string data_prefix(std::string_view name) {
  CAUDAL_CHECK(name.size() <= UINT32_MAX, "table name over 4 GiB");
  std::string key(5, kRowTag);
  store_be32(reinterpret_cast<uint8_t*>(key.data() + 1), static_cast<uint32_t>(name.size()));
  key.append(name);
  return key;
}

std::string encode_document(uint64_t version, std::string_view json) {
  std::string out(9, '\0');
  out[0] = static_cast<char>(kFormatVersion);
  store_be64(reinterpret_cast<uint8_t*>(out.data() + 1), version);
  out.append(json);
  return out;
}

Result<Document> decode_document(std::string_view table, std::string_view bytes) {
  if (bytes.size() < 9 || static_cast<uint8_t>(bytes[0]) != kFormatVersion) {
    return Status(
        Errc::kCorruptData,
        fmt::format("table '{}': a stored row of {} bytes is malformed (format byte {})", table,
                    bytes.size(),
                    bytes.empty() ? -1 : static_cast<int>(static_cast<uint8_t>(bytes[0]))));
  }
  return Document{load_be64(reinterpret_cast<const uint8_t*>(bytes.data() + 1)), bytes.substr(9)};
}

}  // namespace caudal::table::store_format
