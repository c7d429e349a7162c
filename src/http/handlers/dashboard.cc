#include "http/handlers/dashboard.h"

#include <array>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "http/errc.h"
#include "http/error_mapping.h"

namespace caudal::http {
namespace {

Response serve(const RouteContext& context, const Request& request, std::string_view file) {
  if (context.dashboard_dir.empty()) {
    return make_status_error(
        request, Status(Errc::kNotConfigured,
                        "this listener serves no dashboard: set http.dashboard to the folder of "
                        "the built dashboard (web/dist)"));
  }
  if (!is_dashboard_file_name(file)) {
    return make_error(request, StatusCode::not_found,
                      fmt::format("no dashboard file named '{}'", file));
  }
  std::ifstream in(context.dashboard_dir / std::string(file), std::ios::binary);
  if (!in) {
    return make_error(request, StatusCode::not_found,
                      fmt::format("no dashboard file named '{}' in {}", file,
                                  context.dashboard_dir.string()));
  }
  std::ostringstream content;
  content << in.rdbuf();
  Response response = make_response(request, StatusCode::ok, std::move(content).str(),
                                    dashboard_content_type(file));
  response.set(boost::beast::http::field::cache_control, "no-cache");
  return response;
}

}  // namespace

std::string_view dashboard_content_type(std::string_view file) {
  struct Type {
    std::string_view extension;
    std::string_view content_type;
  };
  static constexpr std::array kTypes = {
      Type{".html", "text/html; charset=utf-8"},
      Type{".js", "text/javascript; charset=utf-8"},
      Type{".css", "text/css; charset=utf-8"},
      Type{".json", "application/json"},
      Type{".svg", "image/svg+xml"},
      Type{".png", "image/png"},
      Type{".map", "application/json"},
      Type{".ico", "image/x-icon"},
  };
  for (const Type& type : kTypes) {
    if (file.ends_with(type.extension)) return type.content_type;
  }
  return "application/octet-stream";
}

bool is_dashboard_file_name(std::string_view file) {
  if (file.empty() || file.front() == '.' || file.size() > 128) return false;
  for (char c : file) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

Response handle_dashboard_index(const RouteContext& context, const Incoming& incoming) {
  return serve(context, incoming.request, "index.html");
}

Response handle_dashboard_file(const RouteContext& context, const Incoming& incoming) {
  return serve(context, incoming.request, incoming.params.find("file")->second);
}

}  // namespace caudal::http
