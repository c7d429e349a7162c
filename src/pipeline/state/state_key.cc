#include "pipeline/state/state_key.h"

#include <functional>

#include <fmt/format.h>

#include "common/bytes.h"
#include "pipeline/event/json.h"
#include "pipeline/step_options.h"

namespace caudal::pipeline {

void make_state_key(uint32_t group, std::string_view key_json, std::string& out) {
  out.resize(kGroupBytes);
  store_be32(reinterpret_cast<uint8_t*>(out.data()), group);
  out.append(key_json);
}

uint32_t state_key_group(std::string_view state_key) {
  return load_be32(reinterpret_cast<const uint8_t*>(state_key.data()));
}

uint64_t hash_key_json(std::string_view key_json) { return std::hash<std::string_view>{}(key_json); }

uint64_t state_key_hash(uint32_t group, uint64_t key_json_hash) {
  // A multiply-xorshift mix, so keys of different groups land apart in every bit.
  uint64_t x = key_json_hash + group * 0x9E3779B97F4A7C15ull;
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  return x;
}

uint64_t state_key_hash(std::string_view state_key) {
  if (state_key.size() < kGroupBytes) return state_key_hash(0, hash_key_json(state_key));
  return state_key_hash(state_key_group(state_key), hash_key_json(state_key.substr(kGroupBytes)));
}

KeySelector::KeySelector(std::vector<Expression> expressions) : expressions_(std::move(expressions)) {
  for (const Expression& expression : expressions_) {
    std::optional<std::string> name;
    if (expression.fields().size() == 1) {
      const Path& field = expression.fields()[0];
      if (field.segments().size() == 1 && !field.segments()[0].is_index &&
          field.text() == expression.text()) {
        name = field.segments()[0].key;
      }
    }
    names_.push_back(std::move(name));
  }
}

std::shared_ptr<KeySelector> KeySelector::build(const config::Node& node, const std::string& path,
                                                config::Diagnostics& diags) {
  std::vector<Expression> expressions;
  bool ok = true;
  if (node.kind == config::Node::Kind::kList) {
    if (node.items.empty()) {
      diags.error(node.position, path, "expected at least one key expression, found an empty list");
      return nullptr;
    }
    for (size_t i = 0; i < node.items.size(); ++i) {
      std::optional<Expression> e = compile_expression(node.items[i], fmt::format("{}[{}]", path, i), diags);
      ok = ok && e.has_value();
      if (e.has_value()) expressions.push_back(std::move(*e));
    }
  } else {
    std::optional<Expression> e = compile_expression(node, path, diags);
    ok = e.has_value();
    if (ok) expressions.push_back(std::move(*e));
  }
  if (!ok) return nullptr;
  const bool list = node.kind == config::Node::Kind::kList;
  std::shared_ptr<KeySelector> selector(new KeySelector(std::move(expressions)));
  selector->list_ = list;
  return selector;
}

void KeySelector::compute(EventBatch& batch, std::vector<EvalFailure>& failures) {
  if (keys_.size() < batch.size()) {
    keys_.resize(batch.size());
    hashes_.resize(batch.size());
  }
  known_.assign(batch.size(), false);
  const std::span<const uint32_t> selection = batch.selection();
  parts_.resize(expressions_.size());
  const size_t failed_before = failures.size();
  for (size_t e = 0; e < expressions_.size(); ++e) {
    parts_[e].clear();
    expressions_[e].evaluate(batch, parts_[e], failures);
  }
  // Failed events stay unknown; the rest get their key.
  std::vector<bool> failed(batch.size(), false);
  for (size_t f = failed_before; f < failures.size(); ++f) failed[failures[f].event] = true;
  for (size_t k = 0; k < selection.size(); ++k) {
    const uint32_t event = selection[k];
    if (failed[event]) continue;
    std::string& key = keys_[event];
    key.clear();
    if (list_) key.push_back('[');
    for (size_t e = 0; e < expressions_.size(); ++e) {
      if (e > 0) key.push_back(',');
      const Value value = parts_[e][k];
      write_json(value.is_missing() ? Value::null() : value, key);
    }
    if (list_) key.push_back(']');
    hashes_[event] = hash_key_json(key);
    known_[event] = true;
  }
}

void KeySelector::write_fields(EventBatch& batch, std::string_view key_json, std::string& out) const {
  out.append("\"key\":");
  out.append(key_json);
  bool any_name = false;
  for (const std::optional<std::string>& name : names_) any_name = any_name || name.has_value();
  if (!any_name) return;
  if (!list_) {
    if (*names_[0] == "key") return;
    out.append(",\"");
    append_json_escaped(out, *names_[0]);
    out.append("\":");
    out.append(key_json);
    return;
  }
  Result<Value> parsed = batch.parse_json(key_json);
  if (!parsed.ok() || !parsed->is_array()) return;
  const Array* items = parsed->as_array();
  for (size_t e = 0; e < names_.size() && e < items->size; ++e) {
    if (!names_[e].has_value() || names_[e] == "key") continue;
    out.append(",\"");
    append_json_escaped(out, *names_[e]);
    out.append("\":");
    write_json(items->items[e], out);
  }
}

}  // namespace caudal::pipeline
