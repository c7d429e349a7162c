// Connectors: sinks that deliver a pipeline's events outside Caudal (a webhook, a mailbox, a
// directory of files...). Each connector is one folder with one ConnectorDescriptor: its name,
// its options (type, default, help) and the factory of its Transport. registry.cc lists them.
//
// A pipeline names a connector in `to:` as a map with one key, the connector's name:
//
//   to:
//     - webhook: { url: "http://alerts.local/hook/{device.id}", batch_records: 100 }
//
// Options are checked when the pipeline compiles (config check, `caudal pipeline test`), with
// the config loader's positioned messages; the Transport is made when the pipeline opens.
// Every connector also takes the delivery options of delivery_options() (queue, batching,
// retries), applied by the shared machinery in delivery_sink.h, never by the transport.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/file_system.h"
#include "common/result.h"
#include "pipeline/connectors/field_template.h"
#include "pipeline/expr/expression.h"
#include "pipeline/sinks/sink.h"

namespace caudal::pipeline::connectors {

enum class OptionType {
  kText,           // any non-empty text
  kSecret,         // text never logged nor shown (passwords)
  kInteger,        // a decimal integer >= 0
  kSize,           // 64 KiB, 10MB...
  kDuration,       // 500ms, 30s...
  kBool,           // true or false
  kChoice,         // one of OptionSpec::choices
  kTemplate,       // text with {field.path} parts (field_template.h)
  kTemplateMap,    // a map of names to templates (HTTP headers)
  kExpression,     // an expression (expr/expression.h)
  kExpressionMap,  // a map of names to expressions (InfluxDB tags and fields)
  kTextMap,        // a map of names to texts, taken as they are (librdkafka properties)
};

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kText;
  // As written in caudal.yaml; empty: the option is required (unless `optional`).
  std::string default_text;
  std::string help;
  std::vector<std::string> choices;  // kChoice
  bool optional = false;             // no default and not required
};

// One option's value after parsing.
using OptionValue = std::variant<std::string, uint64_t, Duration, bool, FieldTemplate,
                                 std::map<std::string, FieldTemplate>, Expression,
                                 std::vector<std::pair<std::string, Expression>>,
                                 std::map<std::string, std::string>>;

// The options of one connector entry, parsed and checked against its descriptor (defaults
// filled in). Immutable once parsed; shared by the spec and the transport it opens.
class ConnectorOptions {
 public:
  bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
  // The getters CAUDAL_CHECK that the option exists with that type: the descriptor says so.
  const std::string& text(std::string_view name) const;
  uint64_t number(std::string_view name) const;  // kInteger and kSize
  Duration duration(std::string_view name) const;
  bool boolean(std::string_view name) const;
  const FieldTemplate& field_template(std::string_view name) const;
  const std::map<std::string, FieldTemplate>& template_map(std::string_view name) const;
  const Expression& expression(std::string_view name) const;
  const std::vector<std::pair<std::string, Expression>>& expression_map(std::string_view name) const;
  const std::map<std::string, std::string>& text_map(std::string_view name) const;

  void set(std::string name, OptionValue value) { values_.insert_or_assign(std::move(name), std::move(value)); }

 private:
  const OptionValue& get(std::string_view name) const;
  std::map<std::string, OptionValue, std::less<>> values_;
};

// One delivery attempt's result for a run of records (delivery_sink.h retries the rest).
struct Rejection {
  size_t index;  // into the records given to deliver()
  std::string reason;
};

struct DeliveryReport {
  // Records [0, done) are finished: delivered, or rejected (listed in `rejected`: permanent
  // errors, dead-lettered with their reason).
  size_t done = 0;
  std::vector<Rejection> rejected;
  // Not ok: a transient failure (server down, 5xx, timeout) at record `done`; the records
  // from `done` on are offered again after a backoff.
  Status status;
  // Events the transport took but keeps before they are durable (the file sink's open file):
  // its total after this call, always the last ones it took. They are acknowledged once a
  // later report or poll() says they are no longer held.
  size_t held = 0;
  // Ok status, done < records given: the transport may not send more yet (the e-mail sink's
  // rate limit); the rest is offered again after this pause, which is not a failure.
  Duration throttled_for = Duration(0);
  // The transport lost the events it held (its file could not be written): the machinery
  // offers them again, in order, before the rest.
  bool dropped_held = false;
  // The held events become durable without more events (an answer in flight): poll() as soon
  // as no event waits, instead of about a second later.
  bool poll_soon = false;
};

// One record given to a transport: its JSON value and key, in its SinkBatch.
struct RecordRef {
  const SinkBatch* batch;
  uint32_t index;
  std::string_view value() const { return batch->value(index); }
  std::optional<std::string_view> key() const { return batch->key(index); }
  int64_t timestamp_ms() const { return batch->record(index).timestamp_ms; }
};

// Delivers records to one destination. Called by its sink's delivery thread only, one call
// at a time; may block (up to its own timeouts), never on an event loop.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual DeliveryReport deliver(std::span<const RecordRef> records) = 0;
  // Called about once a second while events are held and none arrives: time-based work (the
  // file sink completes a file that is old enough). With `complete_now` (the sink's queue is
  // full of held events, or the pipeline stops) it makes them durable now. Reports the events
  // still held (`held`), or that making them durable failed and they are lost (`dropped_held`
  // with the reason in `status`): the machinery then offers them again, or gives them up as
  // dead letters after max_attempts, and never acknowledges them. `done` and `rejected` are
  // not used.
  virtual DeliveryReport poll(bool complete_now) {
    (void)complete_now;
    return DeliveryReport{};
  }
  // Called when the sink closes, after the last deliver(): make what is held durable (ok: the
  // held events are acknowledged) or drop it (they are read again after a restart).
  virtual Status close() { return Status(); }
};

struct TransportArgs {
  const ConnectorOptions& options;
  std::string_view pipeline;
  std::string_view label;  // the sink's label (metrics, logs)
  // Where a transport that writes files writes them (a fault-injecting one in tests).
  FileSystem* file_system = &PosixFileSystem::instance();
};

struct ConnectorDescriptor {
  std::string_view name;
  std::string_view summary;
  std::vector<OptionSpec> options;  // the connector's own, without delivery_options()
  // Extra checks across options at compile time (e.g. "smtp needs url unless outbox"); adds a
  // message per problem to `problems`. May be null.
  std::function<void(const ConnectorOptions& options, std::vector<std::string>& problems)> check;
  // The default of `batch_records` and `linger` for this connector.
  uint64_t default_batch_records = 1;
  std::string_view default_linger = "0ms";
  std::function<Result<std::unique_ptr<Transport>>(const TransportArgs& args)> open;
  // The default of `queue_records`; events a transport holds count in it.
  uint64_t default_queue_records = 10000;
};

// The options every connector takes, applied by delivery_sink.h.
const std::vector<OptionSpec>& delivery_options();

}  // namespace caudal::pipeline::connectors
