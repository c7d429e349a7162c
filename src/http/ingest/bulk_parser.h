// The Elasticsearch _bulk body (docs/http-api.md §Elasticsearch): NDJSON pairs of an action
// line and, for index and create, a document line:
//
//   {"index":{"_index":"logs","_id":"1"}}
//   {"message":"hello"}
//   {"create":{}}
//   {"message":"world"}
//
// A malformed action line refuses the whole request (as Elasticsearch does); a bad document
// affects only its own item, which the response reports with its own status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/ingest/body.h"

namespace caudal::http {

struct BulkItem {
  enum class Action { kIndex, kCreate, kUpdate, kDelete };
  Action action = Action::kIndex;
  std::string index;                   // from the action line, else from the URL
  std::optional<std::string> id;       // _id (a string, or a number as written)
  std::optional<std::string> routing;  // routing: the partition key when given, else _id
  std::string_view document;           // index and create: the document as sent
  size_t line = 0;                     // of the action line
  Status error;                        // this item's own problem; OK when there is none
};

// "index", "create", "update" or "delete".
std::string_view action_name(BulkItem::Action action);

// Parses every item of `body`; `default_index` ("" when the URL names none) applies to actions
// without _index. Whole-request errors (http::Errc, with the line): kEmptyBody; kInvalidJson
// or kInvalidUtf8 for an action line that is not JSON; kInvalidRequest for an action line of
// the wrong shape, an action without an index, or an index/create/update action with no
// document line after it. Item errors (in BulkItem::error): kInvalidJson, kInvalidUtf8 or
// kInvalidRequest for a document that is not a valid JSON object; kInvalidRequest for update
// and delete, which an append-only topic cannot do.
Result<std::vector<BulkItem>> parse_bulk(const PaddedBody& body, std::string_view default_index);

}  // namespace caudal::http
