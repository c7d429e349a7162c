#include "http/router.h"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace caudal::http {
namespace {

Router make_router() {
  auto echo = [](std::string tag) {
    return answer_now([tag](const Incoming& in) {
      std::string body = tag;
      for (const auto& [k, v] : in.params) body += " " + k + "=" + v;
      return make_response(in.request, StatusCode::ok, body, "text/plain");
    });
  };
  return Router({{Verb::get, "/healthz", "healthz", echo("health")},
                 {Verb::post, "/v1/topics/{topic}", "ingest", echo("ingest")},
                 {Verb::get, "/v1/tables/{name}/{key}", "table_get", echo("get")}});
}

// Runs the request through the router the way the server does and returns the response.
Response dispatch(const Router& router, Verb verb, std::string target) {
  Request request(verb, target, 11);
  Router::Match match = router.match(verb, target);
  if (match.route == nullptr) return Router::unmatched(request, match);
  std::string client = "127.0.0.1";
  boost::asio::io_context loop;
  Response out;
  match.route->handler(Incoming{request, match.params, client, loop.get_executor()},
                       Responder([&out](Response r) { out = std::move(r); }));
  return out;
}

TEST(RouterTest, MatchesLiteralAndCaptures) {
  Router router = make_router();
  EXPECT_EQ(dispatch(router, Verb::get, "/healthz").body(), "health");
  EXPECT_EQ(dispatch(router, Verb::post, "/v1/topics/ENTRY?key=id").body(), "ingest topic=ENTRY");
  EXPECT_EQ(dispatch(router, Verb::get, "/v1/tables/sensors/s-1").body(),
            "get key=s-1 name=sensors");
}

TEST(RouterTest, CapturesArePercentDecoded) {
  Router router = make_router();
  EXPECT_EQ(dispatch(router, Verb::get, "/v1/tables/a%20b/%2Fx").body(), "get key=/x name=a b");
  // A broken escape matches nothing.
  EXPECT_EQ(dispatch(router, Verb::post, "/v1/topics/bad%2").result(), StatusCode::not_found);
}

TEST(RouterTest, UnknownPathIs404WithReason) {
  Router router = make_router();
  Response r = dispatch(router, Verb::get, "/v1/topics");
  EXPECT_EQ(r.result(), StatusCode::not_found);
  EXPECT_EQ(r.body(), "{\"error\":{\"status\":404,\"reason\":\"no route for GET /v1/topics\"}}");
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router = make_router();
  Response r = dispatch(router, Verb::get, "/v1/topics/ENTRY");
  EXPECT_EQ(r.result(), StatusCode::method_not_allowed);
  EXPECT_EQ(r[boost::beast::http::field::allow], "POST");
}

TEST(RouterTest, SegmentCountMustMatch) {
  Router router = make_router();
  EXPECT_EQ(router.match(Verb::post, "/v1/topics/a/b").route, nullptr);
  EXPECT_EQ(router.match(Verb::post, "/v1/topics/").route, nullptr);
}

}  // namespace
}  // namespace caudal::http
