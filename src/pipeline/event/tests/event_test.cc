#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/event/arena.h"
#include "pipeline/event/errc.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/json.h"
#include "pipeline/event/json_scanner.h"
#include "pipeline/event/path.h"
#include "pipeline/event/projection.h"

namespace caudal::pipeline {
namespace {

Path path(std::string_view text) {
  auto parsed = Path::parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().to_string();
  return parsed.ok() ? *parsed : Path();
}

std::string json_of(const Event& event) {
  std::string out;
  event.write_json(out);
  return out;
}

std::string json_of(Value value) {
  std::string out;
  write_json(value, out);
  return out;
}

TEST(EventTest, ParsesAndReadsNestedFields) {
  EventBatch batch;
  auto index = batch.append_json(
      R"({"id": 7, "customer": {"address": {"city": "Lyon"}}, "tags": ["a", "b\"q"], "t": 21.5,)"
      R"( "ok": true, "none": null})",
      SourcePosition{});
  ASSERT_TRUE(index.ok()) << index.status().to_string();
  const Event& event = batch.event(*index);
  EXPECT_EQ(event.get(path("id")).as_int(), 7);
  EXPECT_EQ(event.get(path("customer.address.city")).as_string(), "Lyon");
  EXPECT_EQ(event.get(path("tags[0]")).as_string(), "a");
  EXPECT_EQ(event.get(path("tags[-1]")).as_string(), "b\"q");
  EXPECT_TRUE(event.get(path("tags[2]")).is_missing());
  EXPECT_DOUBLE_EQ(event.get(path("t")).as_double(), 21.5);
  EXPECT_TRUE(event.get(path("ok")).as_bool());
  EXPECT_EQ(event.get(path("none")).kind(), ValueKind::kNull);
  EXPECT_TRUE(event.get(path("customer.nope.city")).is_missing());
  EXPECT_TRUE(event.get(path("id.x")).is_missing());
}

TEST(EventTest, UnchangedEventIsWrittenAsItsOriginalBytes) {
  EventBatch batch;
  std::string text = R"({ "b" : 1,  "a" : [1, 2.0] })";
  auto index = batch.append_json(text, SourcePosition{});
  ASSERT_TRUE(index.ok());
  EXPECT_FALSE(batch.event(*index).modified());
  EXPECT_EQ(json_of(batch.event(*index)), text);
}

TEST(EventTest, SetCreatesIntermediateObjectsAndKeepsKeyOrder) {
  EventBatch batch;
  auto index = batch.append_json(R"({"b":1,"a":{"x":1}})", SourcePosition{});
  ASSERT_TRUE(index.ok());
  Event& event = batch.event(*index);
  ASSERT_TRUE(event.set(path("b"), Value::string("two")).ok());
  ASSERT_TRUE(event.set(path("c.d.e"), Value::integer(3)).ok());
  ASSERT_TRUE(event.set(path("a.y"), Value::boolean(false)).ok());
  EXPECT_TRUE(event.modified());
  EXPECT_EQ(json_of(event), R"({"b":"two","a":{"x":1,"y":false},"c":{"d":{"e":3}}})");
}

TEST(EventTest, NewTopLevelKeysAreSplicedIntoTheOriginalBytes) {
  EventBatch batch;
  ASSERT_TRUE(batch.append_json(R"({ "a" : 1, "s": "x\u0041" } )", SourcePosition{}).ok());
  ASSERT_TRUE(batch.append_json(R"({})", SourcePosition{}).ok());
  Event& event = batch.event(0);
  ASSERT_TRUE(event.set(path("level"), Value::integer(3)).ok());
  ASSERT_TRUE(event.set(path("meta.region"), Value::string("eu")).ok());
  ASSERT_TRUE(event.set(path("meta.zone"), Value::string("b")).ok());
  EXPECT_TRUE(event.modified());
  EXPECT_FALSE(event.rewritten());
  EXPECT_EQ(json_of(event), R"({ "a" : 1, "s": "x\u0041" ,"level":3,"meta":{"region":"eu","zone":"b"}})");
  // Removing an added key keeps the splice; touching an original key rewrites.
  EXPECT_TRUE(event.remove(path("level")));
  EXPECT_FALSE(event.rewritten());
  EXPECT_EQ(json_of(event), R"({ "a" : 1, "s": "x\u0041" ,"meta":{"region":"eu","zone":"b"}})");
  ASSERT_TRUE(event.set(path("a"), Value::integer(2)).ok());
  EXPECT_TRUE(event.rewritten());
  EXPECT_EQ(json_of(event), R"({"a":2,"s":"xA","meta":{"region":"eu","zone":"b"}})");

  Event& empty = batch.event(1);
  ASSERT_TRUE(empty.set(path("k"), Value::boolean(true)).ok());
  EXPECT_EQ(json_of(empty), R"({"k":true})");
}

TEST(EventTest, RenameAndRemoveOfTopLevelKeysRewrite) {
  EventBatch batch;
  ASSERT_TRUE(batch.append_json(R"({"id":1,"temp":21})", SourcePosition{}).ok());
  ASSERT_TRUE(batch.append_json(R"({"id":2,"max_temperature":30})", SourcePosition{}).ok());
  ASSERT_TRUE(batch.append_json(R"({"id":3,"raw":"x"})", SourcePosition{}).ok());
  ASSERT_TRUE(*batch.event(0).rename(path("temp"), path("temperature")));
  EXPECT_EQ(json_of(batch.event(0)), R"({"id":1,"temperature":21})");
  ASSERT_TRUE(batch.event(1).set(path("alarm"), Value::boolean(true)).ok());
  EXPECT_TRUE(batch.event(1).remove(path("max_temperature")));
  EXPECT_EQ(json_of(batch.event(1)), R"({"id":2,"alarm":true})");
  EXPECT_TRUE(batch.event(2).remove(path("raw")));
  EXPECT_EQ(json_of(batch.event(2)), R"({"id":3})");
}

TEST(EventTest, RemovingAnOriginalKeyRewrites) {
  EventBatch batch;
  ASSERT_TRUE(batch.append_json(R"({"a":{"b":1,"c":2},"d":3})", SourcePosition{}).ok());
  Event& event = batch.event(0);
  EXPECT_TRUE(event.remove(path("a.b")));
  EXPECT_TRUE(event.rewritten());
  EXPECT_EQ(json_of(event), R"({"a":{"c":2},"d":3})");
}

TEST(EventTest, SetThroughAScalarFailsAndChangesNothing) {
  EventBatch batch;
  auto index = batch.append_json(R"({"a":"text","arr":[1]})", SourcePosition{});
  ASSERT_TRUE(index.ok());
  Event& event = batch.event(*index);
  Status status = event.set(path("a.b.c"), Value::integer(1));
  EXPECT_EQ(status.code(), EventErrc::kCannotSet);
  EXPECT_EQ(status.message(), "cannot set 'a.b.c': 'a' is string, not an object");
  status = event.set(path("arr[5]"), Value::integer(1));
  EXPECT_EQ(status.code(), EventErrc::kCannotSet);
  status = event.set(path("x[0]"), Value::integer(1));
  EXPECT_EQ(status.code(), EventErrc::kCannotSet);
  EXPECT_FALSE(event.modified());
  ASSERT_TRUE(event.set(path("arr[1]"), Value::integer(2)).ok());
  ASSERT_TRUE(event.set(path("arr[0]"), Value::integer(0)).ok());
  EXPECT_EQ(json_of(event), R"({"a":"text","arr":[0,2]})");
}

TEST(EventTest, RemoveAndRename) {
  EventBatch batch;
  auto index = batch.append_json(R"({"a":1,"b":{"c":2,"d":3},"l":[1,2,3]})", SourcePosition{});
  ASSERT_TRUE(index.ok());
  Event& event = batch.event(*index);
  EXPECT_TRUE(event.remove(path("b.c")));
  EXPECT_FALSE(event.remove(path("b.c")));
  EXPECT_TRUE(event.remove(path("l[1]")));
  auto renamed = event.rename(path("a"), path("x.y"));
  ASSERT_TRUE(renamed.ok());
  EXPECT_TRUE(*renamed);
  renamed = event.rename(path("nope"), path("z"));
  ASSERT_TRUE(renamed.ok());
  EXPECT_FALSE(*renamed);
  EXPECT_EQ(json_of(event), R"({"b":{"d":3},"l":[1,3],"x":{"y":1}})");
}

TEST(EventTest, SetCopiesContainersSoEventsDoNotShareThem) {
  EventBatch batch;
  ASSERT_TRUE(batch.append_json(R"({"o":{"k":1}})", SourcePosition{}).ok());
  ASSERT_TRUE(batch.append_json(R"({})", SourcePosition{}).ok());
  Value shared = batch.event(0).get(path("o"));
  ASSERT_TRUE(batch.event(1).set(path("copy"), shared).ok());
  ASSERT_TRUE(batch.event(1).set(path("copy.k"), Value::integer(2)).ok());
  EXPECT_EQ(json_of(batch.event(0).get(path("o.k"))), "1");
  EXPECT_EQ(json_of(batch.event(1)), R"({"copy":{"k":2}})");
}

TEST(EventTest, RefusesInvalidJsonWithTheReason) {
  EventBatch batch;
  auto bad = batch.append_json(R"({"a": 1,})", SourcePosition{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), EventErrc::kInvalidJson);
  EXPECT_NE(bad.status().message().find("invalid JSON"), std::string::npos);
  auto array = batch.append_json("[1,2]", SourcePosition{});
  EXPECT_EQ(array.status().code(), EventErrc::kNotAnObject);
  EXPECT_EQ(batch.append_json("{\"a\": \"\xff\"}", SourcePosition{}).status().code(),
            EventErrc::kInvalidJson);
  EXPECT_EQ(batch.append_json("{\"a\": 1} x", SourcePosition{}).status().code(),
            EventErrc::kInvalidJson);
  std::string deep(200, '[');
  deep = "{\"a\":" + deep + std::string(200, ']') + "}";
  EXPECT_EQ(batch.append_json(deep, SourcePosition{}).status().code(), EventErrc::kTooDeep);
  EXPECT_EQ(batch.size(), 0u);
  EXPECT_TRUE(batch.selection().empty());
}

TEST(EventTest, EscapedStringsAndHugeNumbers) {
  EventBatch batch;
  auto index = batch.append_json(R"({"s":"a\nb\u00e9","u":18446744073709551615,"d":1e308})",
                                 SourcePosition{});
  ASSERT_TRUE(index.ok()) << index.status().to_string();
  const Event& event = batch.event(*index);
  EXPECT_EQ(event.get(path("s")).as_string(), "a\nb\xc3\xa9");
  // Beyond int64 but within uint64: a double.
  EXPECT_TRUE(event.get(path("u")).is_double());
  EXPECT_DOUBLE_EQ(event.get(path("u")).as_double(), 18446744073709551615.0);
  // Beyond 64 bits (or a double's range) simdjson refuses the number, and so the event.
  auto big = batch.append_json(R"({"big":123456789012345678901234567890})", SourcePosition{});
  EXPECT_EQ(big.status().code(), EventErrc::kInvalidJson);
  EXPECT_EQ(batch.append_json(R"({"d":1e999})", SourcePosition{}).status().code(),
            EventErrc::kInvalidJson);
}

// JsonReader's own decoders (the one-pass scanner of short plain documents; simdjson's
// structural index, then our second stage) must agree with simdjson's DOM parser on every
// document: the same value, or the same refusal with the same message (the scanner: or it gives
// up). Mutations of valid events reach the corners (bad atoms, numbers, escapes, punctuation,
// truncation, trailing bytes) that hand-written cases miss.
TEST(JsonReaderTest, AgreesWithSimdjsonDomOnMutatedDocuments) {
  const std::vector<std::string> seeds = {
      R"({"id":42,"type":"motion","t":21.5,"ok":true,"none":null,"tags":["a","b"]})",
      R"({"s":"a\nb\u00e9\"q\\\/","e":1e5,"n":-12,"f":-0.25,"z":0,"neg0":-0,"o":{"k":[{}]}})",
      R"( { "a" : [ 1 , 2.5e-3 , "x" ] , "b" : { } , "c" : [ ] , "d":"\ud83d\ude00" } )",
      R"({"big":18446744073709551615,"huge":1234567890123456789012,"p":3.141592653589793})",
      R"({"k\u0041y":1,"x":"\u0000","d":1.7976931348623157e308,"m":5e-324,"r":0.1})",
      R"({"a":{"b":{"c":{"d":[1,[2,[3,[4]]]]}}},"t":false,"u":"ünïcødé"})",
      R"({"id":7,"s":"plain text","a":[true,false,null,-1.5E+3,0.125],"o":{"p":{}}})",
      "{\"s\" :\t\"x y\" ,\r\n \"id\": 123456789012345678 , \"a\":[ [ ] , { \"q\":1e-22 } ] }",
  };
  const std::string alphabet = "{}[]:,\"\\ -+.0123456789eEtrufalsn\x01\xc3\xa9x/u\t";
  std::mt19937 random(7);
  Projection projected;
  projected.add_key("id");
  projected.add_key("s");
  projected.add_key("a");
  JsonReader reader;
  JsonReader indexed(ShortDocuments::kIndex);
  Arena arena;
  std::string out_dom;
  std::string out;
  size_t accepted = 0;
  size_t scanned = 0;
  for (int round = 0; round < 60000; ++round) {
    std::string text = seeds[random() % seeds.size()];
    const int edits = static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = random() % text.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 4) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 2: text.erase(at, 1); break;
        default: text.resize(at); break;
      }
    }
    const Projection* projection = round % 2 == 0 ? nullptr : &projected;
    arena.reset();
    const std::string_view padded = arena.copy_padded(text, kJsonPadding);
    Result<Value> dom = reader.read_with_dom(padded, arena, projection);
    out_dom.clear();
    if (dom.ok()) write_json(*dom, out_dom);
    for (JsonReader* fast : {&reader, &indexed}) {
      Result<Value> value = fast->read(padded, arena, projection);
      ASSERT_EQ(value.ok(), dom.ok()) << text;
      if (!value.ok()) {
        ASSERT_EQ(value.status().message(), dom.status().message()) << text;
        continue;
      }
      out.clear();
      write_json(*value, out);
      ASSERT_EQ(out, out_dom) << text;
    }
    Value value;
    Value slots[3];
    if (scan_json_object(padded, arena, projection, projection != nullptr ? slots : nullptr,
                         value)) {
      ++scanned;
      ASSERT_TRUE(dom.ok()) << "the scanner accepted what simdjson refuses: " << text;
      out.clear();
      write_json(value, out);
      ASSERT_EQ(out, out_dom) << text;
      for (int slot = 0; projection != nullptr && slot < 3; ++slot) {
        const Member* member = value.as_object()->find(projected.keys()[slot]);
        ASSERT_TRUE(member == nullptr ? slots[slot].is_missing()
                                      : values_equal(slots[slot], member->value))
            << text;
      }
    }
    accepted += dom.ok();
  }
  // The mutations must leave enough documents valid for the comparison of values to count.
  EXPECT_GT(accepted, 15000u);
  EXPECT_GT(scanned, 5000u);
}

// Strings are checked for bytes to escape a word at a time: every length and position.
TEST(EventTest, WritesStringsEscapedWhereverTheByteToEscapeIs) {
  for (size_t size = 0; size <= 20; ++size) {
    for (size_t at = 0; at <= size; ++at) {
      for (const char special : {'"', '\\', '\x01', '\x1f', '\0'}) {
        std::string text(size, 'a');
        if (at < size) text[at] = special;
        std::string expected = "\"";
        append_json_escaped(expected, text);
        expected += "\"";
        std::string written;
        write_json_string(text, written);
        ASSERT_EQ(written, expected) << size << " " << at;
      }
    }
  }
  std::string written;
  write_json_string("caf\xc3\xa9 \x7f", written);
  EXPECT_EQ(written, "\"caf\xc3\xa9 \x7f\"");
}

TEST(EventTest, WritesEveryKindOfValue) {
  EventBatch batch;
  uint32_t index = batch.append_empty(SourcePosition{});
  Event& event = batch.event(index);
  ASSERT_TRUE(event.set(path("d"), Value::real(2)).ok());
  ASSERT_TRUE(event.set(path("t"), Value::timestamp(1'700'000'000'123'000'000)).ok());
  ASSERT_TRUE(event.set(path("s"), Value::string("q\"\\\x01")).ok());
  ASSERT_TRUE(event.set(path("n"), Value::missing()).ok());
  EXPECT_EQ(json_of(event),
            R"({"d":2.0,"t":"2023-11-14T22:13:20.123Z","s":"q\"\\\u0001","n":null})");
}

TEST(EventTest, RefusesToNestDeeperThanItCanReadBack) {
  EventBatch batch;
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"d\":";
  deep += "1" + std::string(100, '}');
  auto deep_value = batch.parse_json(deep);
  ASSERT_TRUE(deep_value.ok()) << deep_value.status().to_string();
  uint32_t index = batch.append_empty(SourcePosition{});
  std::string long_path = "a";
  for (int i = 0; i < 40; ++i) long_path += ".a";
  Status status = batch.event(index).set(path(long_path), *deep_value);
  EXPECT_EQ(status.code(), EventErrc::kCannotSet);
  EXPECT_TRUE(batch.event(index).set(path("x"), *deep_value).ok());
  std::string too_long = "a";
  for (size_t i = 0; i < kMaxPathSegments; ++i) too_long += ".a";
  EXPECT_EQ(Path::parse(too_long).status().code(), EventErrc::kInvalidPath);
}

TEST(EventTest, SourcePositionKeyIsCopied) {
  EventBatch batch;
  std::string key = "k1";
  SourcePosition source{"topic", log::PartitionId(2), log::Offset(40), 123, key};
  auto index = batch.append_json("{}", source);
  ASSERT_TRUE(index.ok());
  key = "xx";
  const SourcePosition& kept = batch.event(*index).source();
  EXPECT_EQ(*kept.key, "k1");
  EXPECT_EQ(kept.offset, log::Offset(40));
  EXPECT_EQ(kept.partition, log::PartitionId(2));
}

TEST(EventTest, ClearKeepsTheBatchReusable) {
  EventBatch batch;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(batch.append_json(R"({"i":1,"s":"some text here"})", SourcePosition{}).ok());
    }
    EXPECT_EQ(batch.selection().size(), 1000u);
    batch.clear();
    EXPECT_EQ(batch.size(), 0u);
  }
}

// A batch decoding with a projection of `keys`, holding one event of `json`.
class ProjectedEvent {
 public:
  ProjectedEvent(std::initializer_list<std::string_view> keys, std::string_view json) {
    for (std::string_view key : keys) projection_.add_key(key);
    batch_.set_projection(&projection_);
    auto index = batch_.append_json(json, SourcePosition{});
    EXPECT_TRUE(index.ok()) << index.status().to_string();
    index_ = index.ok() ? *index : 0;
  }
  Event& event() { return batch_.event(index_); }
  EventBatch& batch() { return batch_; }
  // The value of top-level `key` as a bound expression reads it: from its slot.
  Value slot_value(std::string_view key) {
    return event().top_level(key, &projection_, projection_.slot_of(key));
  }

 private:
  Projection projection_;
  EventBatch batch_;
  uint32_t index_ = 0;
};

constexpr std::string_view kWide = R"({"a":1,"b":{"x":[1,2]},"c":"three","d":null})";

TEST(ProjectionTest, DecodesOnlyTheProjectedKeysAndWritesTheOriginalBytes) {
  ProjectedEvent projected({"a", "c"}, kWide);
  EXPECT_EQ(projected.event().get(path("a")).as_int(), 1);
  EXPECT_EQ(projected.event().get(path("c")).as_string(), "three");
  // Outside the projection: not decoded (which is why every reader must declare its fields).
  EXPECT_TRUE(projected.event().get(path("b.x")).is_missing());
  EXPECT_EQ(json_of(projected.event()), kWide);
}

TEST(ProjectionTest, StillRefusesInvalidJsonOutsideTheProjection) {
  Projection projection;
  projection.add_key("a");
  EventBatch batch;
  batch.set_projection(&projection);
  auto index = batch.append_json(R"({"a":1,"b":tru})", SourcePosition{});
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), EventErrc::kInvalidJson);
}

TEST(ProjectionTest, AddingAProjectedKeySplicesWithoutDecodingTheRest) {
  ProjectedEvent projected({"a", "alarm"}, kWide);
  ASSERT_TRUE(projected.event().set(path("alarm"), Value::string("smoke")).ok());
  EXPECT_FALSE(projected.event().rewritten());
  EXPECT_EQ(json_of(projected.event()),
            R"({"a":1,"b":{"x":[1,2]},"c":"three","d":null,"alarm":"smoke"})");
}

TEST(ProjectionTest, SplicesAfterMembersItDidNotDecode) {
  ProjectedEvent wide({"alarm"}, kWide);
  ASSERT_TRUE(wide.event().set(path("alarm"), Value::boolean(true)).ok());
  EXPECT_EQ(json_of(wide.event()), R"({"a":1,"b":{"x":[1,2]},"c":"three","d":null,"alarm":true})");
  ProjectedEvent empty({"alarm"}, " { } ");
  ASSERT_TRUE(empty.event().set(path("alarm"), Value::boolean(true)).ok());
  EXPECT_EQ(json_of(empty.event()), R"( { "alarm":true})");
}

TEST(ProjectionTest, ChangingAnOriginalKeyDecodesTheWholeEventFirst) {
  ProjectedEvent projected({"a", "alarm"}, kWide);
  ASSERT_TRUE(projected.event().set(path("alarm"), Value::string("smoke")).ok());
  ASSERT_TRUE(projected.event().set(path("a"), Value::integer(2)).ok());
  EXPECT_TRUE(projected.event().rewritten());
  EXPECT_EQ(projected.event().get(path("b.x[1]")).as_int(), 2);
  EXPECT_EQ(json_of(projected.event()),
            R"({"a":2,"b":{"x":[1,2]},"c":"three","d":null,"alarm":"smoke"})");
}

TEST(ProjectionTest, WritingOrRemovingOutsideTheProjectionDecodesTheWholeEventFirst) {
  ProjectedEvent written({"a"}, kWide);
  ASSERT_TRUE(written.event().set(path("b.y"), Value::boolean(true)).ok());
  EXPECT_EQ(json_of(written.event()),
            R"({"a":1,"b":{"x":[1,2],"y":true},"c":"three","d":null})");

  ProjectedEvent removed({"a"}, kWide);
  EXPECT_TRUE(removed.event().remove(path("c")));
  EXPECT_EQ(json_of(removed.event()), R"({"a":1,"b":{"x":[1,2]},"d":null})");

  ProjectedEvent renamed({"a", "z"}, kWide);
  ASSERT_TRUE(renamed.event().rename(path("a"), path("z")).ok());
  EXPECT_EQ(json_of(renamed.event()), R"({"b":{"x":[1,2]},"c":"three","d":null,"z":1})");
}

TEST(ProjectionTest, SplicedMembersAreEscapedWhateverTheirSize) {
  ProjectedEvent projected({"k\"q", "long", "esc", "n"}, " {\"a\":1} ");
  const std::string long_text(200, 'x');
  ASSERT_TRUE(projected.event().set(Path::key("k\"q"), Value::string("v")).ok());
  ASSERT_TRUE(projected.event().set(path("long"), Value::string(long_text)).ok());
  ASSERT_TRUE(projected.event().set(path("esc"), Value::string("a\nb")).ok());
  ASSERT_TRUE(projected.event().set(path("n"), Value::real(2.5)).ok());
  EXPECT_EQ(json_of(projected.event()), " {\"a\":1,\"k\\\"q\":\"v\",\"long\":\"" + long_text +
                                            "\",\"esc\":\"a\\nb\",\"n\":2.5}");
}

TEST(ProjectionTest, SlotsFollowEveryChange) {
  ProjectedEvent projected({"a", "b", "alarm", "gone"}, kWide);
  EXPECT_EQ(projected.slot_value("a").as_int(), 1);
  EXPECT_TRUE(projected.slot_value("b").is_object());
  EXPECT_TRUE(projected.slot_value("gone").is_missing());
  ASSERT_TRUE(projected.event().set(path("alarm"), Value::string("smoke")).ok());
  EXPECT_EQ(projected.slot_value("alarm").as_string(), "smoke");
  ASSERT_TRUE(projected.event().set(path("gone.x"), Value::integer(5)).ok());
  EXPECT_EQ(get_path(projected.slot_value("gone"), path("x")).as_int(), 5);
  EXPECT_TRUE(projected.event().remove(path("gone")));
  EXPECT_TRUE(projected.slot_value("gone").is_missing());
  // A change under an original member decodes the whole event: reads go to the root then.
  ASSERT_TRUE(projected.event().set(path("b.y"), Value::boolean(true)).ok());
  EXPECT_TRUE(get_path(projected.slot_value("b"), path("y")).as_bool());
  EXPECT_EQ(projected.slot_value("c").as_string(), "three");
  EXPECT_EQ(projected.slot_value("alarm").as_string(), "smoke");
}

TEST(ProjectionTest, RepeatedKeysKeepTheLastOneAsUnprojectedEventsDo) {
  ProjectedEvent projected({"a"}, R"({"a":1,"b":2,"a":3})");
  EXPECT_EQ(projected.event().get(path("a")).as_int(), 3);
  EXPECT_EQ(projected.slot_value("a").as_int(), 3);
}

TEST(RenderedObjectTest, WritesItsTextUntilAChangeBelowIt) {
  EventBatch batch;
  auto index = batch.append_json(R"({"id":1})", SourcePosition{});
  ASSERT_TRUE(index.ok());
  Event& event = batch.event(*index);
  Object* row = Object::create(batch.arena(), 2);
  row->append(batch.arena(), "name", Value::string("Ada"));
  row->append(batch.arena(), "tags", Value::array(Array::create(batch.arena(), 1)));
  // Deliberately not what the members would give: shows the text is what gets written.
  row->rendered = R"({"name":"Ada","tags":[],"rendered":true})";
  ASSERT_TRUE(event.set(path("customer"), Value::object(row)).ok());
  EXPECT_EQ(json_of(event), R"({"id":1,"customer":{"name":"Ada","tags":[],"rendered":true}})");
  // set() stored a copy: the copy keeps the text, and a change inside it drops the text.
  ASSERT_TRUE(event.set(path("customer.tags[0]"), Value::string("x")).ok());
  EXPECT_EQ(json_of(event), R"({"id":1,"customer":{"name":"Ada","tags":["x"]}})");
}

TEST(FrozenObjectTest, IsSharedUntilAnEventChangesItsOwnCopy) {
  EventBatch batch;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(batch.append_json(R"({"id":1})", SourcePosition{}).ok());
  Object* inner = Object::create(batch.arena(), 1);
  inner->append(batch.arena(), "city", Value::string("Lyon"));
  Array* tags = Array::create(batch.arena(), 1);
  tags->push_back(batch.arena(), Value::string("a"));
  Object* row = Object::create(batch.arena(), 3);
  row->append(batch.arena(), "name", Value::string("Ada"));
  row->append(batch.arena(), "address", Value::object(inner));
  row->append(batch.arena(), "tags", Value::array(tags));
  row->rendered = R"({"name":"Ada","address":{"city":"Lyon"},"tags":["a"]})";
  row->freeze();
  EXPECT_EQ(row->frozen_depth, 2u);
  EXPECT_TRUE(inner->frozen());
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(batch.event(i).set(path("customer"), Value::object(row)).ok());
  }
  // Stored by reference: no copy until a change.
  EXPECT_EQ(batch.event(0).get(path("customer")).as_object(), row);
  // A change below it, at any depth, in an object or an array, or a removal: the event gets
  // its own copy on the way, the row and the other events keep theirs.
  ASSERT_TRUE(batch.event(0).set(path("customer.name"), Value::string("Bob")).ok());
  ASSERT_TRUE(batch.event(1).set(path("customer.address.city"), Value::string("Paris")).ok());
  ASSERT_TRUE(batch.event(2).set(path("customer.tags[1]"), Value::string("b")).ok());
  EXPECT_TRUE(batch.event(3).remove(path("customer.address.city")));
  const std::string unchanged = R"({"name":"Ada","address":{"city":"Lyon"},"tags":["a"]})";
  EXPECT_EQ(json_of(Value::object(row)), unchanged);
  EXPECT_EQ(row->size, 3u);
  EXPECT_EQ(tags->size, 1u);
  EXPECT_EQ(json_of(batch.event(0)),
            R"({"id":1,"customer":{"name":"Bob","address":{"city":"Lyon"},"tags":["a"]}})");
  EXPECT_EQ(json_of(batch.event(1)),
            R"({"id":1,"customer":{"name":"Ada","address":{"city":"Paris"},"tags":["a"]}})");
  EXPECT_EQ(json_of(batch.event(2)),
            R"({"id":1,"customer":{"name":"Ada","address":{"city":"Lyon"},"tags":["a","b"]}})");
  EXPECT_EQ(json_of(batch.event(3)),
            R"({"id":1,"customer":{"name":"Ada","address":{},"tags":["a"]}})");
  // Its depth counts as a copy's would: refused deeper than the parser reads back.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"d\":";
  deep += "1" + std::string(100, '}');
  auto deep_value = batch.parse_json(deep);
  ASSERT_TRUE(deep_value.ok()) << deep_value.status().to_string();
  deep_value->as_object()->freeze();
  EXPECT_EQ(deep_value->as_object()->frozen_depth, 100u);
  std::string long_path = "a";
  for (int i = 0; i < 40; ++i) long_path += ".a";
  Status refused = batch.event(0).set(path(long_path), *deep_value);
  EXPECT_EQ(refused.code(), EventErrc::kCannotSet) << refused.message();
  EXPECT_TRUE(batch.event(0).set(path("ok"), *deep_value).ok());
}

TEST(PathTest, ParsesEverySyntax) {
  EXPECT_EQ(path("a.b.c").segments().size(), 3u);
  EXPECT_EQ(path("@timestamp").text(), "@timestamp");
  Path quoted = path(R"(a."odd key".b)");
  ASSERT_EQ(quoted.segments().size(), 3u);
  EXPECT_EQ(quoted.segments()[1].key, "odd key");
  EXPECT_EQ(path(R"(a["x.y"][2])").segments()[1].key, "x.y");
  EXPECT_EQ(path(R"(a["x.y"][2])").segments()[2].index, 2);
  EXPECT_EQ(path("t[-1]").segments()[1].index, -1);
  EXPECT_EQ(path(R"(."and")").segments()[0].key, "and");
  EXPECT_EQ(path(R"(a."odd key".b)").text(), R"(a."odd key".b)");
}

TEST(PathTest, RefusesBadPathsWithAColumn) {
  auto bad = Path::parse("a..b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), EventErrc::kInvalidPath);
  EXPECT_EQ(bad.status().message(), "invalid field path 'a..b': column 2: unexpected '.'");
  EXPECT_FALSE(Path::parse("").ok());
  EXPECT_FALSE(Path::parse("1abc").ok());
  EXPECT_FALSE(Path::parse("a[").ok());
  EXPECT_FALSE(Path::parse("a[x]").ok());
  EXPECT_FALSE(Path::parse("a[99999999999999]").ok());
  EXPECT_FALSE(Path::parse("a.\"open").ok());
}

}  // namespace
}  // namespace caudal::pipeline
