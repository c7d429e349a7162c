#include "index/mapping.h"

#include "index/date.h"

namespace caudal::index {

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kKeyword: return "keyword";
    case FieldType::kLong: return "long";
    case FieldType::kDouble: return "double";
    case FieldType::kDate: return "date";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kGeoPoint: return "geo_point";
  }
  return "keyword";
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  if (name == "text") return FieldType::kText;
  if (name == "keyword") return FieldType::kKeyword;
  if (name == "long" || name == "integer" || name == "short") return FieldType::kLong;
  if (name == "double" || name == "float") return FieldType::kDouble;
  if (name == "date") return FieldType::kDate;
  if (name == "boolean") return FieldType::kBoolean;
  if (name == "geo_point") return FieldType::kGeoPoint;
  return std::nullopt;
}

bool is_numeric(FieldType type) {
  return type == FieldType::kLong || type == FieldType::kDouble || type == FieldType::kDate ||
         type == FieldType::kBoolean;
}

std::string Mappings::resolve(std::string_view field) const {
  if (field.ends_with(".keyword") && fields_.find(field) == fields_.end()) {
    const std::string_view base = field.substr(0, field.size() - 8);
    auto it = fields_.find(base);
    if (it != fields_.end() && it->second == FieldType::kText) return std::string(base);
  }
  return std::string(field);
}

std::optional<FieldType> Mappings::type_of(std::string_view field) const {
  auto it = fields_.find(resolve(field));
  if (it == fields_.end()) return std::nullopt;
  if (field.ends_with(".keyword") && it->first.size() + 8 == field.size())
    return FieldType::kKeyword;
  return it->second;
}

std::optional<FieldType> Mappings::observe(std::string_view field, const Json& value) {
  auto it = fields_.find(field);
  if (it == fields_.end()) {
    FieldType inferred = FieldType::kKeyword;
    switch (value.kind()) {
      case Json::Kind::kString:
        inferred = parse_iso_date(value.as_string()) ? FieldType::kDate : FieldType::kText;
        break;
      case Json::Kind::kInt: inferred = FieldType::kLong; break;
      case Json::Kind::kDouble: inferred = FieldType::kDouble; break;
      case Json::Kind::kBool: inferred = FieldType::kBoolean; break;
      default: return std::nullopt;
    }
    it = fields_.emplace(std::string(field), inferred).first;
  }
  if (!fits(it->second, value)) return std::nullopt;
  return it->second;
}

bool Mappings::fits(FieldType type, const Json& value) {
  switch (type) {
    case FieldType::kText:
    case FieldType::kKeyword: return value.is_string() || value.is_number() || value.is_bool();
    case FieldType::kLong:
    case FieldType::kDouble:
      if (value.is_number()) return true;
      if (value.is_string()) {
        // Elasticsearch coerces numeric strings into numeric fields.
        const std::string& s = value.as_string();
        char* end = nullptr;
        std::strtod(s.c_str(), &end);
        return !s.empty() && end == s.c_str() + s.size();
      }
      return false;
    case FieldType::kDate:
      return value.is_int() || (value.is_string() && parse_iso_date(value.as_string()));
    case FieldType::kBoolean:
      return value.is_bool() ||
             (value.is_string() && (value.as_string() == "true" || value.as_string() == "false"));
    case FieldType::kGeoPoint: return true;
  }
  return false;
}

Json Mappings::to_json() const {
  Json properties = Json::object();
  for (const auto& [name, type] : fields_) {
    // Nest dotted names as objects, as Elasticsearch shows them.
    Json* level = &properties;
    std::string_view rest = name;
    for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      const std::string part(rest.substr(0, dot));
      Json* object = nullptr;
      for (auto& [key, value] : level->members()) {
        if (key == part) object = &value;
      }
      if (object == nullptr) object = &level->set(part, Json::object());
      Json* inner = nullptr;
      for (auto& [key, value] : object->members()) {
        if (key == "properties") inner = &value;
      }
      if (inner == nullptr) inner = &object->set("properties", Json::object());
      level = inner;
      rest = rest.substr(dot + 1);
    }
    Json field = Json::object();
    field.set("type", Json::string(std::string(field_type_name(type))));
    if (type == FieldType::kText) {
      Json keyword = Json::object();
      keyword.set("type", Json::string("keyword"));
      keyword.set("ignore_above", Json::integer(256));
      Json fields = Json::object();
      fields.set("keyword", std::move(keyword));
      field.set("fields", std::move(fields));
    }
    level->set(std::string(rest), std::move(field));
  }
  Json out = Json::object();
  out.set("properties", std::move(properties));
  return out;
}

}  // namespace caudal::index
