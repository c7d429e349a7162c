// libFuzzer target for the Elasticsearch _bulk parser on any bytes. Beyond not crashing: every
// item has an index, its document is a view inside the body, items come in line order, and a
// request-level refusal is one of the documented codes and names its line.
//
// Seeds: corpus/bulk/ (see fuzz/CMakeLists.txt and fuzz/run.sh).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "http/errc.h"
#include "http/ingest/body.h"
#include "http/ingest/bulk_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caudal;
  using namespace caudal::http;
  const PaddedBody body =
      PaddedBody::copy_of(std::string_view(reinterpret_cast<const char*>(data), size));
  Result<std::vector<BulkItem>> items = parse_bulk(body, "fallback");
  if (!items.ok()) {
    const std::error_code code = items.status().code();
    CAUDAL_CHECK(code == Errc::kInvalidJson || code == Errc::kInvalidUtf8 ||
                     code == Errc::kInvalidRequest || code == Errc::kEmptyBody,
                 "unexpected error: " + items.status().to_string());
    CAUDAL_CHECK(code == Errc::kEmptyBody || items.status().message().starts_with("line "),
                 "request-level errors name the line: " + items.status().message());
    return 0;
  }
  const std::string_view view = body.view();
  size_t last_line = 0;
  for (const BulkItem& item : *items) {
    CAUDAL_CHECK(!item.index.empty(), "every item has an index");
    CAUDAL_CHECK(item.line > last_line, "items come in line order");
    last_line = item.line;
    if (!item.document.empty()) {
      CAUDAL_CHECK(item.document.data() >= view.data() &&
                       item.document.data() + item.document.size() <= view.data() + view.size(),
                   "a document is a view into the body");
    }
    const bool has_document =
        item.action == BulkItem::Action::kIndex || item.action == BulkItem::Action::kCreate;
    CAUDAL_CHECK(has_document || !item.error.ok(), "update and delete are always refused");
  }
  return 0;
}
