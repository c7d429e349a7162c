#include "table/errc.h"

#include <string>

namespace caudal::table {
namespace {

class TableCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "table"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kUnknownTable: return "unknown_table";
      case Errc::kInvalidOptions: return "invalid_options";
      case Errc::kSourceUnavailable: return "source_unavailable";
      case Errc::kMalformedSource: return "malformed_source";
      case Errc::kStorage: return "storage";
      case Errc::kCorruptData: return "corrupt_data";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const TableCategory category;
  return category;
}

}  // namespace caudal::table
