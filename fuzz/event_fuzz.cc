// libFuzzer target for the event model: the first line of the input is a field path, the rest
// an event. Any bytes may be refused, never crash. JsonReader (its one-pass scanner of short
// documents, then its structural-index decoder) must agree with simdjson's DOM parser: the
// same refusal message or the same value, whole and projected on the path's first key. For an
// event that parses, it checks that an
// unchanged event writes as its original bytes, that a value set at the path reads back, that
// every write (set, remove, rename, spliced or rewritten) gives JSON that parses back.
//
// Seeds: corpus/event/ (see fuzz/CMakeLists.txt and fuzz/run.sh).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/check.h"
#include "pipeline/event/arena.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/json.h"
#include "pipeline/event/path.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {
namespace {

void check_writes_json(EventBatch& batch, const Event& event) {
  std::string json;
  event.write_json(json);
  auto back = batch.parse_json(json);
  CAUDAL_CHECK(back.ok() && back->is_object(), "an event must write as a JSON object: " + json);
}

void check_agrees_with_dom(std::string_view json, const Projection* projection) {
  static JsonReader reader;
  Arena arena;
  const std::string_view padded = arena.copy_padded(json, kJsonPadding);
  Result<Value> fast = reader.read(padded, arena, projection);
  Result<Value> dom = reader.read_with_dom(padded, arena, projection);
  CAUDAL_CHECK(fast.ok() == dom.ok(), "JsonReader and simdjson's DOM disagree on validity");
  if (!fast.ok()) {
    CAUDAL_CHECK(fast.status().message() == dom.status().message(),
                 "JsonReader refuses with another message than simdjson's DOM");
    return;
  }
  std::string fast_json;
  std::string dom_json;
  write_json(*fast, fast_json);
  write_json(*dom, dom_json);
  CAUDAL_CHECK(fast_json == dom_json, "JsonReader and simdjson's DOM read different values");
}

void run(std::string_view input) {
  size_t newline = input.find('\n');
  std::string_view path_text = input.substr(0, newline);
  std::string_view json = newline == std::string_view::npos ? "" : input.substr(newline + 1);

  auto path = Path::parse(path_text);
  check_agrees_with_dom(json, nullptr);
  if (path.ok()) {
    Projection projection;
    projection.add_path(*path);
    check_agrees_with_dom(json, &projection);
  }
  EventBatch batch;
  auto index = batch.append_json(json, SourcePosition{});
  if (!index.ok()) {
    CAUDAL_CHECK(!index.status().message().empty(), "a refused event has a reason");
    return;
  }
  Event& event = batch.event(*index);
  std::string unchanged;
  event.write_json(unchanged);
  CAUDAL_CHECK(unchanged == json, "an unchanged event writes its original bytes");
  if (!path.ok()) return;
  CAUDAL_CHECK(Path::parse(path->text()).ok() && Path::parse(path->text())->text() == path->text(),
               "a path's canonical text parses back to itself: " + path->text());

  Value before = event.get(*path);
  if (event.set(*path, Value::integer(7)).ok()) {
    Value after = event.get(*path);
    CAUDAL_CHECK(after.is_int() && after.as_int() == 7, "a set value reads back");
  }
  check_writes_json(batch, event);
  Path added = Path::parse("fuzz_added").value();
  (void)event.set(added, before);
  check_writes_json(batch, event);
  (void)event.rename(*path, Path::parse("fuzz_renamed.inner").value());
  check_writes_json(batch, event);
  event.remove(*path);
  check_writes_json(batch, event);
}

}  // namespace
}  // namespace caudal::pipeline

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caudal::pipeline::run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
