// The request and response types every HTTP handler sees. Beast's types are used directly:
// they are what the connection parses into, so handlers read headers and bodies without a copy.
#pragma once

#include <map>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace caudal::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using StatusCode = boost::beast::http::status;
using Verb = boost::beast::http::verb;

// Values of `{name}` segments of the matched route pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;

// A response with `body` of the given content type; keep-alive follows the request.
Response make_response(const Request& request, StatusCode status, std::string body,
                       std::string_view content_type);
// Appends `response` as HTTP/1.1 wire bytes (status line, fields, body) to `out`, which is
// cleared first. Precondition: the body length is final (prepare_payload() set
// Content-Length), as make_response() leaves it.
void serialize_response(const Response& response, std::string& out);

// A JSON error body {"error":{"status":N,"reason":"..."}} with the given status.
Response make_error(const Request& request, StatusCode status, std::string_view reason);

}  // namespace caudal::http
