// `parse: {field: PATH, format: json|logfmt|key_value|regex, ...}` reads the text in a field
// and stores what it finds: the keys of a JSON object, logfmt pairs, key=value pairs or the
// named groups of a regular expression. They go into the top level of the event (existing
// keys are replaced), or under `into: PATH`. Text that does not parse (or does not match the
// regex), and a field that is not a string, dead-letter the event; a missing field too, unless
// `missing: keep`.
//
// Values of logfmt and key_value pairs written without quotes are typed: integers, decimals,
// true and false become numbers and booleans, anything else stays a string; quoted values and
// regex groups are always strings.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <re2/re2.h>

#include "pipeline/errc.h"
#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

enum class Format { kJson, kLogfmt, kKeyValue, kRegex };

Status failed(std::string message) {
  return Status(PipelineErrc::kEventFailed, std::move(message));
}

// An unquoted value, typed: "42" -> 42, "2.5" -> 2.5, "true" -> true, else the text.
Value typed(std::string_view text) {
  if (text == "true") return Value::boolean(true);
  if (text == "false") return Value::boolean(false);
  if (text.empty() || text.size() > 64) return Value::string(text);
  char buffer[72];
  std::copy(text.begin(), text.end(), buffer);
  buffer[text.size()] = '\0';
  const bool integer_form = text.find_first_not_of("-0123456789") == std::string_view::npos;
  char* end = nullptr;
  errno = 0;
  if (integer_form) {
    const long long number = std::strtoll(buffer, &end, 10);
    if (end == buffer + text.size() && errno == 0) return Value::integer(number);
    return Value::string(text);
  }
  const bool number_form = text.find_first_not_of("-+.eE0123456789") == std::string_view::npos;
  if (!number_form) return Value::string(text);
  const double number = std::strtod(buffer, &end);
  if (end == buffer + text.size() && std::isfinite(number)) return Value::real(number);
  return Value::string(text);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class ParseStep final : public Step {
 public:
  ParseStep(Path field, Format format, std::optional<Path> into, std::unique_ptr<RE2> regex,
            std::string separator, std::string delimiter, bool remove_field, bool keep_missing)
      : field_(std::move(field)),
        format_(format),
        into_(std::move(into)),
        regex_(std::move(regex)),
        separator_(std::move(separator)),
        delimiter_(std::move(delimiter)),
        remove_field_(remove_field),
        keep_missing_(keep_missing) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    for (uint32_t event : batch.selection()) {
      Status status = parse_event(batch, batch.event(event));
      if (!status.ok()) failures_.push_back(EvalFailure{event, std::move(status)});
    }
    reject_failures(batch, failures_, index, outcome);
  }

  // Without `into`, the parsed keys come from the data: any top-level key may be written.
  void declare_fields(Projection& projection) const override {
    projection.add_path(field_);
    if (into_.has_value()) {
      projection.add_path(*into_);
    } else {
      projection.add_everything();
    }
  }

 private:
  Status parse_event(EventBatch& batch, Event& event) {
    const Value source = event.get(field_);
    if (source.is_missing() && keep_missing_) return Status();
    if (!source.is_string()) {
      return failed(fmt::format("parse: field {} is {}, not a string", field_.text(),
                                kind_name(source.kind())));
    }
    Object* found = Object::create(batch.arena(), 8);
    switch (format_) {
      case Format::kJson: {
        Result<Value> parsed = batch.parse_json(source.as_string());
        if (!parsed.ok()) {
          return failed(fmt::format("parse: field {} is not JSON: {}", field_.text(),
                                    parsed.status().message()));
        }
        if (!parsed->is_object()) {
          if (!into_.has_value()) {
            return failed(fmt::format("parse: field {} holds JSON {}, not an object (give "
                                      "`into` to keep it)",
                                      field_.text(), kind_name(parsed->kind())));
          }
          return store(event, *parsed);
        }
        found = parsed->as_object();
        break;
      }
      case Format::kLogfmt: CAUDAL_RETURN_IF_ERROR(parse_logfmt(batch, source.as_string(), *found)); break;
      case Format::kKeyValue: parse_key_value(batch, source.as_string(), *found); break;
      case Format::kRegex: CAUDAL_RETURN_IF_ERROR(parse_regex(batch, source.as_string(), *found)); break;
    }
    if (remove_field_) event.remove(field_);
    if (into_.has_value()) return store(event, Value::object(found));
    for (const Member& member : *found) {
      CAUDAL_RETURN_IF_ERROR(store(event, member.value, Path::key(member.key)));
    }
    return Status();
  }

  Status store(Event& event, Value value, const Path& at) {
    Status stored = event.set(at, value);
    if (!stored.ok()) return failed(fmt::format("parse: cannot set {}: {}", at.text(), stored.message()));
    return Status();
  }
  Status store(Event& event, Value value) { return store(event, value, *into_); }

  // key=value pairs separated by spaces; a value may be "quoted" with \" and \\ escapes; a key
  // without '=' is true (logfmt's convention).
  Status parse_logfmt(EventBatch& batch, std::string_view text, Object& out) {
    size_t i = 0;
    while (true) {
      while (i < text.size() && is_space(text[i])) ++i;
      if (i == text.size()) return Status();
      const size_t key_start = i;
      while (i < text.size() && !is_space(text[i]) && text[i] != '=') ++i;
      const std::string_view key = text.substr(key_start, i - key_start);
      if (key.empty()) {
        return failed(fmt::format("parse: logfmt in {}: expected a key at byte {}", field_.text(), i));
      }
      if (i == text.size() || text[i] != '=') {
        out.put(batch.arena(), key, Value::boolean(true));
        continue;
      }
      ++i;  // '='
      if (i < text.size() && text[i] == '"') {
        std::string value;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          const char c = text[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\' && i < text.size()) {
            const char escaped = text[i++];
            value.push_back(escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped);
          } else {
            value.push_back(c);
          }
        }
        if (!closed) {
          return failed(fmt::format("parse: logfmt in {}: the value of {} has no closing quote",
                                    field_.text(), key));
        }
        out.put(batch.arena(), key, Value::string(batch.arena().copy(value)));
        continue;
      }
      const size_t value_start = i;
      while (i < text.size() && !is_space(text[i])) ++i;
      out.put(batch.arena(), key, typed(text.substr(value_start, i - value_start)));
    }
  }

  // Pairs split on the separator, each split on the first delimiter; keys and values trimmed;
  // pieces without the delimiter are ignored.
  void parse_key_value(EventBatch& batch, std::string_view text, Object& out) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(separator_, start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view pair = text.substr(start, end - start);
      const size_t at = pair.find(delimiter_);
      if (at != std::string_view::npos) {
        const std::string_view key = trim(pair.substr(0, at));
        const std::string_view value = trim(pair.substr(at + delimiter_.size()));
        if (!key.empty()) out.put(batch.arena(), key, typed(value));
      }
      start = end + separator_.size();
    }
  }

  static std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
  }

  Status parse_regex(EventBatch& batch, std::string_view text, Object& out) {
    const int groups = regex_->NumberOfCapturingGroups();
    captures_.assign(static_cast<size_t>(groups) + 1, re2::StringPiece());
    if (!regex_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                       RE2::UNANCHORED, captures_.data(), groups + 1)) {
      return failed(fmt::format("parse: field {} does not match the regex '{}'", field_.text(),
                                regex_->pattern()));
    }
    for (const auto& [name, group] : regex_->NamedCapturingGroups()) {
      const re2::StringPiece piece = captures_[static_cast<size_t>(group)];
      if (piece.data() == nullptr) continue;  // an optional group that did not take part
      out.put(batch.arena(), std::string_view(name),
              Value::string(std::string_view(piece.data(), piece.size())));
    }
    return Status();
  }

  Path field_;
  Format format_;
  std::optional<Path> into_;
  std::unique_ptr<RE2> regex_;  // kRegex only; its group names outlive every batch
  std::string separator_;
  std::string delimiter_;
  bool remove_field_;
  bool keep_missing_;
  std::vector<re2::StringPiece> captures_;
  std::vector<EvalFailure> failures_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  StepOptions options(args.options, args.path, args.diags,
                      {"field", "format", "pattern", "into", "separator", "delimiter",
                       "remove_field", "missing"});
  std::optional<Path> field = options.field("field", true);
  const std::string format =
      options.choice("format", {"json", "logfmt", "key_value", "regex"}, "json");
  std::optional<Path> into = options.field("into", false);
  const std::optional<std::string> separator = options.text("separator", false);
  const std::optional<std::string> delimiter = options.text("delimiter", false);
  const bool remove_field = options.boolean("remove_field").value_or(false);
  const bool keep_missing = options.choice("missing", {"dead_letter", "keep"}, "dead_letter") == "keep";
  std::unique_ptr<RE2> regex;
  const config::Node* pattern = options.node("pattern", format == "regex");
  if (pattern != nullptr && format != "regex") {
    args.diags.error(pattern->position, options.child("pattern"), "pattern is for format: regex only");
  } else if (pattern != nullptr && !pattern->invalid) {
    RE2::Options re2_options;
    re2_options.set_log_errors(false);
    regex = std::make_unique<RE2>(pattern->text, re2_options);
    if (!regex->ok()) {
      args.diags.error(pattern->position, options.child("pattern"),
                       fmt::format("invalid regular expression: {}", regex->error()));
    } else if (regex->NamedCapturingGroups().empty()) {
      args.diags.error(pattern->position, options.child("pattern"),
                       "the regular expression has no named group such as (?P<level>\\w+)");
    }
  }
  if ((separator.has_value() || delimiter.has_value()) && format != "key_value") {
    args.diags.error(args.options.position, args.path,
                     "separator and delimiter are for format: key_value only");
  }
  if (!options.ok() || !field.has_value()) return nullptr;
  const Format kind = format == "json"     ? Format::kJson
                      : format == "logfmt" ? Format::kLogfmt
                      : format == "regex"  ? Format::kRegex
                                           : Format::kKeyValue;
  return std::make_unique<ParseStep>(std::move(*field), kind, std::move(into), std::move(regex),
                                     separator.value_or(" "), delimiter.value_or("="),
                                     remove_field, keep_missing);
}

}  // namespace

StepDescriptor parse_step() {
  return {"parse", "reads JSON, logfmt, key=value pairs or regex groups out of a text field",
          &build};
}

}  // namespace caudal::pipeline
