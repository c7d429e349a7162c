#include "http/types.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

#include "http/json_writer.h"

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

Response make_error(const Request& request, StatusCode status, std::string_view reason) {
  JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("status").value(static_cast<int64_t>(status)).key("reason").value(reason);
  json.end_object().end_object();
  return make_response(request, status, json.take(), "application/json");
}

}  // namespace caudal::http
