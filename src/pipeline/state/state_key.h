// Keys of keyed state: which events share state.
//
// KeySelector: the `key_by` expression (or list of expressions), evaluated once per batch into
// each event's key as canonical JSON: the value's JSON for one expression, a JSON array of the
// values for a list (`["s1","smoke"]`). The same text names the key in output events and in
// the state API (`GET /v1/pipelines/{name}/state?key=...`).
//
// StateScope: state is kept per state group, so a pipeline can later be split by source
// partition and move its state with the partition. When every source topic has the same
// number of partitions (co-partitioned, as Kafka Streams requires for joins: producers key
// the same id to the same partition number in each topic) the group is the partition number,
// so ENTRY/2 and OK/2 share keys; otherwise the whole pipeline is one group (0).
//
// A state key is be32 group | key JSON | whatever the step adds (a window's start).
//
// Hashes: KeySelector hashes each event's key JSON once (key_by hashes, the steps after it
// reuse the hash); a step's map hashes the state key as state_key_hash(group, that hash), the
// same value state_key_hash(bytes) computes from the stored key (restore, erase by stored key).
//
// Threads: built at compile time; then used by the pipeline task's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/node.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {

struct StateScope {
  // Set by the runtime before the first batch (see above); dry runs keep partitions apart.
  bool by_partition = true;

  uint32_t group(const Event& event) const {
    return by_partition ? static_cast<uint32_t>(event.source().partition.value()) : 0;
  }
};

inline constexpr size_t kGroupBytes = 4;

// be32 group | key_json, into `out` (cleared first).
void make_state_key(uint32_t group, std::string_view key_json, std::string& out);
// The group of a state key of at least kGroupBytes bytes.
uint32_t state_key_group(std::string_view state_key);

uint64_t hash_key_json(std::string_view key_json);
uint64_t state_key_hash(uint32_t group, uint64_t key_json_hash);
// The hash of a state key from its bytes: of the group and the rest as above; keys shorter
// than a group are hashed whole.
uint64_t state_key_hash(std::string_view state_key);

class KeySelector {
 public:
  // `node`: one expression or a list of at least one. Reports to `diags` and returns null when
  // anything does not compile.
  static std::shared_ptr<KeySelector> build(const config::Node& node, const std::string& path,
                                            config::Diagnostics& diags);

  // Evaluates the key of every selected event. Events whose expression fails are appended to
  // `failures` (the caller dead-letters them) and have no key.
  void compute(EventBatch& batch, std::vector<EvalFailure>& failures);

  // The key of `event` as computed by the last compute() on its batch; nullopt for events
  // compute() did not see (added to the batch afterwards) or whose key failed.
  std::optional<std::string_view> key(uint32_t event) const {
    if (event >= known_.size() || !known_[event]) return std::nullopt;
    return std::string_view(keys_[event]);
  }
  // hash_key_json(*key(event)) when key(event) has a value, else any value.
  uint64_t hash(uint32_t event) const { return event < hashes_.size() ? hashes_[event] : 0; }

  // Appends `"key":KEY` and, for each key expression that is a top-level field name,
  // `,"name":VALUE` (so outputs carry the key where the input had it), without braces.
  void write_fields(EventBatch& batch, std::string_view key_json, std::string& out) const;

 private:
  explicit KeySelector(std::vector<Expression> expressions);

  std::vector<Expression> expressions_;
  std::vector<std::optional<std::string>> names_;  // top-level field name, per expression
  bool list_ = false;                              // a list was given: keys are arrays
  std::vector<std::string> keys_;                  // by event index
  std::vector<uint64_t> hashes_;                   // by event index
  std::vector<bool> known_;
  std::vector<Value> values_;
  std::vector<std::vector<Value>> parts_;
};

}  // namespace caudal::pipeline
