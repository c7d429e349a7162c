// Mappings: the type of every field of an index, explicit (caudal.yaml `mappings:`) or inferred
// from the first value seen, as Elasticsearch's dynamic mapping does:
//   JSON string that is an ISO 8601 date -> date; other strings -> text with a `.keyword`
//   view (the same field: match/match_phrase/query_string analyze it, term/terms/prefix/
//   wildcard, sorting and aggregations use the whole value; `f.keyword` names that view);
//   JSON integer -> long; other numbers -> double; true/false -> boolean; objects are
//   flattened into dotted names (`user.name`); arrays index each element.
// geo_point is explicit only (as in Elasticsearch): {lat, lon}, "lat,lon" or [lon, lat].
//
// Thread-safety: Mappings is a value; the Index keeps the current one behind its own lock and
// hands copies to searches.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "index/json.h"

namespace caudal::index {

enum class FieldType { kText, kKeyword, kLong, kDouble, kDate, kBoolean, kGeoPoint };

std::string_view field_type_name(FieldType type);
// "text", "keyword", "long", "integer" (as long), "double", "float" (as double), "date",
// "boolean", "geo_point"; nullopt for anything else.
std::optional<FieldType> parse_field_type(std::string_view name);

bool is_numeric(FieldType type);  // long, double, date, boolean: kept in numeric columns

class Mappings {
 public:
  // The type of `field`; a `.keyword` suffix on a text field names the field itself.
  // nullopt when the index has never seen the field.
  std::optional<FieldType> type_of(std::string_view field) const;
  // `field` without a `.keyword` suffix when that suffix is the keyword view of a text field.
  std::string resolve(std::string_view field) const;

  // The field's type, inferring it from `value` (a scalar) the first time. nullopt when the
  // value does not fit the field (a string in a long field): the value is then kept in
  // _source but not indexed, as with Elasticsearch's ignore_malformed.
  std::optional<FieldType> observe(std::string_view field, const Json& value);
  // Whether `value` (a scalar, or for geo_point anything) can be indexed in a field of `type`.
  static bool fits(FieldType type, const Json& value);
  void set(const std::string& field, FieldType type) { fields_[field] = type; }

  const std::map<std::string, FieldType, std::less<>>& fields() const { return fields_; }

  // The `_mapping` API's body for one index: {"properties":{...}} with dotted names nested.
  Json to_json() const;

 private:
  std::map<std::string, FieldType, std::less<>> fields_;
};

}  // namespace caudal::index
