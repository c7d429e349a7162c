// Event: one JSON object travelling through a pipeline, with where it came from.
//
// Representation (why it is cheap): an event parsed from JSON keeps a view of its original
// bytes (copied once into the batch's arena) and a tree of Values in the same arena, built by
// one walk of simdjson's parse. Reads walk the tree; writes change it in place (objects keep
// key order; new keys go last). Writing the event out is where this pays: an event nobody
// changed is its original bytes, so filter/route-only pipelines never re-serialize; an event
// that only gained new top-level keys (set of a new field, the usual enrichment) is its
// original bytes with the new members spliced in before the closing brace; any other change
// writes the event from the tree.
//
// Change an event only through set/remove/rename (not through the Array/Object of a Value it
// returned): they keep track of what the original bytes still describe.
//
// Owned by its EventBatch; valid until the batch is cleared. Used by the batch's one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "log/types.h"
#include "pipeline/event/path.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

class Arena;
class JsonReader;
class Projection;

// Where an event was read from: enough to dead-letter it with its origin, or to find it again.
struct SourcePosition {
  std::string_view topic;  // must outlive the batch (the pipeline's source topic names do)
  log::PartitionId partition{0};
  log::Offset offset{-1};
  int64_t timestamp_ms = -1;            // the record's timestamp; -1 when unknown
  std::optional<std::string_view> key;  // the record key, in the batch's arena
};

// The value at `path` inside `root`; missing when a step is absent.
Value get_path(Value root, const Path& path);

class Event {
 public:
  // `root` must be an object.
  Event(Arena& arena, Value root, std::string_view original, SourcePosition source)
      : arena_(&arena),
        root_(root),
        original_(original),
        source_(std::move(source)),
        original_members_(root.as_object()->size) {}

  // Marks the event as decoded with `projection` (projection.h): its root holds only the
  // projected members of the original bytes, `slots` (one per projection key, in the batch's
  // arena) their values by slot (JsonReader::read), and `reader` re-reads the bytes whole when
  // a change needs the rest (materialize). All must outlive the event (the batch's do).
  void set_projection(const Projection* projection, Value* slots, JsonReader* reader) {
    projection_ = projection;
    slots_ = slots;
    reader_ = reader;
  }

  // The value of the top-level `key`, whose slot in `projection` is `slot` (-1: none): read from
  // the slot while the event is decoded with that projection (no scan of the root), else
  // looked up in the root. Expressions bound to the pipeline's projection read fields so.
  Value top_level(std::string_view key, const Projection* projection, int32_t slot) const {
    if (projection == projection_ && slot >= 0) return slots_[slot];
    const Member* member = root_.as_object()->find(key);
    return member != nullptr ? member->value : Value::missing();
  }

  // The top-level object (with a projection: only the projected members, plus any added).
  Value root() const { return root_; }

  // The value at `path`; Value::missing() when any step is absent (or indexes a non-array,
  // or keys into a non-object).
  Value get(const Path& path) const;

  // Stores `value` at `path`, creating missing intermediate objects. Arrays and objects are
  // copied (deep_copy) so events never share mutable parts; strings must outlive the batch
  // (put them in arena() when in doubt). Setting missing stores null. Fails (kCannotSet) when an
  // intermediate step holds a non-object, an index is out of range (index == size appends), or
  // the event would nest deeper than kMaxDepth (json.h).
  Status set(const Path& path, Value value);

  // Removes the field at `path`; false when it was not there.
  bool remove(const Path& path);

  // Moves the value at `from` to `to`. False (and no change) when `from` is missing; a failed
  // set at `to` leaves the event unchanged.
  Result<bool> rename(const Path& from, const Path& to);

  // Whether set/remove/rename changed the event since it was parsed.
  bool modified() const { return modified_; }

  // Whether a change touched what the original bytes describe (more than adding top-level keys).
  bool rewritten() const { return rewrite_; }

  // The JSON text as received; empty for events built without one (append_empty).
  std::string_view original() const { return original_; }

  // Appends the event as one line of JSON (no newline): the original bytes when unmodified,
  // the original bytes plus the added top-level members when only those changed, else the
  // tree; keys in order, timestamps as ISO-8601 strings.
  void write_json(std::string& out) const;

  const SourcePosition& source() const { return source_; }
  Arena& arena() const { return *arena_; }

 private:
  Arena* arena_;
  Value root_;
  std::string_view original_;
  SourcePosition source_;
  // Members [0, original_members_) of the root are those of the original bytes.
  uint32_t original_members_;
  bool modified_ = false;
  bool rewrite_ = false;
  const Projection* projection_ = nullptr;  // set while the root is partial
  Value* slots_ = nullptr;                  // with projection_: its keys' values, by slot
  // With projection_: bit s set when slot s (< kTrackedSlots) holds a member added since
  // decoding (not one of the original bytes').
  static constexpr int32_t kTrackedSlots = 64;
  uint64_t added_slots_ = 0;
  JsonReader* reader_ = nullptr;

  // Before a change at top-level key `top_key`: turns a partial event whole when the change is
  // one the original bytes plus appended members could not express (see projection.h).
  // Returns whether `top_key` is an original member (is_original_key, after that).
  bool prepare_change(std::string_view top_key);
  // Replaces the partial root by the whole original, keeping the members added since.
  void materialize();

  // Whether `top_key` is one of the root's original members (those the original bytes hold).
  bool is_original_key(std::string_view top_key) const;
  // set() of the one-key path `key` on a partial event, through its slot and without scans,
  // when the key is new or was added since decoding; false (nothing done) otherwise.
  bool set_slot(std::string_view key, Value value);
  // Marks the event changed; `original`: the change is under an original member. Refreshes
  // the slot of `top_key` (the first key of the changed path): `top_value` when the caller
  // knows the key's new value (a one-key path), else from the root.
  void touched(bool original, std::string_view top_key, const Value* top_value);
};

}  // namespace caudal::pipeline
