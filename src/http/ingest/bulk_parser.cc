#include "http/ingest/bulk_parser.h"

#include <fmt/format.h>

#include "http/errc.h"
#include "http/ingest/json_parser.h"
#include "http/ingest/ndjson.h"

namespace caudal::http {
namespace {

Status malformed_action(size_t line, std::string_view what) {
  return Status(Errc::kInvalidRequest,
                fmt::format("line {}: malformed action/metadata line: {}", line, what));
}

// A metadata value as text: strings as they are, numbers as written.
std::optional<std::string> metadata_text(simdjson::dom::element value) {
  std::string_view text;
  if (!value.get_string().get(text)) return std::string(text);
  if (value.is_number()) return simdjson::minify(value);
  return std::nullopt;
}

// Reads the action line into `item`; the error refuses the whole request.
Status read_action(const NdjsonLine& line, std::string_view default_index, BulkItem& item) {
  item.line = line.number;
  JsonParse parsed = JsonParser::for_this_thread().parse(line.text);
  if (parsed.problem.has_value()) {
    return Status(parsed.problem->code,
                  fmt::format("line {}, column {}: {}", line.number, parsed.problem->offset + 1,
                              parsed.problem->what));
  }
  simdjson::dom::object action;
  if (parsed.value.get_object().get(action) || action.size() != 1) {
    return malformed_action(line.number,
                            "expected an object with one key: index, create, update or delete");
  }
  const simdjson::dom::key_value_pair entry = *action.begin();
  if (entry.key == "index") {
    item.action = BulkItem::Action::kIndex;
  } else if (entry.key == "create") {
    item.action = BulkItem::Action::kCreate;
  } else if (entry.key == "update") {
    item.action = BulkItem::Action::kUpdate;
  } else if (entry.key == "delete") {
    item.action = BulkItem::Action::kDelete;
  } else {
    return malformed_action(
        line.number,
        fmt::format("expected index, create, update or delete, found '{}'", entry.key));
  }
  simdjson::dom::object metadata;
  if (entry.value.get_object().get(metadata)) {
    return malformed_action(line.number,
                            fmt::format("the value of '{}' must be an object", entry.key));
  }
  for (const simdjson::dom::key_value_pair field : metadata) {
    if (field.key == "_index" || field.key == "_id" || field.key == "routing") {
      std::optional<std::string> text = metadata_text(field.value);
      if (!text.has_value()) {
        return malformed_action(line.number, fmt::format("{} must be a string", field.key));
      }
      if (field.key == "_index") item.index = std::move(*text);
      if (field.key == "_id") item.id = std::move(text);
      if (field.key == "routing") item.routing = std::move(text);
    }
    // Other metadata (_type, pipeline, version, if_seq_no, require_alias, ...) has no
    // meaning for a topic and is ignored, so older shippers that still send _type work.
  }
  if (item.index.empty()) item.index = std::string(default_index);
  if (item.index.empty()) {
    return malformed_action(line.number,
                            "no _index, and the URL names no index (POST /<index>/_bulk)");
  }
  return Status();
}

// Checks the document line of an index or create item; a problem stays with the item.
Status check_document(const NdjsonLine& line) {
  if (trim_json_space(line.text).empty()) {
    return Status(Errc::kInvalidRequest,
                  fmt::format("line {}: the document is empty", line.number));
  }
  JsonParse parsed = JsonParser::for_this_thread().parse(line.text);
  if (parsed.problem.has_value()) {
    return Status(parsed.problem->code,
                  fmt::format("failed to parse the document: line {}, column {}: {}", line.number,
                              parsed.problem->offset + 1, parsed.problem->what));
  }
  if (!parsed.value.is_object()) {
    return Status(Errc::kInvalidRequest,
                  fmt::format("line {}: the document must be a JSON object", line.number));
  }
  return Status();
}

}  // namespace

std::string_view action_name(BulkItem::Action action) {
  switch (action) {
    case BulkItem::Action::kIndex: return "index";
    case BulkItem::Action::kCreate: return "create";
    case BulkItem::Action::kUpdate: return "update";
    case BulkItem::Action::kDelete: return "delete";
  }
  return "index";
}

Result<std::vector<BulkItem>> parse_bulk(const PaddedBody& body, std::string_view default_index) {
  NdjsonLines lines(body.view());
  std::vector<BulkItem> items;
  while (std::optional<NdjsonLine> line = lines.next()) {
    BulkItem item;
    CAUDAL_RETURN_IF_ERROR(read_action(*line, default_index, item));
    if (item.action == BulkItem::Action::kDelete) {
      item.error = Status(Errc::kInvalidRequest, "delete is not supported: topics are append-only");
      items.push_back(std::move(item));
      continue;
    }
    // The next line is the document, even when it is blank (Elasticsearch reads it so too).
    std::optional<NdjsonLine> document = lines.next_raw();
    if (!document.has_value()) {
      return Status(Errc::kInvalidRequest,
                    fmt::format("line {}: the {} action has no document line after it",
                                line->number, action_name(item.action)));
    }
    if (item.action == BulkItem::Action::kUpdate) {
      item.error = Status(Errc::kInvalidRequest,
                          "update is not supported: topics are append-only; use index or create");
    } else {
      item.document = trim_json_space(document->text);
      item.error = check_document(*document);
    }
    items.push_back(std::move(item));
  }
  if (items.empty()) {
    return Status(Errc::kEmptyBody, "the request body holds no bulk actions");
  }
  return items;
}

}  // namespace caudal::http
