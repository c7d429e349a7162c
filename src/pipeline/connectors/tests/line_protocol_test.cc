// Line protocol rendering: escaping per context (only where the protocol needs it), numbers,
// and values InfluxDB would refuse.
#include "pipeline/connectors/influxdb/line_protocol.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "pipeline/event/event_batch.h"

namespace caudal::pipeline::connectors {
namespace {

std::string measurement(std::string_view name) {
  std::string out = "m,";
  append_measurement(name, out);
  return out;
}

std::string key(std::string_view name) {
  std::string out = "k:";
  append_key(name, out);
  return out;
}

std::string field(Value value) {
  std::string out = "f=";
  EXPECT_TRUE(append_field_value(value, out).ok());
  return out;
}

std::string tag(Value value) {
  std::string out = "t=";
  append_tag_value(value, out);
  return out;
}

TEST(LineProtocolTest, NamesAreAppendedAsTheyAreUnlessTheProtocolNeedsEscapes) {
  EXPECT_EQ(measurement("temperature"), "m,temperature");
  EXPECT_EQ(measurement("cpu load,x=1"), "m,cpu\\ load\\,x=1");  // '=' needs no escape here
  EXPECT_EQ(measurement("two\nlines"), "m,two\\nlines");
  EXPECT_EQ(key("device"), "k:device");
  EXPECT_EQ(key("site name=a,b"), "k:site\\ name\\=a\\,b");
  EXPECT_EQ(key(",lead"), "k:\\,lead");
  EXPECT_EQ(key(""), "k:");
}

TEST(LineProtocolTest, StringFieldsAreQuotedWithQuotesAndBackslashesEscaped) {
  EXPECT_EQ(field(Value::string("ok")), "f=\"ok\"");
  EXPECT_EQ(field(Value::string("say \"hi\" a\\b, c=d")), "f=\"say \\\"hi\\\" a\\\\b, c=d\"");
  EXPECT_EQ(tag(Value::string("fridge 7")), "t=fridge\\ 7");
  EXPECT_EQ(tag(Value::string("plain")), "t=plain");
}

TEST(LineProtocolTest, NumbersAreShortestFloatsAndTimestampsIntegerNanoseconds) {
  EXPECT_EQ(field(Value::real(4.5)), "f=4.5");
  EXPECT_EQ(field(Value::real(0.1)), "f=0.1");
  EXPECT_EQ(field(Value::integer(21)), "f=21");  // a float: the same field may hold 21.5 later
  EXPECT_EQ(field(Value::integer(-7)), "f=-7");
  EXPECT_EQ(field(Value::real(1e21)), "f=1e+21");
  EXPECT_EQ(field(Value::boolean(true)), "f=true");
  EXPECT_EQ(field(Value::timestamp(1700000000123456789)), "f=1700000000123456789i");
  EXPECT_EQ(tag(Value::integer(42)), "t=42");
  std::string time;
  append_nanoseconds(-1, time);
  append_nanoseconds(1700000000000000000, time);
  EXPECT_EQ(time, "-11700000000000000000");
}

TEST(LineProtocolTest, NanAndInfinityAreRefusedAndAppendNothing) {
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    std::string out = "f=";
    const Status status = append_field_value(Value::real(bad), out);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("NaN or infinite"), std::string::npos) << status.message();
    EXPECT_EQ(out, "f=");
  }
}

TEST(LineProtocolTest, ObjectsAndArraysAreTheirJsonEscapedForTheirPlace) {
  EventBatch batch;
  ASSERT_TRUE(batch.append_json(R"({"o":{"a":"x y","b":[1,2]},"list":[1,2]})", SourcePosition{}).ok());
  const Value object = batch.event(0).get(*Path::parse("o"));
  const Value list = batch.event(0).get(*Path::parse("list"));
  EXPECT_EQ(field(object), R"(f="{\"a\":\"x y\",\"b\":[1,2]}")");
  EXPECT_EQ(tag(object), R"(t={"a":"x\ y"\,"b":[1\,2]})");
  EXPECT_EQ(field(list), R"(f="[1,2]")");
  EXPECT_EQ(tag(list), R"(t=[1\,2])");
}

}  // namespace
}  // namespace caudal::pipeline::connectors
