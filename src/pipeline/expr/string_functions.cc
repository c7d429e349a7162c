// String functions: lower, upper, trim, contains, starts_with, ends_with, split, length,
// concat, matches, capture, replace. Regexes are RE2 (linear time, safe on any input),
// compiled once at load from a literal pattern.
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <re2/re2.h>

#include "pipeline/event/arena.h"
#include "pipeline/expr/functions.h"

namespace caudal::pipeline {
namespace {

Value arena_string(EvalContext& ctx, std::string_view text) {
  return Value::string(ctx.arena->copy(text));
}

bool change_case(const Value* args, EvalContext& ctx, Value& out, bool upper) {
  std::string_view text = args[0].as_string();
  char* changed = static_cast<char*>(ctx.arena->allocate(text.size() + 1, 1));
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    // ASCII letters only: bytes of multi-byte UTF-8 sequences are >= 0x80 and stay as they are.
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    changed[i] = c;
  }
  out = Value::string(std::string_view(changed, text.size()));
  return true;
}

bool lower(const ExprNode&, const Value* args, EvalContext& ctx, Value& out) {
  return change_case(args, ctx, out, false);
}

bool upper(const ExprNode&, const Value* args, EvalContext& ctx, Value& out) {
  return change_case(args, ctx, out, true);
}

bool trim(const ExprNode&, const Value* args, EvalContext&, Value& out) {
  std::string_view text = args[0].as_string();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  out = Value::string(text);  // a view of the argument, which lives as long as the batch
  return true;
}

bool contains(const ExprNode&, const Value* args, EvalContext&, Value& out) {
  out = Value::boolean(args[0].as_string().find(args[1].as_string()) != std::string_view::npos);
  return true;
}

bool starts_with(const ExprNode&, const Value* args, EvalContext&, Value& out) {
  out = Value::boolean(args[0].as_string().starts_with(args[1].as_string()));
  return true;
}

bool ends_with(const ExprNode&, const Value* args, EvalContext&, Value& out) {
  out = Value::boolean(args[0].as_string().ends_with(args[1].as_string()));
  return true;
}

bool split(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  std::string_view text = args[0].as_string();
  std::string_view separator = args[1].as_string();
  if (separator.empty()) {
    return ctx.fail(ExprErrc::kBadConversion,
                    fmt::format("split(): the separator ('{}') is empty", ctx.quote(*call.children[1])));
  }
  Array* parts = Array::create(*ctx.arena, 4);
  while (true) {
    size_t at = text.find(separator);
    parts->push_back(*ctx.arena, Value::string(text.substr(0, at)));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + separator.size());
  }
  out = Value::array(parts);
  return true;
}

bool length(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  Value v = args[0];
  if (v.is_string()) {
    // Characters, not bytes: continuation bytes (10xxxxxx) do not start one.
    int64_t count = 0;
    for (char c : v.as_string()) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    out = Value::integer(count);
    return true;
  }
  if (v.is_array()) {
    out = Value::integer(v.as_array()->size);
    return true;
  }
  if (v.is_object()) {
    out = Value::integer(v.as_object()->size);
    return true;
  }
  if (v.is_null()) {
    return ctx.fail(ExprErrc::kMissingValue, fmt::format("length(): argument 1 ('{}') is {}",
                                                         ctx.quote(*call.children[0]),
                                                         describe_kind(v.kind())));
  }
  return argument_mismatch(call, 0, v, "a string, an array or an object", ctx);
}

bool concat(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  std::string joined;
  for (size_t i = 0; i < call.children.size(); ++i) {
    if (args[i].is_null()) {
      return ctx.fail(ExprErrc::kMissingValue,
                      fmt::format("concat(): argument {} ('{}') is {}", i + 1,
                                  ctx.quote(*call.children[i]), describe_kind(args[i].kind())));
    }
    append_as_text(args[i], joined);
  }
  out = arena_string(ctx, joined);
  return true;
}

// Compiles the literal pattern of argument 2 into call.regex.
std::string compile_regex(ExprNode& call) {
  std::string_view pattern = call.children[1]->constant.as_string();
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex->ok()) {
    return fmt::format("{}(): invalid regular expression '{}': {}", call.function->name, pattern,
                       regex->error());
  }
  call.regex = std::move(regex);
  return {};
}

std::string prepare_replace(ExprNode& call) {
  if (std::string error = compile_regex(call); !error.empty()) return error;
  std::string_view rewrite = call.children[2]->constant.as_string();
  std::string problem;
  if (!call.regex->CheckRewriteString(re2::StringPiece(rewrite.data(), rewrite.size()), &problem)) {
    return fmt::format("replace(): invalid replacement '{}': {}", rewrite, problem);
  }
  call.replacement = std::string(rewrite);
  return {};
}

bool matches(const ExprNode& call, const Value* args, EvalContext&, Value& out) {
  std::string_view text = args[0].as_string();
  out = Value::boolean(RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *call.regex));
  return true;
}

// Named groups as an object ({"user": "bob"}); with no named group, every group in an array.
// No match: null. A group that took no part in the match: null.
bool capture(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  const RE2& regex = *call.regex;
  std::string_view text = args[0].as_string();
  int groups = regex.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> found(static_cast<size_t>(groups) + 1);
  re2::StringPiece input(text.data(), text.size());
  if (!regex.Match(input, 0, input.size(), RE2::UNANCHORED, found.data(), groups + 1)) {
    out = Value::null();
    return true;
  }
  auto piece = [&](int group) {
    const re2::StringPiece& p = found[static_cast<size_t>(group)];
    // Pieces point into `text`, which outlives the result.
    return p.data() == nullptr ? Value::null() : Value::string(std::string_view(p.data(), p.size()));
  };
  const auto& names = regex.CapturingGroupNames();
  if (names.empty()) {
    Array* items = Array::create(*ctx.arena, static_cast<uint32_t>(groups));
    for (int g = 1; g <= groups; ++g) items->items[items->size++] = piece(g);
    out = Value::array(items);
    return true;
  }
  Object* object = Object::create(*ctx.arena, static_cast<uint32_t>(names.size()));
  for (const auto& [group, name] : names) {
    object->append(*ctx.arena, ctx.arena->copy(name), piece(group));
  }
  out = Value::object(object);
  return true;
}

bool replace(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  std::string_view text = args[0].as_string();
  std::string result(text);
  RE2::GlobalReplace(&result, *call.regex,
                     re2::StringPiece(call.replacement.data(), call.replacement.size()));
  out = arena_string(ctx, result);
  return true;
}

using P = Param;
constexpr auto kString = ValueKind::kString;
constexpr auto kBool = ValueKind::kBool;

const FunctionSpec kStringFunctions[] = {
    {"lower", 1, 1, {P::kString}, kString, true, CallStyle::kEager, nullptr, lower},
    {"upper", 1, 1, {P::kString}, kString, true, CallStyle::kEager, nullptr, upper},
    {"trim", 1, 1, {P::kString}, kString, true, CallStyle::kEager, nullptr, trim},
    {"contains", 2, 2, {P::kString, P::kString}, kBool, true, CallStyle::kEager, nullptr, contains},
    {"starts_with", 2, 2, {P::kString, P::kString}, kBool, true, CallStyle::kEager, nullptr,
     starts_with},
    {"ends_with", 2, 2, {P::kString, P::kString}, kBool, true, CallStyle::kEager, nullptr, ends_with},
    {"split", 2, 2, {P::kString, P::kString}, ValueKind::kArray, true, CallStyle::kEager, nullptr,
     split},
    {"length", 1, 1, {P::kAny}, ValueKind::kInt, true, CallStyle::kEager, nullptr, length},
    {"concat", 1, kVariadic, {P::kAny}, kString, true, CallStyle::kEager, nullptr, concat},
    {"matches", 2, 2, {P::kString, P::kStringLiteral}, kBool, true, CallStyle::kEager,
     compile_regex, matches},
    {"capture", 2, 2, {P::kString, P::kStringLiteral}, std::nullopt, true, CallStyle::kEager,
     compile_regex, capture},
    {"replace", 3, 3, {P::kString, P::kStringLiteral, P::kStringLiteral}, kString, true,
     CallStyle::kEager, prepare_replace, replace},
};

}  // namespace

std::span<const FunctionSpec> string_functions() { return kStringFunctions; }

}  // namespace caudal::pipeline
