#include "http/handlers/dashboard.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "http/tests/route_call.h"

namespace caudal::http {
namespace {

class DashboardTest : public ::testing::Test {
 protected:
  DashboardTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("caudal-dashboard-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "dist");
    std::ofstream(dir_ / "dist" / "index.html") << "<html>caudal</html>";
    std::ofstream(dir_ / "dist" / "app.js") << "console.log(1)";
    std::ofstream(dir_ / "secret.txt") << "not for the web";
  }
  ~DashboardTest() override { std::filesystem::remove_all(dir_); }

  Response get(const std::string& target, bool configured = true) {
    RouteContext context;
    if (configured) context.dashboard_dir = dir_ / "dist";
    return get_through_routes(context, target);
  }

  std::filesystem::path dir_;
};

TEST_F(DashboardTest, ServesTheIndexAndFilesWithTheirTypes) {
  Response index = get("/ui");
  ASSERT_EQ(index.result(), StatusCode::ok);
  EXPECT_EQ(index.body(), "<html>caudal</html>");
  EXPECT_EQ(index[boost::beast::http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index[boost::beast::http::field::cache_control], "no-cache");
  Response script = get("/ui/app.js");
  ASSERT_EQ(script.result(), StatusCode::ok);
  EXPECT_EQ(script.body(), "console.log(1)");
  EXPECT_EQ(script[boost::beast::http::field::content_type], "text/javascript; charset=utf-8");
}

TEST_F(DashboardTest, NothingOutsideTheFolderIsReachable) {
  EXPECT_EQ(get("/ui/missing.js").result(), StatusCode::not_found);
  EXPECT_EQ(get("/ui/..%2Fsecret.txt").result(), StatusCode::not_found);
  EXPECT_EQ(get("/ui/.hidden").result(), StatusCode::not_found);
  EXPECT_EQ(get("/ui/%2Fetc%2Fpasswd").result(), StatusCode::not_found);
  EXPECT_FALSE(is_dashboard_file_name(".."));
  EXPECT_FALSE(is_dashboard_file_name("a/b"));
  EXPECT_TRUE(is_dashboard_file_name("app-3.min.js"));
}

TEST_F(DashboardTest, UnconfiguredAnswers503) {
  EXPECT_EQ(get("/ui", false).result(), StatusCode::service_unavailable);
}

TEST(DashboardContentTypeTest, ByExtension) {
  EXPECT_EQ(dashboard_content_type("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(dashboard_content_type("world.json"), "application/json");
  EXPECT_EQ(dashboard_content_type("blob"), "application/octet-stream");
}

}  // namespace
}  // namespace caudal::http
