#include "index/errc.h"

#include <string>

namespace caudal::index {
namespace {

class IndexCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "index"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kParsing: return "parsing";
      case Errc::kIllegalArgument: return "illegal_argument";
      case Errc::kIndexNotFound: return "index_not_found";
      case Errc::kTooManyBuckets: return "too_many_buckets";
      case Errc::kMemoryBudget: return "memory_budget";
      case Errc::kCorruptSegment: return "corrupt_segment";
      case Errc::kStorage: return "storage";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const IndexCategory category;
  return category;
}

}  // namespace caudal::index
