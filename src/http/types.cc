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

void serialize_response(const Response& response, std::string& out) {
  // By hand rather than with Beast's serializer: one contiguous buffer and one write, without
  // the serializer's buffer-sequence machinery on every response.
  out.clear();
  out.reserve(256 + response.body().size());
  const unsigned version = response.version();
  const unsigned code = response.result_int();
  const char status_line[] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10 % 10),
                              '.', static_cast<char>('0' + version % 10), ' ',
                              static_cast<char>('0' + code / 100 % 10),
                              static_cast<char>('0' + code / 10 % 10),
                              static_cast<char>('0' + code % 10), ' '};
  out.append(status_line, sizeof(status_line));
  out += response.reason();
  out += "\r\n";
  for (const auto& field : response) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
  out += response.body();
}

Response make_error(const Request& request, StatusCode status, std::string_view reason) {
  JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("status").value(static_cast<int64_t>(status)).key("reason").value(reason);
  json.end_object().end_object();
  return make_response(request, status, json.take(), "application/json");
}

}  // namespace caudal::http
