#include "http/ingest/bulk_parser.h"

#include <memory>

#include <gtest/gtest.h>

#include "http/errc.h"

namespace caudal::http {
namespace {

// Documents are views into the body: the fixture keeps each body alive for the whole test.
class BulkParserTest : public ::testing::Test {
 protected:
  Result<std::vector<BulkItem>> parse(std::string_view body, std::string_view index = "") {
    bodies_.push_back(std::make_unique<PaddedBody>(PaddedBody::copy_of(body)));
    return parse_bulk(*bodies_.back(), index);
  }
  std::vector<std::unique_ptr<PaddedBody>> bodies_;
};

TEST_F(BulkParserTest, ReadsActionsAndDocuments) {
  auto items = parse(
      "{\"index\":{\"_index\":\"logs\",\"_id\":\"1\"}}\n{\"m\":\"a\"}\n"
      "{\"create\":{\"_id\":42,\"routing\":\"r\",\"_type\":\"_doc\"}}\r\n {\"m\":\"b\"} \n",
      "fallback");
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 2u);
  const BulkItem& first = (*items)[0];
  EXPECT_EQ(first.action, BulkItem::Action::kIndex);
  EXPECT_EQ(first.index, "logs");
  EXPECT_EQ(first.id, "1");
  EXPECT_EQ(first.document, "{\"m\":\"a\"}");
  EXPECT_EQ(first.line, 1u);
  EXPECT_TRUE(first.error.ok());
  const BulkItem& second = (*items)[1];
  EXPECT_EQ(second.action, BulkItem::Action::kCreate);
  EXPECT_EQ(second.index, "fallback");  // from the URL
  EXPECT_EQ(second.id, "42");
  EXPECT_EQ(second.routing, "r");
  EXPECT_EQ(second.document, "{\"m\":\"b\"}");
  EXPECT_EQ(second.line, 3u);
}

TEST_F(BulkParserTest, BadDocumentsAreItemErrors) {
  auto items = parse(
      "{\"index\":{}}\n{\"m\":oops}\n"
      "{\"index\":{}}\n[1,2]\n"
      "{\"index\":{}}\n\n"
      "{\"update\":{\"_id\":\"1\"}}\n{\"doc\":{}}\n"
      "{\"delete\":{\"_id\":\"1\"}}\n"
      "{\"index\":{}}\n{\"fine\":true}\n",
      "i");
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 6u);
  EXPECT_EQ((*items)[0].error.code(), Errc::kInvalidJson);
  EXPECT_EQ((*items)[0].error.message(),
            "failed to parse the document: line 2, column 6: expected a JSON value (object, "
            "array, string, number, true, false or null)");
  EXPECT_EQ((*items)[1].error.message(), "line 4: the document must be a JSON object");
  EXPECT_EQ((*items)[2].error.message(), "line 6: the document is empty");
  EXPECT_EQ((*items)[3].action, BulkItem::Action::kUpdate);
  EXPECT_NE((*items)[3].error.message().find("update is not supported"), std::string::npos);
  EXPECT_EQ((*items)[4].action, BulkItem::Action::kDelete);
  EXPECT_NE((*items)[4].error.message().find("delete is not supported"), std::string::npos);
  EXPECT_TRUE((*items)[5].error.ok());
  EXPECT_EQ((*items)[5].line, 10u);
}

TEST_F(BulkParserTest, MalformedActionsRefuseTheRequest) {
  struct Case {
    std::string body;
    Errc code;
    std::string message;
  };
  const Case cases[] = {
      {"{\"index\":{\"_index\":\"a\"}}\n{}\n{\"index\" {}}\n{}\n", Errc::kInvalidJson,
       "line 3, column 10: expected ':' after an object key"},
      {"{\"upsert\":{}}\n{}\n", Errc::kInvalidRequest,
       "line 1: malformed action/metadata line: expected index, create, update or delete, found "
       "'upsert'"},
      {"{\"index\":{},\"create\":{}}\n{}\n", Errc::kInvalidRequest,
       "line 1: malformed action/metadata line: expected an object with one key: index, create, "
       "update or delete"},
      {"{\"index\":[]}\n{}\n", Errc::kInvalidRequest,
       "line 1: malformed action/metadata line: the value of 'index' must be an object"},
      {"{\"index\":{\"_index\":[1]}}\n{}\n", Errc::kInvalidRequest,
       "line 1: malformed action/metadata line: _index must be a string"},
      {"{\"index\":{}}\n{}\n", Errc::kInvalidRequest,
       "line 1: malformed action/metadata line: no _index, and the URL names no index (POST "
       "/<index>/_bulk)"},
      {"{\"index\":{\"_index\":\"a\"}}\n{}\n{\"index\":{\"_index\":\"a\"}}", Errc::kInvalidRequest,
       "line 3: the index action has no document line after it"},
      {"\n\n", Errc::kEmptyBody, "the request body holds no bulk actions"},
  };
  for (const Case& c : cases) {
    auto items = parse(c.body);
    ASSERT_FALSE(items.ok()) << c.body;
    EXPECT_EQ(items.status().code(), c.code) << c.body;
    EXPECT_EQ(items.status().message(), c.message) << c.body;
  }
}

}  // namespace
}  // namespace caudal::http
