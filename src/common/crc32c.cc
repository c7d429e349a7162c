#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
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

namespace {

// Carry-less folding (the method of Intel's "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ"), four 512-bit lanes at a time: about four times the crc32 instruction's 8 bytes
// per cycle on long inputs, which is what a 64 KB produce batch spends most of its append in.
//
// Notation: a 16-byte block whose bits, in stream order, are r_0..r_127 is the polynomial
// X = sum r_i x^(127-i), worth X * x^(bits after the block) in the message. Moving the block T
// bits later keeps its worth modulo P if it becomes X * x^T mod P. With X = H x^64 + L (H from
// the first 8 bytes, L from the last 8): X x^T = H x^(T+64) + L x^T, and each half times a
// reduced 32-bit constant fits in 128 bits. In the registers a qword's bit j holds the
// coefficient of x^(63-j), so a carry-less product of H with the constant's bits placed the same
// way lands one position short of the block layout; using x^(T+63) and x^(T-1) in place of
// x^(T+64) and x^T absorbs that shift.
constexpr uint64_t kCastagnoliNormal = 0x11EDC6F41ull;  // x^32 + ... + 1, bit d = coefficient of x^d

// x^n mod P, laid out as a fold constant: bit j holds the coefficient of x^(63-j).
constexpr uint64_t fold_constant(int n) {
  uint64_t r = 1;
  for (int i = 0; i < n; ++i) {
    r <<= 1;
    if (r & (uint64_t{1} << 32)) r ^= kCastagnoliNormal;
  }
  uint64_t k = 0;
  for (int d = 0; d < 32; ++d) {
    if ((r >> d) & 1) k |= uint64_t{1} << (63 - d);
  }
  return k;
}

// Constants for moving a block forward by `bytes`: {for H, for L}.
struct FoldBy {
  uint64_t high;
  uint64_t low;
};
constexpr FoldBy fold_by(int bytes) {
  return {fold_constant(8 * bytes + 63), fold_constant(8 * bytes - 1)};
}
constexpr FoldBy kFold16 = fold_by(16);
constexpr FoldBy kFold64 = fold_by(64);
constexpr FoldBy kFold256 = fold_by(256);

constexpr size_t kCarrylessMinimum = 512;

#if defined(__x86_64__)
#define CAUDAL_CARRYLESS_TARGET __attribute__((target("avx512f,avx512vl,vpclmulqdq,pclmul,sse4.2")))

CAUDAL_CARRYLESS_TARGET inline __m512i fold512(__m512i x, __m512i k, __m512i next) {
  __m512i high = _mm512_clmulepi64_epi128(x, k, 0x00);
  __m512i low = _mm512_clmulepi64_epi128(x, k, 0x11);
  return _mm512_ternarylogic_epi64(high, low, next, 0x96);  // three-way xor
}

CAUDAL_CARRYLESS_TARGET inline __m128i fold128(__m128i x, __m128i k, __m128i next) {
  __m128i high = _mm_clmulepi64_si128(x, k, 0x00);
  __m128i low = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_ternarylogic_epi64(high, low, next, 0x96);
}
#endif

}  // namespace

#if defined(__x86_64__)
CAUDAL_CARRYLESS_TARGET uint32_t extend_carryless(uint32_t crc, ByteView data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  if (n < kCarrylessMinimum) return extend_hardware(crc, data);
  const __m512i k256 = _mm512_set_epi64(
      static_cast<long long>(kFold256.low), static_cast<long long>(kFold256.high),
      static_cast<long long>(kFold256.low), static_cast<long long>(kFold256.high),
      static_cast<long long>(kFold256.low), static_cast<long long>(kFold256.high),
      static_cast<long long>(kFold256.low), static_cast<long long>(kFold256.high));
  const __m512i k64 = _mm512_set_epi64(
      static_cast<long long>(kFold64.low), static_cast<long long>(kFold64.high),
      static_cast<long long>(kFold64.low), static_cast<long long>(kFold64.high),
      static_cast<long long>(kFold64.low), static_cast<long long>(kFold64.high),
      static_cast<long long>(kFold64.low), static_cast<long long>(kFold64.high));
  const __m128i k16 = _mm_set_epi64x(static_cast<long long>(kFold16.low),
                                     static_cast<long long>(kFold16.high));
  // The running register enters as an xor into the first four bytes, as with the crc32
  // instruction (whose state and data word are interchangeable in that way).
  __m512i a0 = _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_zextsi128_si512(_mm_cvtsi32_si128(static_cast<int>(~crc))));
  __m512i a1 = _mm512_loadu_si512(p + 64);
  __m512i a2 = _mm512_loadu_si512(p + 128);
  __m512i a3 = _mm512_loadu_si512(p + 192);
  p += 256;
  n -= 256;
  while (n >= 256) {
    a0 = fold512(a0, k256, _mm512_loadu_si512(p));
    a1 = fold512(a1, k256, _mm512_loadu_si512(p + 64));
    a2 = fold512(a2, k256, _mm512_loadu_si512(p + 128));
    a3 = fold512(a3, k256, _mm512_loadu_si512(p + 192));
    p += 256;
    n -= 256;
  }
  a1 = fold512(a0, k64, a1);
  a2 = fold512(a1, k64, a2);
  a3 = fold512(a2, k64, a3);
  while (n >= 64) {
    a3 = fold512(a3, k64, _mm512_loadu_si512(p));
    p += 64;
    n -= 64;
  }
  __m128i x = _mm512_maskz_extracti32x4_epi32(0xF, a3, 0);
  x = fold128(x, k16, _mm512_maskz_extracti32x4_epi32(0xF, a3, 1));
  x = fold128(x, k16, _mm512_maskz_extracti32x4_epi32(0xF, a3, 2));
  x = fold128(x, k16, _mm512_maskz_extracti32x4_epi32(0xF, a3, 3));
  while (n >= 16) {
    x = fold128(x, k16, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    p += 16;
    n -= 16;
  }
  // The last block's worth times x^32 mod P is the register: the crc32 instruction computes
  // exactly that from a zero state.
  uint64_t c = _mm_crc32_u64(0, static_cast<uint64_t>(_mm_cvtsi128_si64(x)));
  c = _mm_crc32_u64(c, static_cast<uint64_t>(_mm_extract_epi64(x, 1)));
  return extend_hardware(~static_cast<uint32_t>(c), ByteView(p, n));
}

bool carryless_available() {
  static const bool available = __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512vl") &&
                                __builtin_cpu_supports("vpclmulqdq") &&
                                __builtin_cpu_supports("pclmul") && hardware_available();
  return available;
}
#else
uint32_t extend_carryless(uint32_t crc, ByteView data) {
  return extend_portable(crc, data);
}
bool carryless_available() {
  return false;
}
#endif

uint32_t extend(uint32_t crc, ByteView data) {
  if (data.size() >= kCarrylessMinimum && carryless_available()) {
    return extend_carryless(crc, data);
  }
  return hardware_available() ? extend_hardware(crc, data) : extend_portable(crc, data);
}

}  // namespace caudal::crc32c
