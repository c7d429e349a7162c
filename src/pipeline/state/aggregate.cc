#include "pipeline/state/aggregate.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "pipeline/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/state/state_delta.h"

namespace caudal::pipeline {
namespace {

struct Function {
  std::string_view name;
  AggregateKind kind;
  int min_args;
  int max_args;
};

constexpr Function kFunctions[] = {
    {"count", AggregateKind::kCount, 0, 1},
    {"sum", AggregateKind::kSum, 1, 1},
    {"min", AggregateKind::kMin, 1, 1},
    {"max", AggregateKind::kMax, 1, 1},
    {"avg", AggregateKind::kAvg, 1, 1},
    {"count_distinct", AggregateKind::kCountDistinct, 1, 1},
    {"percentile", AggregateKind::kPercentile, 2, 2},
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

constexpr std::string_view kExpected =
    "expected count(), count(x), sum(x), min(x), max(x), avg(x), count_distinct(x) or "
    "percentile(x, P) with P from 0 to 100";

std::optional<AggregateSpec> parse_one(const std::string& name, const config::Node& node,
                                       const std::string& path, config::Diagnostics& diags) {
  if (node.kind != config::Node::Kind::kScalar) {
    diags.error(node.position, path, fmt::format("{}, found {}", kExpected, node.describe()));
    return std::nullopt;
  }
  const std::string_view text = trim(node.text);
  const size_t open = text.find('(');
  if (open == std::string_view::npos || text.back() != ')') {
    diags.error(node.position, path, fmt::format("{}, found '{}'", kExpected, text));
    return std::nullopt;
  }
  const std::string_view function = trim(text.substr(0, open));
  std::string_view inner = trim(text.substr(open + 1, text.size() - open - 2));
  const Function* found = nullptr;
  for (const Function& f : kFunctions) {
    if (f.name == function) found = &f;
  }
  if (found == nullptr) {
    diags.error(node.position, path, fmt::format("unknown aggregate '{}': {}", function, kExpected));
    return std::nullopt;
  }
  AggregateSpec spec;
  spec.name = name;
  spec.kind = found->kind;
  if (found->kind == AggregateKind::kPercentile) {
    const size_t comma = inner.rfind(',');
    double p = -1;
    if (comma != std::string_view::npos) {
      const std::string_view number = trim(inner.substr(comma + 1));
      const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), p);
      if (ec != std::errc() || end != number.data() + number.size()) p = -1;
      inner = trim(inner.substr(0, comma));
    }
    if (p < 0 || p > 100) {
      diags.error(node.position, path, fmt::format("percentile(x, P) takes P from 0 to 100, found '{}'", text));
      return std::nullopt;
    }
    spec.quantile = p / 100;
  }
  if (inner.empty()) {
    if (found->min_args > 0) {
      diags.error(node.position, path, fmt::format("{}() needs an argument: {}", function, kExpected));
      return std::nullopt;
    }
    return spec;
  }
  CompileError error;
  Result<Expression> argument = Expression::compile(inner, &error);
  if (!argument.ok()) {
    diags.error(node.position, path, fmt::format("in '{}': {}", inner, error.message));
    return std::nullopt;
  }
  spec.argument = std::move(argument).value();
  return spec;
}

}  // namespace

std::optional<std::vector<AggregateSpec>> parse_aggregates(const config::Node& node,
                                                           const std::string& path,
                                                           config::Diagnostics& diags) {
  if (node.kind != config::Node::Kind::kMap || node.entries.empty()) {
    diags.error(node.position, path,
                fmt::format("expected a map of output fields to aggregates, such as "
                            "{{alarms: count(), hottest: max(temperature)}}, found {}",
                            node.describe()));
    return std::nullopt;
  }
  std::vector<AggregateSpec> out;
  bool ok = true;
  for (const config::Node::Entry& entry : node.entries) {
    std::optional<AggregateSpec> spec =
        parse_one(entry.key, entry.value, config::child_path(path, entry.key), diags);
    ok = ok && spec.has_value();
    if (spec.has_value()) out.push_back(std::move(*spec));
  }
  if (!ok) return std::nullopt;
  return out;
}

Status AggregateState::add(const AggregateSpec& spec, Value value) {
  if (spec.kind == AggregateKind::kCount) {
    if (!spec.argument.has_value() || !value.is_null()) ++count;
    return Status();
  }
  if (value.is_null()) return Status();
  if (spec.kind == AggregateKind::kCountDistinct) {
    if (distinct == nullptr) distinct = std::make_unique<HyperLogLog>();
    std::string text;
    write_json(value, text);
    distinct->add(text);
    ++count;
    return Status();
  }
  if (!value.is_number()) {
    return Status(PipelineErrc::kEventFailed,
                  fmt::format("aggregate {}: {} is {}, expected a number", spec.name,
                              spec.argument->text(), kind_name(value.kind())));
  }
  const double x = value.as_number();
  if (spec.kind == AggregateKind::kPercentile) {
    if (sketch == nullptr) sketch = std::make_unique<QuantileSketch>();
    sketch->add(x);
    ++count;
    return Status();
  }
  const bool first = count == 0;
  ++count;
  const bool integer_value = value.is_int();
  switch (spec.kind) {
    case AggregateKind::kSum:
    case AggregateKind::kAvg: {
      number += x;
      int64_t sum = 0;
      if (all_integers && integer_value && !__builtin_add_overflow(integer, value.as_int(), &sum)) {
        integer = sum;
      } else {
        all_integers = false;
      }
      break;
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax: {
      const bool better = first || (spec.kind == AggregateKind::kMin ? x < number : x > number);
      if (better) {
        number = x;
        all_integers = integer_value;
        integer = integer_value ? value.as_int() : 0;
      }
      break;
    }
    default: break;
  }
  return Status();
}

void AggregateState::merge(const AggregateSpec& spec, const AggregateState& from) {
  if (from.count == 0) return;
  const bool first = count == 0;
  count += from.count;
  switch (spec.kind) {
    case AggregateKind::kCount: return;
    case AggregateKind::kCountDistinct:
      if (distinct == nullptr) distinct = std::make_unique<HyperLogLog>();
      distinct->merge(*from.distinct);
      return;
    case AggregateKind::kPercentile:
      if (sketch == nullptr) sketch = std::make_unique<QuantileSketch>();
      sketch->merge(*from.sketch);
      return;
    case AggregateKind::kSum:
    case AggregateKind::kAvg: {
      number += from.number;
      int64_t sum = 0;
      if (all_integers && from.all_integers && !__builtin_add_overflow(integer, from.integer, &sum)) {
        integer = sum;
      } else {
        all_integers = false;
      }
      return;
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      if (first || (spec.kind == AggregateKind::kMin ? from.number < number : from.number > number)) {
        number = from.number;
        integer = from.integer;
        all_integers = from.all_integers;
      }
      return;
  }
}

void AggregateState::write(const AggregateSpec& spec, std::string& out) const {
  if (spec.kind == AggregateKind::kCount) {
    out.append(fmt::format("{}", count));
    return;
  }
  if (count == 0) {
    out.append(spec.kind == AggregateKind::kCountDistinct ? "0" : "null");
    return;
  }
  switch (spec.kind) {
    case AggregateKind::kCountDistinct: out.append(fmt::format("{}", distinct->estimate())); return;
    case AggregateKind::kPercentile: write_json(Value::real(sketch->quantile(spec.quantile)), out); return;
    case AggregateKind::kAvg: write_json(Value::real(number / static_cast<double>(count)), out); return;
    default: break;
  }
  if (all_integers) {
    out.append(fmt::format("{}", integer));
  } else {
    write_json(Value::real(number), out);
  }
}

void AggregateState::encode(const AggregateSpec& spec, std::string& out) const {
  append_varlong(out, count);
  append_varlong(out, integer);
  uint64_t bits = 0;
  std::memcpy(&bits, &number, 8);
  uint8_t be[8];
  store_be64(be, bits);
  out.append(reinterpret_cast<const char*>(be), 8);
  out.push_back(all_integers ? 1 : 0);
  if (spec.kind == AggregateKind::kCountDistinct || spec.kind == AggregateKind::kPercentile) {
    std::string sketch_bytes;
    if (distinct != nullptr) distinct->encode(sketch_bytes);
    if (sketch != nullptr) sketch->encode(sketch_bytes);
    append_uvarint(out, sketch_bytes.size());
    out.append(sketch_bytes);
  }
}

Status AggregateState::decode(const AggregateSpec& spec, std::string_view& bytes) {
  ByteReader reader(as_bytes(bytes));
  count = reader.read_varlong();
  integer = reader.read_varlong();
  const uint64_t bits = reader.read_be64();
  std::memcpy(&number, &bits, 8);
  all_integers = reader.read_u8() != 0;
  if (spec.kind == AggregateKind::kCountDistinct || spec.kind == AggregateKind::kPercentile) {
    const uint64_t size = reader.read_uvarint64();
    const ByteView sketch_bytes = reader.read_bytes(size);
    if (reader.failed()) return Status(PipelineErrc::kCorruptState, "an aggregate does not decode");
    const std::string_view text(reinterpret_cast<const char*>(sketch_bytes.data()), sketch_bytes.size());
    if (!text.empty()) {
      if (spec.kind == AggregateKind::kCountDistinct) {
        distinct = std::make_unique<HyperLogLog>();
        CAUDAL_RETURN_IF_ERROR(distinct->decode(text));
      } else {
        sketch = std::make_unique<QuantileSketch>();
        CAUDAL_RETURN_IF_ERROR(sketch->decode(text));
      }
    }
  }
  if (reader.failed()) return Status(PipelineErrc::kCorruptState, "an aggregate does not decode");
  bytes.remove_prefix(reader.position());
  return Status();
}

size_t AggregateState::bytes() const {
  return sizeof(AggregateState) + (distinct != nullptr ? HyperLogLog::kRegisters : 0) +
         (sketch != nullptr ? sketch->buckets() * 48 : 0);
}

}  // namespace caudal::pipeline
