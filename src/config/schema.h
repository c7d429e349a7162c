// Declarative description of one section of caudal.yaml: its keys, each key's type, whether it
// is required, its help text, and where its value goes in a struct. A section is added by
// describing its keys once (see root_schema.cc, topic_schema.cc); reading, the uniform error
// messages (unknown key with a suggestion, duplicate key, missing key, wrong type) and writing
// the effective value back out (render.h) all come from that one description.
//
// Structs described here carry `std::set<std::string> secret_keys`: the names of their scalar
// keys whose value came from the environment. A struct copied from a default carries the
// default's secrets along, and setting a key replaces its entry.
#pragma once

#include <concepts>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/check.h"
#include "config/diagnostics.h"
#include "config/node.h"
#include "config/value_type.h"

namespace caudal::config {

enum class Presence { kOptional, kRequired };

// What every schema says about itself, whatever struct it fills: used for messages, and by
// tests that check docs/configuration.md names every key.
class SchemaInfo {
 public:
  struct Field {
    std::string name;
    std::string help;
    Presence presence = Presence::kOptional;
    // The schema of a nested object, or of each entry of a map of named objects.
    const SchemaInfo* children = nullptr;
  };

  virtual ~SchemaInfo() = default;
  const std::vector<Field>& fields() const { return fields_; }

 protected:
  std::optional<size_t> find_field(std::string_view name) const;
  // "expected a map with keys a, b, c"
  std::string expected_map() const;
  // "unknown key, did you mean 'retention'?" or "unknown key, expected one of: a, b, c"
  std::string unknown_key(std::string_view key) const;

  std::vector<Field> fields_;
};

// Reads a scalar of `type` from `value`, reporting to `diags` and returning nullopt when it is
// not one (invalid values were reported earlier and are skipped silently).
template <typename V>
std::optional<V> parse_scalar(const ValueType<V>& type, const Node& value, const std::string& path,
                              Diagnostics& diags) {
  if (value.invalid) return std::nullopt;
  if (value.kind != Node::Kind::kScalar) {
    diags.error(value.position, path, fmt::format("{}, found {}", type.expected, value.describe()));
    return std::nullopt;
  }
  Result<V> parsed = type.parse(value.text);
  if (!parsed.ok()) {
    diags.error(value.position, path,
                fmt::format("{}, found {}", parsed.status().message(), value.describe()));
    return std::nullopt;
  }
  return std::move(parsed).value();
}

template <typename T>
concept Configurable = requires(T t) {
  { t.secret_keys } -> std::same_as<std::set<std::string>&>;
};

template <Configurable T>
class ObjectSchema;

// A key whose value maps names to objects of one schema (`topics: {ENTRY: {...}, OK: {}}`).
template <typename T, typename V>
struct NamedMap {
  const ObjectSchema<V>* values = nullptr;
  std::string expected;      // for a value that is not a map: "expected a map of topic names ..."
  std::string expected_key;  // for a bad name: "expected a topic name of ..."
  std::function<bool(std::string_view)> valid_key;
  // What each entry starts from before its own keys apply (e.g. the topic defaults). Called
  // after every key declared before this one has been read.
  std::function<V(const T& parent)> initial;
};

// What the keys of a map of scalars may be (ObjectSchema::scalar_map).
struct MapKeys {
  std::string expected;      // for a value that is not a map: "expected a map of index names ..."
  std::string expected_key;  // for a bad key: "expected an index name of ..."
  std::function<bool(std::string_view)> valid_key;
};

// Fields are read in the order they are declared, not the order of the file, so a field may
// depend on one declared before it; errors are sorted into file order afterwards.
// Schemas are built once (function-local statics) and are immutable afterwards: thread-safe.
template <Configurable T>
class ObjectSchema final : public SchemaInfo {
 public:
  using Check = std::function<void(const Node& object, const std::string& path, const T& value,
                                   Diagnostics& diags)>;

  // A scalar key stored in `member`. When absent, the member keeps the value it had.
  template <typename V>
  ObjectSchema& scalar(std::string name, V T::*member, ValueType<V> type, std::string help,
                       Presence presence = Presence::kOptional) {
    add(Field{name, std::move(help), presence, nullptr}, scalar_apply(name, member, type),
        [member, type, name](const T& in) {
          return scalar_node(type.format(in.*member), in.secret_keys.contains(name));
        });
    return *this;
  }

  // A scalar key that may stay unset: absent means nullopt, and an unset value is not written.
  template <typename V>
  ObjectSchema& optional(std::string name, std::optional<V> T::*member, ValueType<V> type,
                         std::string help) {
    add(Field{name, std::move(help), Presence::kOptional, nullptr},
        scalar_apply(name, member, type), [member, type, name](const T& in) {
          if (!(in.*member).has_value()) return Node{};
          return scalar_node(type.format(*(in.*member)), in.secret_keys.contains(name));
        });
    return *this;
  }

  // A nested section read by `schema` into `member`.
  template <Configurable V>
  ObjectSchema& object(std::string name, V T::*member, const ObjectSchema<V>& schema,
                       std::string help) {
    add(
        Field{std::move(name), std::move(help), Presence::kOptional, &schema},
        [member, &schema](const Node& value, const std::string& path, T& out, Diagnostics& diags) {
          schema.parse(value, path, out.*member, diags);
        },
        [member, &schema](const T& in) { return schema.emit(in.*member); });
    return *this;
  }

  // A map of names to objects of one schema. Replaces `member` when present.
  template <Configurable V>
  ObjectSchema& named_map(std::string name, std::map<std::string, V> T::*member,
                          NamedMap<T, V> spec, std::string help) {
    add(
        Field{std::move(name), std::move(help), Presence::kOptional, spec.values},
        [member, spec](const Node& value, const std::string& path, T& out, Diagnostics& diags) {
          if (value.invalid) return;
          if (value.kind != Node::Kind::kMap && value.kind != Node::Kind::kNull) {
            diags.error(value.position, path,
                        fmt::format("{}, found {}", spec.expected, value.describe()));
            return;
          }
          std::map<std::string, V> parsed;
          std::map<std::string, Position> seen;
          for (const Node::Entry& entry : value.entries) {
            if (!spec.valid_key(entry.key)) {
              diags.error(entry.key_position, path,
                          fmt::format("{}, found '{}'", spec.expected_key, entry.key));
              continue;
            }
            auto [first, inserted] = seen.emplace(entry.key, entry.key_position);
            if (!inserted) {
              diags.error(entry.key_position, child_path(path, entry.key),
                          duplicate_key(first->second));
              continue;
            }
            V item = spec.initial(out);
            spec.values->parse(entry.value, child_path(path, entry.key), item, diags);
            parsed.emplace(entry.key, std::move(item));
          }
          out.*member = std::move(parsed);
        },
        [member, spec](const T& in) {
          Node map;
          map.kind = Node::Kind::kMap;
          for (const auto& [key, item] : in.*member) {
            map.entries.push_back(Node::Entry{key, Position{}, spec.values->emit(item)});
          }
          return map;
        });
    return *this;
  }

  // A map of names to scalars of one type (`indexes: {nginx: web, "logs-*": logs}`). Replaces
  // `member` when present. An entry whose value came from the environment is recorded in
  // `secret_keys` as "<name>.<entry>".
  template <typename V>
  ObjectSchema& scalar_map(std::string name, std::map<std::string, V> T::*member,
                           MapKeys keys, ValueType<V> type, std::string help) {
    add(
        Field{name, std::move(help), Presence::kOptional, nullptr},
        [name, member, keys, type](const Node& value, const std::string& path, T& out,
                                   Diagnostics& diags) {
          if (value.invalid) return;
          if (value.kind != Node::Kind::kMap && value.kind != Node::Kind::kNull) {
            diags.error(value.position, path,
                        fmt::format("{}, found {}", keys.expected, value.describe()));
            return;
          }
          std::map<std::string, V> parsed;
          std::map<std::string, Position> seen;
          std::erase_if(out.secret_keys,
                        [&name](const std::string& key) { return key.starts_with(name + "."); });
          for (const Node::Entry& entry : value.entries) {
            if (!keys.valid_key(entry.key)) {
              diags.error(entry.key_position, path,
                          fmt::format("{}, found '{}'", keys.expected_key, entry.key));
              continue;
            }
            auto [first, inserted] = seen.emplace(entry.key, entry.key_position);
            if (!inserted) {
              diags.error(entry.key_position, child_path(path, entry.key),
                          duplicate_key(first->second));
              continue;
            }
            std::optional<V> item =
                parse_scalar(type, entry.value, child_path(path, entry.key), diags);
            if (!item.has_value()) continue;
            if (entry.value.secret) out.secret_keys.insert(name + "." + entry.key);
            parsed.emplace(entry.key, std::move(*item));
          }
          out.*member = std::move(parsed);
        },
        [name, member, type](const T& in) {
          Node map;
          map.kind = Node::Kind::kMap;
          for (const auto& [key, item] : in.*member) {
            map.entries.push_back(Node::Entry{
                key, Position{},
                scalar_node(type.format(item), in.secret_keys.contains(name + "." + key))});
          }
          return map;
        });
    return *this;
  }

  // A key whose value is kept as written, as a tree, for a module that validates it itself
  // with its own vocabulary (pipeline steps, whose options depend on the step). Absent: the
  // member stays an empty (kNull) node. Rendered back as given, secrets marked.
  ObjectSchema& tree(std::string name, Node T::*member, std::string help,
                     Presence presence = Presence::kOptional) {
    add(
        Field{std::move(name), std::move(help), presence, nullptr},
        [member](const Node& value, const std::string&, T& out, Diagnostics&) {
          out.*member = value;
        },
        [member](const T& in) { return in.*member; });
    return *this;
  }

  // A key of several shapes, read by `apply` into `out` and written back by `emit` (a
  // pipeline's `from`: a topic, a list of topics or a map naming a remote source). `children`
  // is the schema of its map form (messages, docs), or null.
  ObjectSchema& shaped(std::string name, std::string help, Presence presence, const SchemaInfo* children,
                       std::function<void(const Node&, const std::string&, T&, Diagnostics&)> apply,
                       std::function<Node(const T&)> emit) {
    add(Field{std::move(name), std::move(help), presence, children}, std::move(apply), std::move(emit));
    return *this;
  }

  // A rule across keys, run after them, and only when this object's own keys had no errors
  // (so it never reports on top of a value that failed to parse).
  ObjectSchema& check(Check check) {
    checks_.push_back(std::move(check));
    return *this;
  }

  // Reads `node` (a map; an empty value counts as an empty map) into `out`, which holds the
  // defaults. Every problem goes to `diags`; `out` is meaningful only when there were none.
  void parse(const Node& node, const std::string& path, T& out, Diagnostics& diags) const {
    if (node.invalid) return;
    if (node.kind != Node::Kind::kMap && node.kind != Node::Kind::kNull) {
      diags.error(node.position, path,
                  fmt::format("{}, found {}", expected_map(), node.describe()));
      return;
    }
    const size_t errors_before = diags.count();
    bool clean = true;
    std::vector<const Node::Entry*> given(fields_.size(), nullptr);
    for (const Node::Entry& entry : node.entries) {
      const std::optional<size_t> index = find_field(entry.key);
      if (!index.has_value()) {
        diags.error(entry.key_position, child_path(path, entry.key), unknown_key(entry.key));
      } else if (given[*index] != nullptr) {
        diags.error(entry.key_position, child_path(path, entry.key),
                    duplicate_key(given[*index]->key_position));
      } else {
        given[*index] = &entry;
        clean = clean && !entry.value.invalid;
      }
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      const std::string field_path = child_path(path, fields_[i].name);
      if (given[i] != nullptr) {
        bindings_[i].apply(given[i]->value, field_path, out, diags);
      } else if (fields_[i].presence == Presence::kRequired) {
        diags.error(node.position, field_path,
                    fmt::format("required key is missing ({})", fields_[i].help));
      }
    }
    if (!clean || diags.count() != errors_before) return;
    for (const Check& check : checks_) check(node, path, out, diags);
  }

  // The effective settings of `value` as a tree for render.h: every key, in declaration order,
  // except unset optional ones; secrets are marked, not removed.
  Node emit(const T& value) const {
    Node map;
    map.kind = Node::Kind::kMap;
    for (size_t i = 0; i < fields_.size(); ++i) {
      Node field = bindings_[i].emit(value);
      if (field.kind == Node::Kind::kNull) continue;
      map.entries.push_back(Node::Entry{fields_[i].name, Position{}, std::move(field)});
    }
    return map;
  }

 private:
  struct Binding {
    std::function<void(const Node&, const std::string&, T&, Diagnostics&)> apply;
    std::function<Node(const T&)> emit;
  };

  void add(Field field, decltype(Binding::apply) apply, decltype(Binding::emit) emit) {
    CAUDAL_CHECK(!find_field(field.name).has_value(), "a schema declares a key twice");
    fields_.push_back(std::move(field));
    bindings_.push_back(Binding{std::move(apply), std::move(emit)});
  }

  // Stores a parsed scalar in `member` (a V, or an optional<V> for optional keys) and records
  // whether it is a secret.
  template <typename M, typename V>
  static decltype(Binding::apply) scalar_apply(const std::string& name, M T::*member,
                                               const ValueType<V>& type) {
    return [name, member, type](const Node& value, const std::string& path, T& out,
                                Diagnostics& diags) {
      std::optional<V> parsed = parse_scalar(type, value, path, diags);
      if (!parsed.has_value()) return;
      out.*member = std::move(*parsed);
      if (value.secret) {
        out.secret_keys.insert(name);
      } else {
        out.secret_keys.erase(name);
      }
    };
  }

  static Node scalar_node(std::string text, bool secret) {
    Node node;
    node.kind = Node::Kind::kScalar;
    node.text = std::move(text);
    node.secret = secret;
    return node;
  }

  static std::string duplicate_key(Position first) {
    return fmt::format("duplicate key, first given at line {}", first.line);
  }

  std::vector<Binding> bindings_;
  std::vector<Check> checks_;
};

// The candidate closest to `name` when it is close enough to be a typo (about one edit in three
// characters, at least one), for "did you mean" messages about names that no ObjectSchema
// declares (pipeline step names and step options).
std::optional<std::string_view> closest_name(std::string_view name,
                                             const std::vector<std::string_view>& candidates);

// The entry of `key` in the map `object`, or nullptr.
const Node::Entry* find_entry(const Node& object, std::string_view key);

// The value of `key` in `object`, or `object` itself when the key is absent: where a check
// across keys points its error.
Position position_of(const Node& object, std::string_view key);

}  // namespace caudal::config
