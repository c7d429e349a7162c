#include "index/query.h"

#include <fmt/format.h>

#include "index/errc.h"

namespace caudal::index {
namespace {

Status parsing(const Json& at, std::string_view reason) {
  return Status(Errc::kParsing, fmt::format("{} {}", at.where(), reason));
}

// The one field of a {"field": ...} leaf query.
Result<const Json::Member*> single_field(const Json& body, std::string_view query) {
  if (!body.is_object() || body.members().empty()) {
    return parsing(body,
                   fmt::format("[{}] query malformed, no start_object after query name", query));
  }
  if (body.members().size() > 1) {
    return parsing(
        body, fmt::format("[{}] query doesn't support multiple fields, found [{}] and [{}]", query,
                          body.members()[0].first, body.members()[1].first));
  }
  return &body.members()[0];
}

Result<std::vector<Query>> parse_clauses(const Json& value) {
  std::vector<Query> out;
  if (value.is_array()) {
    for (const Json& item : value.items()) {
      CAUDAL_ASSIGN_OR_RETURN(Query q, parse_query(item));
      out.push_back(std::move(q));
    }
  } else {
    CAUDAL_ASSIGN_OR_RETURN(Query q, parse_query(value));
    out.push_back(std::move(q));
  }
  return out;
}

std::optional<std::string> msm_text(const Json& value) {
  if (value.is_number()) return std::to_string(value.as_int());
  if (value.is_string()) return value.as_string();
  return std::nullopt;
}

Result<Query> parse_bool(const Json& body) {
  Query q;
  q.kind = Query::Kind::kBool;
  if (!body.is_object()) return parsing(body, "[bool] query malformed, expected an object");
  for (const auto& [key, value] : body.members()) {
    if (key == "must") {
      CAUDAL_ASSIGN_OR_RETURN(q.must, parse_clauses(value));
    } else if (key == "filter") {
      CAUDAL_ASSIGN_OR_RETURN(q.filter, parse_clauses(value));
    } else if (key == "should") {
      CAUDAL_ASSIGN_OR_RETURN(q.should, parse_clauses(value));
    } else if (key == "must_not") {
      CAUDAL_ASSIGN_OR_RETURN(q.must_not, parse_clauses(value));
    } else if (key == "minimum_should_match") {
      q.minimum_should_match = msm_text(value);
    } else if (key == "boost") {
      q.boost = value.as_double();
    } else if (key != "_name" && key != "adjust_pure_negative") {
      return parsing(value, fmt::format("[bool] query does not support [{}]", key));
    }
  }
  return q;
}

// match / match_phrase / prefix / wildcard / term: {"f": value} or {"f": {"query"|"value": v, ...}}
Result<Query> parse_leaf(Query::Kind kind, std::string_view name, const Json& body,
                         std::string_view value_key) {
  CAUDAL_ASSIGN_OR_RETURN(const Json::Member* member, single_field(body, name));
  Query q;
  q.kind = kind;
  q.field = member->first;
  const Json& spec = member->second;
  if (!spec.is_object()) {
    if (spec.is_array() || spec.is_null()) {
      return parsing(
          spec, fmt::format("[{}] query does not support [{}] values", name, spec.token_name()));
    }
    q.values.push_back(spec);
    return q;
  }
  bool found = false;
  for (const auto& [key, value] : spec.members()) {
    if (key == value_key || (kind == Query::Kind::kWildcard && key == "wildcard")) {
      q.values.push_back(value);
      found = true;
    } else if (key == "operator") {
      q.operator_and =
          value.is_string() && (value.as_string() == "and" || value.as_string() == "AND");
    } else if (key == "minimum_should_match") {
      q.minimum_should_match = msm_text(value);
    } else if (key == "boost") {
      q.boost = value.as_double();
    } else if (key == "case_insensitive") {
      q.case_insensitive = value.as_bool();
    } else if (key == "slop" && value.as_int() != 0) {
      return parsing(value, "[match_phrase] slop other than 0 is not supported");
    } else if (key != "analyzer" && key != "_name" && key != "fuzziness" && key != "slop" &&
               key != "rewrite" && key != "zero_terms_query" && key != "lenient" &&
               key != "prefix_length" && key != "max_expansions" &&
               key != "auto_generate_synonyms_phrase_query") {
      return parsing(value, fmt::format("[{}] query does not support [{}]", name, key));
    }
  }
  if (!found) return parsing(spec, fmt::format("[{}] requires [{}]", name, value_key));
  return q;
}

Result<Query> parse_multi_match(const Json& body) {
  const Json* text = body.find("query");
  const Json* fields = body.find("fields");
  if (text == nullptr) return parsing(body, "[multi_match] requires query value");
  Query q;
  q.kind = Query::Kind::kBool;
  std::vector<std::string> names;
  if (fields != nullptr && fields->is_array()) {
    for (const Json& f : fields->items()) names.push_back(f.as_string());
  } else if (fields != nullptr && fields->is_string()) {
    names.push_back(fields->as_string());
  } else {
    names.push_back("*");
  }
  const Json* type = body.find("type");
  const bool phrase = type != nullptr && type->is_string() && type->as_string() == "phrase";
  const Json* op = body.find("operator");
  for (const std::string& name : names) {
    Query leaf;
    leaf.kind = phrase ? Query::Kind::kMatchPhrase : Query::Kind::kMatch;
    leaf.field = name;
    if (const size_t caret = name.find('^'); caret != std::string::npos) {
      leaf.field = name.substr(0, caret);
      leaf.boost = std::atof(name.c_str() + caret + 1);
    }
    leaf.values.push_back(*text);
    leaf.operator_and =
        op != nullptr && op->is_string() && (op->as_string() == "and" || op->as_string() == "AND");
    q.should.push_back(std::move(leaf));
  }
  q.minimum_should_match = "1";
  if (const Json* boost = body.find("boost")) q.boost = boost->as_double();
  return q;
}

Result<Query> parse_range(const Json& body) {
  CAUDAL_ASSIGN_OR_RETURN(const Json::Member* member, single_field(body, "range"));
  Query q;
  q.kind = Query::Kind::kRange;
  q.field = member->first;
  if (!member->second.is_object()) {
    return parsing(member->second, "[range] query malformed, expected an object of bounds");
  }
  for (const auto& [key, value] : member->second.members()) {
    if (key == "gt")
      q.gt = value;
    else if (key == "gte" || key == "from")
      q.gte = value;
    else if (key == "lt")
      q.lt = value;
    else if (key == "lte" || key == "to")
      q.lte = value;
    else if (key == "time_zone")
      q.time_zone = value.as_string();
    else if (key == "boost")
      q.boost = value.as_double();
    else if (key != "format" && key != "_name" && key != "relation" && key != "include_lower" &&
             key != "include_upper") {
      return parsing(value, fmt::format("[range] query does not support [{}]", key));
    }
  }
  return q;
}

}  // namespace

Result<Query> parse_query(const Json& json) {
  if (!json.is_object()) {
    return parsing(json, fmt::format("[_na] query malformed, must start with start_object"));
  }
  if (json.members().size() != 1) {
    if (json.members().empty()) return parsing(json, "query malformed, empty clause found");
    return parsing(json.members()[1].second,
                   fmt::format("[{}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]",
                               json.members()[0].first));
  }
  const auto& [name, body] = json.members()[0];
  if (name == "match_all" || name == "match_none") {
    Query q;
    q.kind = name == "match_all" ? Query::Kind::kMatchAll : Query::Kind::kMatchNone;
    if (const Json* boost = body.find("boost")) q.boost = boost->as_double();
    return q;
  }
  if (name == "match") return parse_leaf(Query::Kind::kMatch, name, body, "query");
  if (name == "match_phrase") return parse_leaf(Query::Kind::kMatchPhrase, name, body, "query");
  if (name == "term") return parse_leaf(Query::Kind::kTerm, name, body, "value");
  if (name == "prefix") return parse_leaf(Query::Kind::kPrefix, name, body, "value");
  if (name == "wildcard") return parse_leaf(Query::Kind::kWildcard, name, body, "value");
  if (name == "multi_match") return parse_multi_match(body);
  if (name == "range") return parse_range(body);
  if (name == "bool") return parse_bool(body);
  if (name == "terms") {
    Query q;
    q.kind = Query::Kind::kTerms;
    if (!body.is_object()) return parsing(body, "[terms] query malformed");
    for (const auto& [key, value] : body.members()) {
      if (key == "boost") {
        q.boost = value.as_double();
      } else if (value.is_array()) {
        if (!q.field.empty()) {
          return parsing(value, fmt::format("[terms] query does not support multiple fields"));
        }
        q.field = key;
        q.values = value.items();
      } else {
        return parsing(value, fmt::format("[terms] query does not support [{}]", key));
      }
    }
    if (q.field.empty())
      return parsing(body, "[terms] query requires a field with an array of values");
    return q;
  }
  if (name == "exists") {
    const Json* field = body.find("field");
    if (field == nullptr || !field->is_string())
      return parsing(body, "[exists] must be provided with a [field]");
    Query q;
    q.kind = Query::Kind::kExists;
    q.field = field->as_string();
    return q;
  }
  if (name == "ids") {
    const Json* values = body.find("values");
    if (values == nullptr || !values->is_array()) return parsing(body, "[ids] requires [values]");
    Query q;
    q.kind = Query::Kind::kIds;
    q.values = values->items();
    return q;
  }
  if (name == "constant_score") {
    const Json* filter = body.find("filter");
    if (filter == nullptr) return parsing(body, "[constant_score] requires a 'filter' element");
    Query q;
    q.kind = Query::Kind::kConstantScore;
    CAUDAL_ASSIGN_OR_RETURN(Query inner, parse_query(*filter));
    q.filter.push_back(std::move(inner));
    if (const Json* boost = body.find("boost")) q.boost = boost->as_double();
    return q;
  }
  if (name == "query_string" || name == "simple_query_string") {
    const Json* text = body.find("query");
    if (text == nullptr || !text->is_string())
      return parsing(body, "[query_string] requires query value");
    QueryStringOptions options;
    if (const Json* df = body.find("default_field"))
      options.default_fields.push_back(df->as_string());
    if (const Json* fields = body.find("fields")) {
      for (const Json& f : fields->items()) options.default_fields.push_back(f.as_string());
    }
    if (const Json* op = body.find("default_operator")) {
      options.default_and =
          op->is_string() && (op->as_string() == "AND" || op->as_string() == "and");
    }
    auto parsed = parse_query_string(text->as_string(), options);
    if (!parsed.ok()) return parsing(*text, parsed.status().message());
    return parsed;
  }
  return parsing(json, fmt::format("unknown query [{}]", name));
}

}  // namespace caudal::index
