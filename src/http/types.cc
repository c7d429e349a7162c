#include "http/types.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>
#include <fmt/format.h>

namespace caudal::http {

Response make_response(const Request& request, StatusCode status, std::string body,
                       std::string_view content_type) {
  Response response(status, request.version());
  response.set(boost::beast::http::field::server, "caudal");
  response.set(boost::beast::http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

namespace {
std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}
}  // namespace

Response make_error(const Request& request, StatusCode status, std::string_view reason) {
  return make_response(request, status,
                       fmt::format("{{\"error\":{{\"status\":{},\"reason\":\"{}\"}}}}",
                                   static_cast<unsigned>(status), json_escape(reason)),
                       "application/json");
}

}  // namespace caudal::http
