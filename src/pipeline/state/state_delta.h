// StateDelta: the entries one stateful step changed since its last checkpoint (a value to
// store, or a deletion), packed into one buffer: taking a delta of 30,000 keys costs no
// allocation per entry, and the whole buffer moves to the checkpoint writer's thread in one
// piece. Keys and values are the step's own bytes (state/step_state.h).
//
// Threads: filled on the pipeline task's thread, then read by the checkpoint writer's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace caudal::pipeline {

class StateDelta {
 public:
  struct Write {
    std::string_view key;
    std::optional<std::string_view> value;  // nullopt: the entry no longer exists
  };

  void erase(std::string_view key) {
    refs_.push_back(Ref{bytes_.size(), static_cast<uint32_t>(key.size()), 0, false});
    bytes_.append(key);
  }
  void put(std::string_view key, std::string_view value) {
    put_encoded(key, [value](std::string& out) { out.append(value); });
  }
  // Puts `key` with the value `encode(std::string& out)` appends to `out`.
  template <typename Encode>
  void put_encoded(std::string_view key, Encode&& encode) {
    const size_t begin = bytes_.size();
    bytes_.append(key);
    encode(bytes_);
    refs_.push_back(Ref{begin, static_cast<uint32_t>(key.size()),
                        static_cast<uint32_t>(bytes_.size() - begin - key.size()), true});
  }

  // Makes room for `entries` more writes (their bytes are guessed from those so far).
  void reserve(size_t entries) {
    const size_t per_entry = refs_.empty() ? 32 : bytes_.size() / refs_.size() + 1;
    refs_.reserve(refs_.size() + entries);
    bytes_.reserve(bytes_.size() + entries * per_entry);
  }

  size_t size() const { return refs_.size(); }
  bool empty() const { return refs_.empty(); }
  Write operator[](size_t i) const {
    const Ref& ref = refs_[i];
    const std::string_view key(bytes_.data() + ref.begin, ref.key_size);
    if (!ref.put) return Write{key, std::nullopt};
    return Write{key, std::string_view(bytes_.data() + ref.begin + ref.key_size, ref.value_size)};
  }

 private:
  struct Ref {
    size_t begin;  // of the key; the value follows it
    uint32_t key_size;
    uint32_t value_size;
    bool put;
  };

  std::string bytes_;
  std::vector<Ref> refs_;
};

// Value encodings for steps writing into a delta (read back with ByteReader).
inline void append_uvarint(std::string& out, uint64_t v) {
  uint8_t buffer[kMaxVarint64Bytes];
  out.append(reinterpret_cast<const char*>(buffer), encode_varint(buffer, v));
}
inline void append_varlong(std::string& out, int64_t v) { append_uvarint(out, zigzag_encode64(v)); }

}  // namespace caudal::pipeline
