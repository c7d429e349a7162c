#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace caudal::crc32c {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;

// tables[k][b]: CRC contribution of byte b followed by k zero bytes (slicing-by-8).
constexpr std::array<std::array<uint32_t, 256>, 8> make_tables() {
  std::array<std::array<uint32_t, 256>, 8> tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int i = 0; i < 8; ++i) {
      crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
    }
    tables[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (size_t k = 1; k < 8; ++k) {
      uint32_t prev = tables[k - 1][b];
      tables[k][b] = (prev >> 8) ^ tables[0][prev & 0xff];
    }
  }
  return tables;
}

constexpr auto kTables = make_tables();

}  // namespace

uint32_t extend_portable(uint32_t crc, ByteView data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t lo;
    uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;  // little-endian host: the first byte sits in the low bits
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
        kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) {
    c = (c >> 8) ^ kTables[0][(c ^ *p++) & 0xff];
  }
  return ~c;
}

#if defined(__x86_64__)
namespace {

// The crc32 instruction has a latency of three cycles but starts one per cycle, so one stream
// of data uses a third of it. Long inputs are therefore cut into three blocks whose CRCs run
// interleaved, then joined: the CRC register is linear over GF(2), so the register after
// "A then B" is (register after A, shifted over |B| zero bytes) xor (register of B from 0).
constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;

// Shifting a register over a fixed number of zero bytes, as four byte-indexed tables.
struct ZeroShift {
  uint32_t table[4][256];
  uint32_t apply(uint32_t c) const {
    return table[0][c & 0xff] ^ table[1][(c >> 8) & 0xff] ^ table[2][(c >> 16) & 0xff] ^
           table[3][c >> 24];
  }
};

__attribute__((target("sse4.2"))) ZeroShift make_zero_shift(size_t zero_bytes) {
  uint32_t basis[32];  // the shift of each single-bit register
  for (int bit = 0; bit < 32; ++bit) {
    uint64_t c = uint64_t{1} << bit;
    for (size_t i = 0; i < zero_bytes; i += 8) c = _mm_crc32_u64(c, 0);
    basis[bit] = static_cast<uint32_t>(c);
  }
  ZeroShift shift{};
  for (int k = 0; k < 4; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t v = 0;
      for (int i = 0; i < 8; ++i) {
        if ((b >> i) & 1) v ^= basis[8 * k + i];
      }
      shift.table[k][b] = v;
    }
  }
  return shift;
}

// Consumes as many runs of three `block`-byte blocks as `n` holds.
__attribute__((target("sse4.2"))) void crc_three_blocks(uint64_t& c0, const uint8_t*& p, size_t& n,
                                                        size_t block, const ZeroShift& shift) {
  while (n >= 3 * block) {
    uint64_t c1 = 0;
    uint64_t c2 = 0;
    const uint8_t* end = p + block;
    while (p < end) {
      uint64_t w0;
      uint64_t w1;
      uint64_t w2;
      std::memcpy(&w0, p, 8);
      std::memcpy(&w1, p + block, 8);
      std::memcpy(&w2, p + 2 * block, 8);
      c0 = _mm_crc32_u64(c0, w0);
      c1 = _mm_crc32_u64(c1, w1);
      c2 = _mm_crc32_u64(c2, w2);
      p += 8;
    }
    c0 = shift.apply(static_cast<uint32_t>(c0)) ^ c1;
    c0 = shift.apply(static_cast<uint32_t>(c0)) ^ c2;
    p += 2 * block;
    n -= 3 * block;
  }
}

}  // namespace

__attribute__((target("sse4.2"))) uint32_t extend_hardware(uint32_t crc, ByteView data) {
  static const ZeroShift long_shift = make_zero_shift(kLongBlock);
  static const ZeroShift short_shift = make_zero_shift(kShortBlock);
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint64_t c = ~crc;
  crc_three_blocks(c, p, n, kLongBlock, long_shift);
  crc_three_blocks(c, p, n, kShortBlock, short_shift);
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) {
    c32 = _mm_crc32_u8(c32, *p++);
  }
  return ~c32;
}

bool hardware_available() {
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
}
#else
uint32_t extend_hardware(uint32_t crc, ByteView data) {
  return extend_portable(crc, data);
}
bool hardware_available() {
  return false;
}
#endif

uint32_t extend(uint32_t crc, ByteView data) {
  return hardware_available() ? extend_hardware(crc, data) : extend_portable(crc, data);
}

}  // namespace caudal::crc32c
