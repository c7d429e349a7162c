#include "http/handlers/tables.h"

#include <charconv>

#include <fmt/format.h>

#include "common/errc.h"
#include "http/errc.h"
#include "http/error_mapping.h"
#include "http/json_writer.h"
#include "http/query.h"

namespace caudal::http {
namespace {

// A 404 in the native error shape, with a type that says what was missing.
Response not_found(const Request& request, std::string_view type, std::string_view reason) {
  JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("status").value(static_cast<int64_t>(StatusCode::not_found));
  json.key("type").value(type);
  json.key("reason").value(reason);
  json.end_object().end_object();
  return make_response(request, StatusCode::not_found, json.take(), "application/json");
}

// The answer to a failed TableQueries call.
Response query_failed(const Request& request, const Status& error) {
  if (error.code() == caudal::Errc::kNotFound) {
    return not_found(request, "unknown_table", error.message());
  }
  return make_status_error(request, error);
}

Response not_configured(const Request& request) {
  return make_status_error(request, Status(Errc::kNotConfigured, "this listener serves no tables"));
}

}  // namespace

Response handle_list_tables(const RouteContext& context, const Incoming& incoming) {
  if (context.tables == nullptr) return not_configured(incoming.request);
  JsonWriter json;
  json.begin_object().key("tables").begin_array();
  for (const TableQueries::Summary& table : context.tables->list()) {
    json.begin_object().key("name").value(table.name);
    json.key("kind").value(table.kind);
    json.key("rows").value(table.rows);
    if (!table.source.empty()) json.key("source").value(table.source);
    json.end_object();
  }
  json.end_array().end_object();
  return make_response(incoming.request, StatusCode::ok, json.take(), "application/json");
}

Response handle_get_table_row(const RouteContext& context, const Incoming& incoming) {
  if (context.tables == nullptr) return not_configured(incoming.request);
  const std::string& table = incoming.params.find("table")->second;
  const std::string& key = incoming.params.find("key")->second;
  Result<std::optional<TableQueries::Row>> row = context.tables->get(table, key);
  if (!row.ok()) return query_failed(incoming.request, row.status());
  if (!row->has_value()) {
    return not_found(incoming.request, "unknown_key",
                     fmt::format("table '{}' has no row with key '{}'", table, key));
  }
  return make_response(incoming.request, StatusCode::ok, std::move((*row)->json),
                       "application/json");
}

Response handle_scan_table(const RouteContext& context, const Incoming& incoming) {
  if (context.tables == nullptr) return not_configured(incoming.request);
  const std::string& table = incoming.params.find("table")->second;
  const std::string_view target = incoming.request.target();
  size_t limit = kDefaultTableScanLimit;
  if (std::optional<std::string> text = query_param(target, "limit")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || end != text->data() + text->size() || limit < 1 ||
        limit > kMaxTableScanLimit) {
      return make_status_error(
          incoming.request,
          Status(Errc::kInvalidRequest,
                 fmt::format("limit must be a whole number from 1 to {}, found '{}'",
                             kMaxTableScanLimit, *text)));
    }
  }
  const std::string prefix = query_param(target, "prefix").value_or("");
  const std::string after = query_param(target, "after").value_or("");
  Result<TableQueries::Page> page = context.tables->scan(table, prefix, after, limit);
  if (!page.ok()) return query_failed(incoming.request, page.status());
  JsonWriter json;
  json.begin_object().key("table").value(table);
  json.key("rows").begin_array();
  for (const TableQueries::Row& row : page->rows) {
    json.begin_object().key("key").value(row.key);
    if (row.version) json.key("version").value(*row.version);
    json.key("value").raw(row.json);
    json.end_object();
  }
  json.end_array();
  json.key("next");
  if (page->next) {
    json.value(*page->next);
  } else {
    json.raw("null");
  }
  json.end_object();
  return make_response(incoming.request, StatusCode::ok, json.take(), "application/json");
}

}  // namespace caudal::http
