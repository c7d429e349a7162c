#include "common/metrics/registry.h"

#include <cmath>
#include <variant>

#include <fmt/format.h>

#include "common/check.h"

namespace caudal::metrics {
namespace {

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__") || name == "le") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kCounter: return "counter";
    case Kind::kGauge: return "gauge";
    case Kind::kHistogram: return "histogram";
  }
  return "untyped";
}

// `{a="x",b="y"}` from names and values, with an optional extra pair (histogram `le`).
std::string label_set(const std::vector<std::string>& names, const LabelValues& values,
                      std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    fmt::format_to(std::back_inserter(out), "{}=\"{}\"", extra_name, extra_value);
  }
  out += '}';
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

template <typename Instrument>
Instrument& Family<Instrument>::with(const LabelValues& values) {
  CAUDAL_CHECK(values.size() == label_names_.size(), "label value count does not match names");
  std::lock_guard lock(mutex_);
  auto it = children_.find(values);
  if (it == children_.end()) {
    std::unique_ptr<Instrument> child;
    if constexpr (std::is_same_v<Instrument, Histogram>) {
      child = std::make_unique<Histogram>(bounds_);
    } else {
      child = std::make_unique<Instrument>();
    }
    it = children_.emplace(values, std::move(child)).first;
  }
  return *it->second;
}

template <typename Instrument>
void Family<Instrument>::for_each(
    const std::function<void(const LabelValues&, const Instrument&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [values, child] : children_) {
    visit(values, *child);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  std::string help;
  Kind kind;
  std::vector<std::string> label_names;
  std::variant<std::monostate, std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
               std::unique_ptr<Family<Histogram>>>
      family;
  std::map<uint64_t, std::function<std::vector<Sample>()>> callbacks;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::entry(std::string_view name, std::string_view help, Kind kind,
                                 const std::vector<std::string>& label_names) {
  CAUDAL_CHECK(valid_metric_name(name), fmt::format("invalid metric name '{}'", name));
  for (const auto& label : label_names) {
    CAUDAL_CHECK(valid_label_name(label), fmt::format("invalid label name '{}'", label));
  }
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    CAUDAL_CHECK(it->second->kind == kind && it->second->label_names == label_names,
                 fmt::format("metric '{}' registered twice with different shapes", name));
    return *it->second;
  }
  auto e = std::make_unique<Entry>();
  e->help = std::string(help);
  e->kind = kind;
  e->label_names = label_names;
  return *entries_.emplace(std::string(name), std::move(e)).first->second;
}

Family<Counter>& Registry::counter(std::string_view name, std::string_view help,
                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry& e = entry(name, help, Kind::kCounter, label_names);
  if (std::holds_alternative<std::monostate>(e.family)) {
    e.family = std::make_unique<Family<Counter>>(std::move(label_names), std::vector<double>{});
  }
  return *std::get<std::unique_ptr<Family<Counter>>>(e.family);
}

Family<Gauge>& Registry::gauge(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry& e = entry(name, help, Kind::kGauge, label_names);
  if (std::holds_alternative<std::monostate>(e.family)) {
    e.family = std::make_unique<Family<Gauge>>(std::move(label_names), std::vector<double>{});
  }
  return *std::get<std::unique_ptr<Family<Gauge>>>(e.family);
}

Family<Histogram>& Registry::histogram(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Entry& e = entry(name, help, Kind::kHistogram, label_names);
  if (std::holds_alternative<std::monostate>(e.family)) {
    e.family = std::make_unique<Family<Histogram>>(std::move(label_names), std::move(bounds));
  }
  return *std::get<std::unique_ptr<Family<Histogram>>>(e.family);
}

uint64_t Registry::add_callback(std::string_view name, std::string_view help, Kind kind,
                                std::vector<std::string> label_names,
                                std::function<std::vector<Sample>()> collect) {
  CAUDAL_CHECK(kind != Kind::kHistogram, "callback metrics are counters or gauges");
  std::lock_guard lock(mutex_);
  Entry& e = entry(name, help, kind, label_names);
  CAUDAL_CHECK(std::holds_alternative<std::monostate>(e.family),
               fmt::format("metric '{}' has both instruments and callbacks", name));
  uint64_t id = next_callback_id_++;
  e.callbacks.emplace(id, std::move(collect));
  return id;
}

void Registry::remove_callback(uint64_t id) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second->callbacks.erase(id) > 0) {
      if (it->second->callbacks.empty() &&
          std::holds_alternative<std::monostate>(it->second->family)) {
        entries_.erase(it);
      }
      return;
    }
  }
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto line = [&out](std::string_view name, const std::string& labels, double value) {
    out += name;
    out += labels;
    out += ' ';
    out += format_sample_value(value);
    out += '\n';
  };
  // Not a structured binding: clang before 16 cannot capture one in the lambdas below.
  for (const auto& entry : entries_) {
    const std::string& name = entry.first;
    const auto& e = entry.second;
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name,
                   escape_help(e->help), name, kind_name(e->kind));
    const auto& names = e->label_names;
    if (const auto* counters = std::get_if<std::unique_ptr<Family<Counter>>>(&e->family)) {
      (*counters)->for_each([&](const LabelValues& values, const Counter& c) {
        line(name, label_set(names, values), static_cast<double>(c.value()));
      });
    } else if (const auto* gauges = std::get_if<std::unique_ptr<Family<Gauge>>>(&e->family)) {
      (*gauges)->for_each(
          [&](const LabelValues& values, const Gauge& g) { line(name, label_set(names, values), g.value()); });
    } else if (const auto* hists = std::get_if<std::unique_ptr<Family<Histogram>>>(&e->family)) {
      (*hists)->for_each([&](const LabelValues& values, const Histogram& h) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.bucket_count(i);
          std::string le = i < h.bounds().size() ? format_sample_value(h.bounds()[i]) : "+Inf";
          line(name + "_bucket", label_set(names, values, "le", le),
               static_cast<double>(cumulative));
        }
        line(name + "_sum", label_set(names, values), h.sum());
        line(name + "_count", label_set(names, values), static_cast<double>(cumulative));
      });
    }
    for (const auto& [id, collect] : e->callbacks) {
      for (const Sample& s : collect()) {
        CAUDAL_CHECK(s.label_values.size() == names.size(), "callback sample has wrong labels");
        line(name, label_set(names, s.label_values), s.value);
      }
    }
  }
  return out;
}

Registry& Registry::global() {
  static Registry registry;
  return registry;
}

}  // namespace caudal::metrics
