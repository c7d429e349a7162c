// `caudal search INDEX 'query string'`: a Lucene query string against the Elasticsearch
// listener of a running Caudal (or any Elasticsearch), printed as a table: one row per hit,
// columns _id, _score and the source fields (--fields, or the first hit's top-level fields).
#include <iostream>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "index/json.h"

namespace caudal::cli {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr size_t kMaxCell = 40;

struct SearchOptions {
  std::string server = "127.0.0.1:9200";
  std::string index;
  std::string query;
  int size = 10;
  std::string sort;
  std::vector<std::string> fields;
  bool json = false;
};

// POSTs `body` to `target`; returns status and body. Errors as exceptions of Asio (caught by
// the caller: they never leave this command).
std::pair<int, std::string> post(const std::string& server, const std::string& target,
                                 const std::string& body) {
  const size_t colon = server.rfind(':');
  const std::string host = server.substr(0, colon);
  const std::string port = colon == std::string::npos ? "9200" : server.substr(colon + 1);
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, port));
  http::request<http::string_body> request(http::verb::post, target, 11);
  request.set(http::field::host, host);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return {static_cast<int>(response.result_int()), response.body()};
}

std::string cell(const index::Json* value) {
  if (value == nullptr || value->is_null()) return "";
  std::string text = value->is_string() ? value->as_string() : value->dump();
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (text.size() > kMaxCell) text = text.substr(0, kMaxCell - 3) + "...";
  return text;
}

const index::Json* field(const index::Json& source, const std::string& path) {
  const index::Json* at = &source;
  size_t start = 0;
  while (at != nullptr) {
    if (const index::Json* whole = at->find(path.substr(start))) return whole;
    const size_t dot = path.find('.', start);
    if (dot == std::string::npos) return nullptr;
    at = at->find(path.substr(start, dot - start));
    start = dot + 1;
  }
  return nullptr;
}

int run(const SearchOptions& options) {
  index::Json request = index::Json::object();
  index::Json query_string = index::Json::object();
  query_string.set("query", index::Json::string(options.query.empty() ? "*" : options.query));
  index::Json query = index::Json::object();
  query.set("query_string", std::move(query_string));
  request.set("query", std::move(query));
  request.set("size", index::Json::integer(options.size));
  std::string target = "/" + options.index + "/_search";
  if (!options.sort.empty()) target += "?sort=" + options.sort;
  std::pair<int, std::string> answer;
  try {
    answer = post(options.server, target, request.dump());
  } catch (const std::exception& e) {
    fmt::print(stderr, "caudal search: cannot reach {}: {}\n", options.server, e.what());
    return kExitFailure;
  }
  auto response = index::parse_json(answer.second);
  if (!response.ok() || answer.first != 200) {
    const index::Json* error = response.ok() ? response->find("error") : nullptr;
    const index::Json* reason = error ? error->find("reason") : nullptr;
    fmt::print(stderr, "caudal search: {} {}\n", answer.first,
               reason ? reason->as_string() : answer.second);
    return kExitFailure;
  }
  if (options.json) {
    fmt::print("{}\n", response->dump(true));
    return kExitOk;
  }
  const index::Json* hits = response->find("hits");
  const index::Json* list = hits ? hits->find("hits") : nullptr;
  std::vector<std::string> columns = {"_id", "_score"};
  std::vector<std::string> fields = options.fields;
  if (fields.empty() && list != nullptr && !list->items().empty()) {
    if (const index::Json* source = list->items()[0].find("_source")) {
      for (const auto& [key, value] : source->members()) fields.push_back(key);
    }
  }
  columns.insert(columns.end(), fields.begin(), fields.end());
  std::vector<std::vector<std::string>> rows = {columns};
  for (const index::Json& hit : list ? list->items() : std::vector<index::Json>()) {
    std::vector<std::string> row = {cell(hit.find("_id")), cell(hit.find("_score"))};
    const index::Json* source = hit.find("_source");
    for (const std::string& name : fields) row.push_back(source ? cell(field(*source, name)) : "");
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(columns.size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    fmt::print("{}\n", line);
  }
  const index::Json* total = hits ? hits->find("total") : nullptr;
  if (total != nullptr && total->find("value") != nullptr) {
    const bool more = total->find("relation") && total->find("relation")->as_string() == "gte";
    fmt::print("{} of {}{} hits\n", rows.size() - 1, more ? "at least " : "",
               total->find("value")->as_int());
  }
  return kExitOk;
}

}  // namespace

void register_search_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<SearchOptions>();
  CLI::App* search = app.add_subcommand(
      "search", "Search an index with a Lucene query string (status:500 AND message:timeout)");
  search->add_option("index", options->index, "Index, list (a,b) or pattern (web-*)")->required();
  search->add_option("query", options->query, "Query string; empty or * matches everything");
  search->add_option("-s,--server", options->server, "Elasticsearch listener, host:port")
      ->capture_default_str();
  search->add_option("-n,--size", options->size, "Hits to show")->capture_default_str();
  search->add_option("--sort", options->sort, "Sort, e.g. @timestamp:desc");
  search->add_option("-f,--fields", options->fields, "Source fields to show as columns")
      ->delimiter(',');
  search->add_flag("--json", options->json, "Print the whole response as JSON");
  search->callback([options, &context] { context.exit_code = run(*options); });
}

}  // namespace caudal::cli
