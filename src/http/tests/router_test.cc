#include "http/router.h"

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

Router make_router() {
  auto echo = [](std::string tag) {
    return [tag](const Request& r, const PathParams& p) {
      std::string body = tag;
      for (const auto& [k, v] : p) body += " " + k + "=" + v;
      return make_response(r, StatusCode::ok, body, "text/plain");
    };
  };
  return Router({{Verb::get, "/healthz", "healthz", echo("health")},
                 {Verb::post, "/v1/topics/{topic}", "ingest", echo("ingest")},
                 {Verb::get, "/v1/tables/{name}/{key}", "table_get", echo("get")}});
}

Request make_request(Verb verb, std::string target) {
  Request r(verb, target, 11);
  return r;
}

TEST(RouterTest, MatchesLiteralAndCaptures) {
  Router router = make_router();
  EXPECT_EQ(router.dispatch(make_request(Verb::get, "/healthz")).body(), "health");
  EXPECT_EQ(router.dispatch(make_request(Verb::post, "/v1/topics/ENTRY?key=id")).body(),
            "ingest topic=ENTRY");
  EXPECT_EQ(router.dispatch(make_request(Verb::get, "/v1/tables/sensors/s-1")).body(),
            "get key=s-1 name=sensors");
}

TEST(RouterTest, UnknownPathIs404WithReason) {
  Router router = make_router();
  Response r = router.dispatch(make_request(Verb::get, "/v1/topics"));
  EXPECT_EQ(r.result(), StatusCode::not_found);
  EXPECT_EQ(r.body(), "{\"error\":{\"status\":404,\"reason\":\"no route for GET /v1/topics\"}}");
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router = make_router();
  Response r = router.dispatch(make_request(Verb::get, "/v1/topics/ENTRY"));
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
