// libFuzzer target for the native ingest body parsers: the NDJSON splitter and event
// validation (simdjson plus Caudal's error locator), and the JSON-array splitter, on any bytes.
// Beyond not crashing, it checks that the two JSON checkers agree: an event simdjson accepts,
// the locator accepts too (otherwise error positions could point at nothing), and every error
// names a line and column inside the body.
//
// Seeds: corpus/ndjson/ (see fuzz/CMakeLists.txt and fuzz/run.sh).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/check.h"
#include "http/errc.h"
#include "http/ingest/body.h"
#include "http/ingest/json_events.h"
#include "http/ingest/json_text.h"
#include "http/ingest/ndjson.h"

namespace caudal::http {
namespace {

void check_lines(std::string_view body) {
  NdjsonLines lines(body);
  size_t last_number = 0;
  while (std::optional<NdjsonLine> line = lines.next_raw()) {
    CAUDAL_CHECK(line->number == last_number + 1, "line numbers must count every line");
    CAUDAL_CHECK(line->text.find('\n') == std::string_view::npos, "a line holds no newline");
    CAUDAL_CHECK(line->offset + line->text.size() <= body.size(), "a line lies inside the body");
    last_number = line->number;
  }
}

void check_events(const PaddedBody& body, EventFormat format) {
  size_t last_line = 0;
  Status status = for_each_event(body, format, [&](const JsonEvent& event) {
    CAUDAL_CHECK(!find_json_problem(event.text).has_value(),
                 "simdjson accepted an event the locator refuses: " + std::string(event.text));
    CAUDAL_CHECK(event.line >= last_line, "events come in line order");
    last_line = event.line;
    return Status();
  });
  if (status.ok()) return;
  const std::error_code code = status.code();
  CAUDAL_CHECK(code == Errc::kInvalidJson || code == Errc::kInvalidUtf8 ||
                   code == Errc::kEmptyBody || code == Errc::kInvalidRequest,
               "unexpected error: " + status.to_string());
  if (code == Errc::kInvalidJson || code == Errc::kInvalidUtf8) {
    CAUDAL_CHECK(status.message().starts_with("line "), "errors say where: " + status.message());
  }
}

}  // namespace
}  // namespace caudal::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caudal::http;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_lines(text);
  const PaddedBody body = PaddedBody::copy_of(text);
  check_events(body, EventFormat::kNdjson);
  check_events(body, EventFormat::kJson);
  return 0;
}
