// The metrics registry: named families of counters, gauges and histograms with labels, plus
// callbacks sampled at scrape time, rendered in the Prometheus text exposition format 0.0.4.
//
// Thread-safety: every method may be called from any thread. Families and the instruments they
// hand out live as long as the registry and never move, so callers cache the references and
// update them without locks. Names and label names are checked when registered; a bad name is
// a programming error and stops the process.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/instruments.h"

namespace caudal::metrics {

using LabelValues = std::vector<std::string>;

enum class Kind { kCounter, kGauge, kHistogram };

// One metric name with a fixed set of label names; one instrument per distinct label values.
template <typename Instrument>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> bounds)
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

  // The instrument for these label values (created on first use). The number of values must
  // match the family's label names.
  Instrument& with(const LabelValues& values);
  // The instrument of a family without labels.
  Instrument& get() { return with({}); }

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Visits every instrument under the family's lock.
  void for_each(const std::function<void(const LabelValues&, const Instrument&)>& visit) const;

 private:
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Instrument>> children_;
};

// A sample produced by a callback at scrape time.
struct Sample {
  LabelValues label_values;
  double value;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registering an existing name again returns the same family if kind and labels match.
  Family<Counter>& counter(std::string_view name, std::string_view help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names, std::vector<double> bounds);

  // A family whose samples are computed by `collect` at each scrape (sizes, process stats).
  // Returns an id for remove_callback(); the callback must stay valid until removed.
  uint64_t add_callback(std::string_view name, std::string_view help, Kind kind,
                        std::vector<std::string> label_names,
                        std::function<std::vector<Sample>()> collect);
  void remove_callback(uint64_t id);

  // The whole registry in the Prometheus text format, families sorted by name.
  std::string render() const;

  // The registry the running process exposes on /metrics.
  static Registry& global();

 private:
  struct Entry;
  Entry& entry(std::string_view name, std::string_view help, Kind kind,
               const std::vector<std::string>& label_names);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
  uint64_t next_callback_id_ = 1;
};

// Helpers of the text format, exposed for tests.
std::string escape_label_value(std::string_view value);
std::string format_sample_value(double value);

}  // namespace caudal::metrics
