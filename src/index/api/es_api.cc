#include "index/api/es_api.h"

#include <fmt/format.h>

#include "index/errc.h"

namespace caudal::index::api {
namespace {

bool pretty(const UriParams& params) {
  return params.contains("pretty");
}

EsResponse ok(const Json& body, const UriParams& params) {
  return EsResponse{200, body.dump(pretty(params))};
}

// Elasticsearch's human sizes: 512b, 4.5kb, 12.1mb.
std::string human_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"b", "kb", "mb", "gb", "tb"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{}b", bytes) : fmt::format("{:.1f}{}", value, kUnits[unit]);
}

// A stable id per index name, where Elasticsearch shows a random uuid.
std::string uuid_of(std::string_view name) {
  uint64_t hash = 1469598103934665603ull;
  for (char c : name) hash = (hash ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return fmt::format("{:016x}{:06x}", hash, name.size());
}

}  // namespace

EsApi::EsApi(Catalog& catalog, SearchLimits limits, Clock& clock)
    : catalog_(catalog), limits_(limits), clock_(clock) {}

EsResponse EsApi::search(std::string_view indices, std::string_view body, const UriParams& params,
                         bool count_only) const {
  Json request;
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    auto parsed = parse_json(body);
    if (!parsed.ok()) return es_error(parsed.status(), pretty(params));
    request = std::move(*parsed);
  }
  auto snapshots = catalog_.resolve(indices);
  if (!snapshots.ok()) return es_error(snapshots.status(), pretty(params));
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
          .count();
  auto result = run_search(*snapshots, request, params, limits_, now, count_only);
  if (!result.ok()) return es_error(result.status(), pretty(params));
  return ok(*result, params);
}

EsResponse EsApi::cat_indices(std::string_view indices, const UriParams& params) const {
  auto snapshots = catalog_.resolve(indices);
  if (!snapshots.ok()) return es_error(snapshots.status(), pretty(params));
  const bool raw_bytes = params.contains("bytes");
  auto size = [&](uint64_t bytes) {
    return raw_bytes ? std::to_string(bytes) : human_bytes(bytes);
  };
  auto format = params.find("format");
  if (format != params.end() && format->second == "json") {
    Json rows = Json::array();
    for (const auto& s : *snapshots) {
      Json row = Json::object();
      row.set("health", Json::string("green"));
      row.set("status", Json::string("open"));
      row.set("index", Json::string(s->index));
      row.set("uuid", Json::string(uuid_of(s->index)));
      row.set("pri", Json::string("1"));
      row.set("rep", Json::string("0"));
      row.set("docs.count", Json::string(std::to_string(s->live_docs)));
      row.set("docs.deleted", Json::string(std::to_string(s->deleted_docs)));
      row.set("store.size", Json::string(size(s->file_bytes)));
      row.set("pri.store.size", Json::string(size(s->file_bytes)));
      rows.push(std::move(row));
    }
    return ok(rows, params);
  }
  std::vector<std::vector<std::string>> table;
  if (params.contains("v")) {
    table.push_back({"health", "status", "index", "uuid", "pri", "rep", "docs.count",
                     "docs.deleted", "store.size", "pri.store.size"});
  }
  for (const auto& s : *snapshots) {
    table.push_back({"green", "open", s->index, uuid_of(s->index), "1", "0",
                     std::to_string(s->live_docs), std::to_string(s->deleted_docs),
                     size(s->file_bytes), size(s->file_bytes)});
  }
  std::vector<size_t> widths(10, 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) text += std::string(widths[i] - row[i].size() + 1, ' ');
    }
    text += '\n';
  }
  return EsResponse{200, std::move(text), "text/plain; charset=UTF-8"};
}

EsResponse EsApi::mapping(std::string_view indices, const UriParams& params) const {
  auto snapshots = catalog_.resolve(indices);
  if (!snapshots.ok()) return es_error(snapshots.status(), pretty(params));
  Json out = Json::object();
  for (const auto& s : *snapshots) {
    Json entry = Json::object();
    entry.set("mappings", s->mappings.to_json());
    out.set(s->index, std::move(entry));
  }
  return ok(out, params);
}

EsResponse EsApi::get_index(std::string_view indices, const UriParams& params) const {
  auto snapshots = catalog_.resolve(indices);
  if (!snapshots.ok()) return es_error(snapshots.status(), pretty(params));
  Json out = Json::object();
  for (const auto& s : *snapshots) {
    Json settings = Json::object();
    settings.set("number_of_shards", Json::string("1"));
    settings.set("number_of_replicas", Json::string("0"));
    settings.set("uuid", Json::string(uuid_of(s->index)));
    settings.set("provided_name", Json::string(s->index));
    Json index_settings = Json::object();
    index_settings.set("index", std::move(settings));
    Json entry = Json::object();
    entry.set("aliases", Json::object());
    entry.set("mappings", s->mappings.to_json());
    entry.set("settings", std::move(index_settings));
    out.set(s->index, std::move(entry));
  }
  return ok(out, params);
}

EsResponse EsApi::delete_index(std::string_view indices, const UriParams& params) const {
  if (indices.find('*') != std::string_view::npos || indices == "_all") {
    return es_error(
        Status(Errc::kIllegalArgument, "Wildcard expressions or all indices are not allowed"),
        pretty(params));
  }
  auto snapshots = catalog_.resolve(indices);
  if (!snapshots.ok()) return es_error(snapshots.status(), pretty(params));
  for (const auto& s : *snapshots) {
    Status cleared = catalog_.clear(s->index);
    if (!cleared.ok()) return es_error(cleared, pretty(params));
  }
  Json out = Json::object();
  out.set("acknowledged", Json::boolean(true));
  return ok(out, params);
}

EsResponse EsApi::refresh(std::string_view indices, const UriParams& params) const {
  auto snapshots = catalog_.resolve(indices);
  if (!snapshots.ok()) return es_error(snapshots.status(), pretty(params));
  Status refreshed = catalog_.refresh(indices);
  if (!refreshed.ok()) return es_error(refreshed, pretty(params));
  Json shards = Json::object();
  shards.set("total", Json::integer(static_cast<int64_t>(snapshots->size())));
  shards.set("successful", Json::integer(static_cast<int64_t>(snapshots->size())));
  shards.set("failed", Json::integer(0));
  Json out = Json::object();
  out.set("_shards", std::move(shards));
  return ok(out, params);
}

}  // namespace caudal::index::api
