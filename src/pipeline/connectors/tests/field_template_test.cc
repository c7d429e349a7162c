#include "pipeline/connectors/field_template.h"

#include <gtest/gtest.h>

#include "pipeline/event/event_batch.h"

namespace caudal::pipeline::connectors {
namespace {

std::string render(std::string_view text, std::string_view json) {
  Result<FieldTemplate> compiled = FieldTemplate::compile(text);
  EXPECT_TRUE(compiled.ok()) << compiled.status().message();
  EventBatch batch;
  Result<uint32_t> index = batch.append_json(json, SourcePosition{});
  EXPECT_TRUE(index.ok());
  return compiled->render(batch.event(*index));
}

TEST(FieldTemplateTest, RendersFieldsStringsAsTextOthersAsJson) {
  EXPECT_EQ(render("alarm on {device.id}: {temp} {tags} {missing}!", R"({"device":{"id":"d1"},"temp":21.5,"tags":["a"]})"),
            R"(alarm on d1: 21.5 ["a"] !)");
  EXPECT_EQ(render("{customer}", R"({"customer":{"name":"Ada","mail":"a@x"}})"), R"({"name":"Ada","mail":"a@x"})");
  EXPECT_EQ(render("all: {}", R"({"a":1})"), R"(all: {"a":1})");
  EXPECT_EQ(render("{{literal}} {a}", R"({"a":null})"), "{literal} ");
}

TEST(FieldTemplateTest, ConstantTemplatesAreKnown) {
  EXPECT_TRUE(FieldTemplate::compile("no fields {{here}}")->is_constant());
  EXPECT_FALSE(FieldTemplate::compile("x{a}")->is_constant());
}

TEST(FieldTemplateTest, ErrorsSayWhereTheTemplateIsWrong) {
  EXPECT_EQ(FieldTemplate::compile("ab{c").status().message(), "character 3: '{' without its '}' (write '{{' for a literal one)");
  EXPECT_EQ(FieldTemplate::compile("ab}").status().message(), "character 3: '}' without its '{' (write '}}' for a literal one)");
  EXPECT_NE(FieldTemplate::compile("x{a..b}").status().message().find("character 3: 'a..b' is not a field path"),
            std::string::npos);
}

}  // namespace
}  // namespace caudal::pipeline::connectors
